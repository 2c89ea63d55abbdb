; Inno Setup 6 script: the Windows installer of the PyInstaller folder dist\ShopOrders.
; packaging\build.py runs it when ISCC.exe is found, passing the values below with /D; by hand:
;   iscc /DAppVersion=0.1.0 /DBundleDir=..\..\dist\ShopOrders /DIconFile=..\..\build\icons\shop-orders.ico /DOutputDir=..\..\dist packaging\windows\shop_orders.iss
; Per-user install by default (no administrator needed: the store lives in %LOCALAPPDATA% anyway);
; the person may choose an install for all users. Uninstalling leaves the data folder alone.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\ShopOrders"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\shop-orders.ico"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
; a fixed AppId: upgrades replace the installed version instead of installing beside it
AppId={{6E0C8F4A-2B7D-4D59-9A43-5C1E7B0F3D21}
AppName=Shop Orders
AppVerName=Shop Orders {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=Shop Orders
DefaultDirName={autopf}\ShopOrders
DefaultGroupName=Shop Orders
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=ShopOrders-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\ShopOrders.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Inno Setup ships Chinese only as an unofficial translation; add it here when it is installed:
; Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Shop Orders"; Filename: "{app}\ShopOrders.exe"
Name: "{autodesktop}\Shop Orders"; Filename: "{app}\ShopOrders.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\ShopOrders.exe"; Description: "{cm:LaunchProgram,Shop Orders}"; Flags: nowait postinstall skipifsilent
