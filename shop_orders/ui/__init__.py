"""The desktop UI (PySide6). Calls services and read-only queries only; holds no business rules."""
