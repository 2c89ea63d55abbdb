"""Build the Shop Orders desktop app for the OS this runs on (PyInstaller, one folder).

    python3 -m pip install -e ".[package]"
    python3 packaging/build.py [--self-test]

1. Draws the app icon from resources/icons/app.svg with Qt itself (QSvgRenderer; no other image
   library): build/icons/shop-orders-{16..1024}.png, shop-orders.ico (Windows) and
   shop-orders.icns (macOS), both written here as containers of PNG images.
2. Runs PyInstaller on packaging/shop_orders.spec: dist/ShopOrders/ (the app and its _internal/
   folder: Python, Qt with its plugins and qtbase translations, the message catalogue, the
   Alembic migrations, the icons); on macOS also dist/Shop Orders.app.
3. Per OS: Linux: dist/ShopOrders-VERSION-linux-ARCH.tar.gz, the folder with shop-orders.desktop
   and shop-orders.png; Windows: the installer from packaging/windows/shop_orders.iss when Inno
   Setup's ISCC.exe is found (else says how); macOS: dist/ShopOrders-VERSION-macos-ARCH.zip of
   the .app (unsigned).
4. With --self-test: runs the built app's `--self-test` (offscreen when there is no display).

Prints the time of each stage and the sizes; exits non-zero when any stage fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
NAME = "ShopOrders"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns element types holding PNG data, by pixel size (Apple's "icns" format)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))


def version() -> str:
    text = (ROOT / "shop_orders" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def machine() -> str:
    arch = platform.machine().lower()
    return {"amd64": "x86_64", "aarch64": "arm64"}.get(arch, arch)


# ---- icons ----------------------------------------------------------------------------------

def render_pngs(svg: Path) -> dict[int, bytes]:
    """The SVG drawn at every size, as PNG bytes (Qt's SVG renderer, offscreen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - Qt needs one
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"build: {svg} is not an SVG Qt can draw")
    out: dict[int, bytes] = {}
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise SystemExit(f"build: Qt could not write a {size} px PNG")
        buffer.close()
        out[size] = bytes(data)
    return out


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG images (read by Windows Vista and later)."""
    sizes = [s for s in ICO_SIZES if s in pngs]
    head = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(head) + 16 * len(sizes)
    entries, blobs = b"", b""
    for s in sizes:
        blob = pngs[s]
        # width/height 0 means 256; colour count 0, reserved 0, planes 1, 32 bits per pixel
        entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return head + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG images."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for kind, s in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(ROOT / "resources" / "icons" / "app.svg")
    for size, data in pngs.items():
        (folder / f"shop-orders-{size}.png").write_bytes(data)
    (folder / "shop-orders.png").write_bytes(pngs[256])
    (folder / "shop-orders.ico").write_bytes(ico(pngs))
    (folder / "shop-orders.icns").write_bytes(icns(pngs))


# ---- per OS ---------------------------------------------------------------------------------

def linux_archive(dist: Path, icons: Path) -> Path:
    """The folder with its .desktop file and icon, as ShopOrders-VERSION-linux-ARCH.tar.gz."""
    folder = dist / NAME
    shutil.copy2(PACKAGING / "linux" / "shop-orders.desktop", folder / "shop-orders.desktop")
    shutil.copy2(icons / "shop-orders.png", folder / "shop-orders.png")
    archive = dist / f"{NAME}-{version()}-linux-{machine()}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=NAME)
    return archive


def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").is_file():
            return str(Path(base) / "Inno Setup 6" / "ISCC.exe")
    return None


def windows_installer(dist: Path, icons: Path) -> Path | None:
    iscc = find_iscc()
    if iscc is None:
        print("build: Inno Setup 6 (ISCC.exe) not found; the folder dist\\ShopOrders is built. For the "
              "installer install Inno Setup 6 (https://jrsoftware.org/isinfo.php) and run build.py again.")
        return None
    subprocess.run([iscc, f"/DAppVersion={version()}", f"/DBundleDir={dist / NAME}",
                    f"/DIconFile={icons / 'shop-orders.ico'}", f"/DOutputDir={dist}",
                    str(PACKAGING / "windows" / "shop_orders.iss")], check=True)
    return dist / f"{NAME}-{version()}-setup.exe"


def macos_zip(dist: Path) -> Path:
    archive = dist / f"{NAME}-{version()}-macos-{machine()}.zip"
    subprocess.run(["ditto", "-c", "-k", "--keepParent", str(dist / "Shop Orders.app"), str(archive)], check=True)
    return archive


def executable(dist: Path) -> Path:
    if sys.platform == "darwin":
        return dist / "Shop Orders.app" / "Contents" / "MacOS" / NAME
    return dist / NAME / (NAME + (".exe" if sys.platform == "win32" else ""))


# ---- main -----------------------------------------------------------------------------------

def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Shop Orders app for this OS (PyInstaller).")
    parser.add_argument("--self-test", action="store_true", help="run the built app's --self-test afterwards")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="work folder (default: build/)")
    args = parser.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print('build: PyInstaller is missing; install the package extra: python3 -m pip install -e ".[package]"',
              file=sys.stderr)
        return 1
    dist, work = args.dist.resolve(), args.work.resolve()
    icons = work / "icons"
    times: dict[str, float] = {}

    start = time.perf_counter()
    make_icons(icons)
    times["icons"] = time.perf_counter() - start

    start = time.perf_counter()
    env = dict(os.environ, SHOP_ORDERS_ICONS=str(icons))
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work / "pyinstaller"),
                    str(PACKAGING / "shop_orders.spec")], check=True, env=env, cwd=ROOT)
    times["pyinstaller"] = time.perf_counter() - start

    start = time.perf_counter()
    archive = None
    if sys.platform.startswith("linux"):
        archive = linux_archive(dist, icons)
    elif sys.platform == "win32":
        archive = windows_installer(dist, icons)
    elif sys.platform == "darwin":
        archive = macos_zip(dist)
    times["archive"] = time.perf_counter() - start

    folder = dist / ("Shop Orders.app" if sys.platform == "darwin" else NAME)
    print(f"build: {folder} {mib(size_of(folder))} unpacked")
    if archive is not None and archive.exists():
        print(f"build: {archive} {mib(size_of(archive))}")
    print("build: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()) + f", total {sum(times.values()):.1f} s")

    if args.self_test:
        start = time.perf_counter()
        done = subprocess.run([str(executable(dist)), "--self-test"], cwd=dist)
        print(f"build: the bundle's self-test exited {done.returncode} ({time.perf_counter() - start:.1f} s)")
        return done.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
