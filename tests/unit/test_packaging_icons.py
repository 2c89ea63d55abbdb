"""packaging/build.py's icon files: the app's SVG drawn by Qt, put into .ico and .icns containers
(written by hand there, so no image library is needed): each holds every size as a real PNG."""

import importlib.util
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("shop_orders_build", ROOT / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pngs(build, qapp):
    return build.render_pngs(ROOT / "resources" / "icons" / "app.svg")


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG)
    return struct.unpack(">II", data[16:24])


def test_the_svg_is_drawn_at_every_size(build, pngs):
    assert sorted(pngs) == list(build.PNG_SIZES)
    for size, data in pngs.items():
        assert png_size(data) == (size, size)


def test_ico_holds_every_windows_size_as_png(build, pngs):
    data = build.ico(pngs)
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(build.ICO_SIZES))
    for i, size in enumerate(build.ICO_SIZES):
        w, h, _, _, planes, bits, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i: 22 + 16 * i])
        assert (w or 256, h or 256, planes, bits) == (size, size, 1, 32)
        assert png_size(data[offset:offset + length]) == (size, size)


def test_icns_holds_every_mac_size_as_png(build, pngs):
    data = build.icns(pngs)
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    seen, pos = {}, 8
    while pos < len(data):
        kind, length = data[pos:pos + 4], struct.unpack(">I", data[pos + 4:pos + 8])[0]
        seen[kind] = png_size(data[pos + 8:pos + length])[0]
        pos += length
    assert seen == {kind: size for kind, size in build.ICNS_TYPES}
