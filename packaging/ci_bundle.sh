#!/usr/bin/env bash
# Build the Linux bundle and run its self-test, as a person would get it: in a fresh virtual
# environment with the package extra (so only the app's own dependencies go in, not whatever else
# the machine's Python has), then packaging/build.py, then the .tar.gz unpacked into a temporary
# folder and its `ShopOrders --self-test` run offscreen. Exits non-zero when any step fails.
# Meant to run after the tests in .ci/run; takes about 2 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 QT_QPA_PLATFORM=offscreen

# PyInstaller reads binaries' dependencies with objdump (binutils) and refuses to start without it.
# The xcb platform plugin's libraries: PyInstaller copies the ones it finds into the bundle, so a
# bundle built where they are installed asks less of the computer it runs on (see README).
debs=(binutils libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
      libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0)
missing=()
for d in "${debs[@]}"; do dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "ci_bundle: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

venv=build/bundle-venv
start=$(date +%s)
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q -e ".[package]"
echo "ci_bundle: package extra installed in $venv ($(( $(date +%s) - start )) s)"

rm -f dist/ShopOrders-*-linux-*.tar.gz
"$venv/bin/python" packaging/build.py

archive=$(ls dist/ShopOrders-*-linux-*.tar.gz | head -n 1)
unpacked=$(mktemp -d /tmp/shop-orders-bundle.XXXXXX)
trap 'rm -rf "$unpacked"' EXIT
mkdir -p "$unpacked/home"
tar -C "$unpacked" -xzf "$archive"
echo "ci_bundle: self-test of $archive, unpacked in $unpacked"
# HOME and XDG folders of its own: the self-test must not need (or touch) a person's data folder
HOME="$unpacked/home" XDG_DATA_HOME="$unpacked/home/data" XDG_CONFIG_HOME="$unpacked/home/config" \
  "$unpacked/ShopOrders/ShopOrders" --self-test
echo "ci_bundle: the bundle's self-test passed ($(( $(date +%s) - start )) s in all)"
