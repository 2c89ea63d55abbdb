"""Simplified Chinese: import messages (see the package docstring)."""

ZH: dict[str, str] = {
}
