"""Simplified Chinese: cli messages (see the package docstring)."""

ZH: dict[str, str] = {
}
