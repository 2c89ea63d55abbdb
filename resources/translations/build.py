"""Rebuild the translations: extract UI strings (pyside6-lupdate), fill in zh_CN.py, compile (.qm).

    python3 resources/translations/build.py

Fails, naming them, if a UI string has no Chinese yet.
"""

import glob
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TS = HERE / "shop_orders_zh_CN.ts"
sys.path.insert(0, str(HERE))
from zh_CN import ZH  # noqa: E402


def main() -> None:
    sources = sorted(glob.glob(str(ROOT / "shop_orders" / "ui" / "*.py")))
    subprocess.run(["pyside6-lupdate", *sources, "-ts", str(TS), "-no-obsolete", "-locations", "none"],
                   check=True, stdout=subprocess.DEVNULL)
    tree = ET.parse(TS)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.find("source").text
        translation = message.find("translation")
        if source in ZH:
            translation.text = ZH[source]
            translation.attrib.pop("type", None)
        else:
            missing.append(source)
    if missing:
        raise SystemExit("no Chinese yet for: " + "; ".join(repr(m) for m in missing))
    tree.getroot().set("language", "zh_CN")
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    subprocess.run(["pyside6-lrelease", str(TS), "-qm", str(HERE / "shop_orders_zh_CN.qm")], check=True,
                   stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
