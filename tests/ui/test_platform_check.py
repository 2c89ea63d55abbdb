"""The check before Qt starts: which platform Qt would use, what ldd says is missing, and the one
sentence naming the packages for this system (ldd is replaced by a script printing a canned report)."""

import sys
from pathlib import Path

import pytest

from shop_orders.domain import messages
from shop_orders.ui import platform_check as pc

# ldd's report on PySide6 6.11's libqxcb.so on a Debian 12 without libxcb-icccm4 and libxcb-keysyms1
# (abridged); a library missing deeper down is printed once per library that needs it
LDD = """\
\tlinux-vdso.so.1 (0x00007ffd5f3e2000)
\tlibQt6XcbQpa.so.6 => /opt/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f26)
\tlibxkbcommon-x11.so.0 => /lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 (0x00007f2643d21000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f2643d1a000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-xinerama.so.0 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f26429b9000)
\tlibxcb-icccm.so.4 => not found
"""
DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'
UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'
ROCKY = 'ID="rocky"\nID_LIKE="rhel centos fedora"\n'
ARCH = "ID=arch\n"
X11 = {"DISPLAY": ":0"}


def fake_ldd(tmp_path: Path, report: str) -> str:
    script = tmp_path / "ldd"
    script.write_text("#!/bin/sh\ncat <<'EOF'\n" + report + "EOF\n")
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def plugin(tmp_path):
    p = tmp_path / "libqxcb.so"
    p.write_bytes(b"\x7fELF")
    return p


def test_missing_libraries_are_read_from_ldd_once_each_in_order():
    assert pc.missing_libraries(LDD) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-xinerama.so.0"]
    assert pc.missing_libraries("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.mark.parametrize(("soname", "deb", "rpm"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    ("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    ("libxcb-xinerama.so.0", "libxcb-xinerama0", "libxcb"),  # an xcb extension: by rule
    ("libEGL.so.1", "libegl1", "libglvnd-egl"),
    ("libunknown.so.3", "libunknown.so.3", "libunknown.so.3"),  # unknown: named as the library
])
def test_each_library_is_named_by_its_package(soname, deb, rpm):
    assert pc.package_for(soname, "debian") == deb
    assert pc.package_for(soname, "fedora") == rpm


@pytest.mark.parametrize(("text", "family"), [(DEBIAN, "debian"), (UBUNTU, "debian"), (FEDORA, "fedora"),
                                              (ROCKY, "fedora"), (ARCH, ""), ("", "")])
def test_the_distribution_family_comes_from_os_release(text, family):
    assert pc.distro_family(text) == family


@pytest.mark.parametrize(("env", "args", "platform"), [
    ({}, [], "xcb"),
    ({"QT_QPA_PLATFORM": "offscreen"}, [], "offscreen"),
    ({"QT_QPA_PLATFORM": "xcb:nomitshm"}, [], "xcb"),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, [], "wayland"),
    ({"QT_QPA_PLATFORM": "xcb"}, ["-platform", "offscreen"], "offscreen"),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, [], "wayland"),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"}, [], "xcb"),
])
def test_the_platform_qt_would_use(env, args, platform):
    assert pc.chosen_platform(env, args) == platform


def test_missing_libraries_give_one_sentence_with_the_apt_command(tmp_path, plugin):
    problem = pc.check(X11, platform="linux", plugin=plugin, ldd=fake_ldd(tmp_path, LDD), os_release=DEBIAN)
    assert problem.missing == ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-xinerama.so.0")
    assert problem.sentence == (
        "Shop Orders cannot open its window: Qt's xcb platform plugin needs libxcb-icccm.so.4, "
        "libxcb-keysyms.so.1, libxcb-xinerama.so.0, which are not installed; install them with: "
        "sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0")
    assert "\n" not in problem.sentence


def test_fedora_gets_dnf_and_an_unknown_system_both(tmp_path, plugin):
    ldd = fake_ldd(tmp_path, LDD)
    fedora = pc.check(X11, platform="linux", plugin=plugin, ldd=ldd, os_release=FEDORA)
    assert fedora.sentence.endswith("sudo dnf install xcb-util-wm xcb-util-keysyms libxcb")
    other = pc.check(X11, platform="linux", plugin=plugin, ldd=ldd, os_release=ARCH)
    assert "Debian/Ubuntu: sudo apt-get install libxcb-icccm4" in other.sentence
    assert "Fedora: sudo dnf install xcb-util-wm xcb-util-keysyms libxcb)" in other.sentence


def test_the_sentence_is_in_chinese_when_the_app_is(tmp_path, plugin):
    messages.set_language("zh_CN")
    problem = pc.check(X11, platform="linux", plugin=plugin, ldd=fake_ldd(tmp_path, LDD), os_release=DEBIAN)
    assert problem.sentence.startswith("订单台无法打开窗口：Qt 的 xcb 平台插件需要 libxcb-icccm.so.4")
    assert problem.sentence.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0")


def test_nothing_is_claimed_when_all_is_found_or_it_cannot_be_told(tmp_path, plugin):
    found = "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x1)\n"
    assert pc.check(X11, platform="linux", plugin=plugin, ldd=fake_ldd(tmp_path, found)) is None
    assert pc.check(X11, platform="linux", plugin=plugin, ldd=str(tmp_path / "no-ldd")) is None  # ldd fails
    assert pc.check(X11, platform="linux", plugin=tmp_path / "gone.so", ldd=fake_ldd(tmp_path, LDD)) is None


def test_other_platforms_and_systems_are_not_checked(tmp_path, plugin):
    ldd = fake_ldd(tmp_path, LDD)
    assert pc.check({**X11, "QT_QPA_PLATFORM": "offscreen"}, platform="linux", plugin=plugin, ldd=ldd) is None
    assert pc.check(X11, ["-platform", "minimal"], platform="linux", plugin=plugin, ldd=ldd) is None
    for system in ("win32", "darwin"):
        assert pc.check({}, platform=system, plugin=plugin, ldd=ldd) is None


def test_no_display_is_said_before_any_library(tmp_path, plugin):
    problem = pc.check({}, platform="linux", plugin=plugin, ldd=fake_ldd(tmp_path, LDD))
    assert "there is no display (DISPLAY is not set)" in problem.sentence


@pytest.mark.skipif(sys.platform != "linux", reason="PySide6's xcb plugin is Linux's")
def test_pyside6s_xcb_plugin_is_found():
    plugin = pc.xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so"
