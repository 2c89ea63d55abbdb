"""What a front end may say and log about a failure nobody translated: `user_message` (one
sentence for the person, without a database driver's text) and `crash_details` (for the log file:
the traceback's frames and the store's safe details, never SQL parameters or row values, which
carry customer data). The store's own rules (store/errors.py), here so front ends need not
import the store."""

from __future__ import annotations

import traceback

from sqlalchemy.exc import SQLAlchemyError

from shop_orders.store.errors import safe_details, user_message

__all__ = ["crash_details", "safe_details", "user_message"]


def crash_details(exc: BaseException) -> str:
    """The traceback's frames, the exception's own line unless it is a database error (its text
    carries SQL parameters and row values), then its safe details (classes, SQLSTATE, names)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    if not isinstance(exc, SQLAlchemyError):
        frames += "".join(traceback.format_exception_only(exc))
    return f"{frames}{safe_details(exc)}"
