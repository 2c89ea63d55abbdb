"""The desktop UI (PySide6). Calls services and read-only queries only; holds no business rules.

Importing the package registers the UI's own texts with the message catalogue (messages_zh.py)."""

from shop_orders.domain.messages import register as _register
from shop_orders.ui.messages_zh import ZH as _ZH

_register(_ZH)
