"""Simplified Chinese: export messages (see the package docstring)."""

ZH: dict[str, str] = {
}
