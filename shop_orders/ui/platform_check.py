"""Before the first QApplication on Linux: can Qt's xcb platform plugin load? If not, one sentence
naming the packages to install, instead of Qt's abort ("could not load the Qt platform plugin").

How: `ldd` on PySide6's own libqxcb.so. ldd is the dynamic loader in trace mode, so it resolves
the plugin's libraries (and theirs: libQt6XcbQpa, the xcb-util libraries, libxkbcommon-x11) exactly
as loading the plugin will, through the same search path, and prints `libX.so.N => not found` for
each one missing; that is every missing library at once, in about 10 ms. The other way considered,
a throwaway subprocess creating a QGuiApplication, would cost a second Qt start on every launch
and still not say which libraries are missing (Qt names only xcb-cursor). What ldd does not see
(no display at all) is checked separately from DISPLAY/WAYLAND_DISPLAY; anything else (a library
that loads but is too old) still gets Qt's own message. Without ldd (a system without glibc's
tools) or without the plugin file, nothing is claimed and Qt goes ahead as before.

Only for the platform Qt would use here: xcb, chosen by QT_QPA_PLATFORM or -platform, or by default
outside a Wayland session. offscreen, minimal, vnc, wayland, Windows and macOS are not checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from shop_orders.domain.messages import t

# soname -> (Debian/Ubuntu package, Fedora package)
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libSM.so.6": ("libsm6", "libSM"),
    "libICE.so.6": ("libice6", "libICE"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}
# the other xcb extensions: libxcb-NAME.so.N is Debian's libxcb-NAMEN and part of Fedora's libxcb
_XCB_EXTENSION = re.compile(r"libxcb-([a-z0-9]+)\.so\.(\d+)$")
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


@dataclass(frozen=True)
class PlatformProblem:
    """Why Qt's platform plugin would not load here, as a sentence for the person."""

    sentence: str
    missing: tuple[str, ...] = ()  # sonames
    packages: tuple[str, ...] = ()  # for this system's package manager


def missing_libraries(ldd_output: str) -> list[str]:
    """The sonames ldd reports as `not found`, each once, in ldd's order."""
    found: list[str] = []
    for name in _NOT_FOUND.findall(ldd_output):
        if name not in found:
            found.append(name)
    return found


def package_for(soname: str, family: str) -> str:
    """The package holding `soname` on 'debian' or 'fedora' (the soname itself when unknown)."""
    if soname in PACKAGES:
        deb, rpm = PACKAGES[soname]
        return rpm if family == "fedora" else deb
    m = _XCB_EXTENSION.match(soname)
    if m:
        return "libxcb" if family == "fedora" else f"libxcb-{m.group(1)}{m.group(2)}"
    return soname


def distro_family(os_release: str | None = None) -> str:
    """'debian' (Debian, Ubuntu, Mint...), 'fedora' (Fedora, RHEL, CentOS...) or '' (unknown)."""
    if os_release is None:
        try:
            os_release = Path("/etc/os-release").read_text(encoding="utf-8", errors="replace")
        except OSError:
            os_release = ""
    words: set[str] = set()
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            words.update(value.strip().strip('"').lower().split())
    if words & {"debian", "ubuntu"}:
        return "debian"
    if words & {"fedora", "rhel", "centos"}:
        return "fedora"
    return ""


def chosen_platform(environ: Mapping[str, str], qt_args: Sequence[str] = ()) -> str:
    """The platform plugin Qt will try first: -platform, else QT_QPA_PLATFORM, else xcb (or
    wayland in a Wayland session, where Qt 6 prefers it)."""
    args = list(qt_args)
    for i, arg in enumerate(args):
        if arg in ("-platform", "--platform") and i + 1 < len(args):
            return args[i + 1].split(":")[0].split(";")[0]
    asked = environ.get("QT_QPA_PLATFORM", "")
    if asked:
        return asked.split(":")[0].split(";")[0]
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE", "") == "wayland":
        return "wayland"
    return "xcb"


def xcb_plugin() -> Path | None:
    """PySide6's libqxcb.so (in a checkout, a wheel or a PyInstaller bundle), if it is there."""
    import PySide6
    from PySide6.QtCore import QLibraryInfo

    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)),
               Path(PySide6.__file__).resolve().parent / "Qt" / "plugins"]
    folders += [Path(p) for p in os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    for folder in folders:
        plugin = folder / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def ldd_report(plugin: Path, ldd: str | None = None, timeout: float = 10.0) -> str | None:
    """ldd's output for `plugin`; None when there is no ldd or it fails to run."""
    ldd = ldd or shutil.which("ldd")
    if not ldd:
        return None
    try:
        done = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout + done.stderr


def check(environ: Mapping[str, str] | None = None, qt_args: Sequence[str] = (), *,
          platform: str | None = None, plugin: Path | None = None, ldd: str | None = None,
          os_release: str | None = None) -> PlatformProblem | None:
    """None when Qt should be able to open its window here (or when we cannot tell)."""
    env = os.environ if environ is None else environ
    if (platform or sys.platform) != "linux" or chosen_platform(env, qt_args) != "xcb":
        return None
    if not env.get("DISPLAY"):
        return PlatformProblem(t("Shop Orders cannot open its window: there is no display (DISPLAY is not "
                                 "set); start it from a desktop session, or check the installation with "
                                 "--self-test."))
    plugin = plugin or xcb_plugin()
    report = ldd_report(plugin, ldd) if plugin is not None and plugin.is_file() else None
    missing = missing_libraries(report) if report else []
    if not missing:
        return None
    family = distro_family(os_release)
    packages = tuple(dict.fromkeys(package_for(name, family or "debian") for name in missing))
    libs = ", ".join(missing)
    if family == "fedora":
        sentence = t("Shop Orders cannot open its window: Qt's xcb platform plugin needs {libs}, which are "
                     "not installed; install them with: sudo dnf install {packages}",
                     libs=libs, packages=" ".join(packages))
    elif family == "debian":
        sentence = t("Shop Orders cannot open its window: Qt's xcb platform plugin needs {libs}, which are "
                     "not installed; install them with: sudo apt-get install {packages}",
                     libs=libs, packages=" ".join(packages))
    else:
        fedora = " ".join(dict.fromkeys(package_for(name, "fedora") for name in missing))
        sentence = t("Shop Orders cannot open its window: Qt's xcb platform plugin needs {libs}, which are "
                     "not installed; install them with your package manager (Debian/Ubuntu: "
                     "sudo apt-get install {packages}; Fedora: sudo dnf install {fedora})",
                     libs=libs, packages=" ".join(packages), fedora=fedora)
    return PlatformProblem(sentence, tuple(missing), packages)
