"""Simplified Chinese: store messages (see the package docstring)."""

ZH: dict[str, str] = {
}
