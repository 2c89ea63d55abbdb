"""Every colour of the UI comes from ui/palette.py (issue 25 item 5): no colour written into a
widget's code, so screens, dark mode and print stay coherent."""

import io
import re
import tokenize
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "shop_orders" / "ui"
IN_TEXT = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl)\(")  # in a string: a style sheet, a colour name
IN_CODE = re.compile(r"QColor\(\s*\d|Qt\.GlobalColor\.")  # in the code itself


def literals(text: str) -> list[str]:
    """The lines of Python `text` that write a colour: in a string (not in a comment), or as code."""
    lines = text.splitlines()
    hits: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.STRING and IN_TEXT.search(tok.string):
            hits.add(tok.start[0])
    for n, line in enumerate(lines, 1):
        if IN_CODE.search(line.split("#", 1)[0]):
            hits.add(n)
    return [lines[n - 1].strip() for n in sorted(hits)]


def test_no_colour_is_written_outside_the_palette():
    found = {f.name: literals(f.read_text(encoding="utf-8")) for f in sorted(UI.glob("*.py")) if f.name != "palette.py"}
    found = {name: lines for name, lines in found.items() if lines}
    assert not found, f"colours written outside ui/palette.py: {found}"


def test_the_check_finds_each_way_of_writing_a_colour():
    for line in ('label.setStyleSheet("color: #c62828")', "QColor(0, 0, 0, 0)", "brush = Qt.GlobalColor.red",
                 'w.setStyleSheet("background: rgb(255, 0, 0)")'):
        assert literals(line) == [line]
    assert literals("QColor(palette.QUIET_TEXT)") == []
