"""Database failures split into the environment's fault (a message for the user) and our bugs.

`translate` turns a driver error caused by the environment (locked, not a database, disk full,
server down) into a StoreError with one clear sentence; anything else is re-raised as it is.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

from shop_orders.domain.errors import ShopOrdersError


class StoreError(ShopOrdersError):
    """The database cannot be used right now; nothing was written."""


class DatabaseBusy(StoreError):
    """Another writer held the lock past the busy timeout."""


class NotADatabase(StoreError):
    """The file or database is not a Shop Orders store (or is damaged)."""


class DamagedDatabase(NotADatabase):
    """SQLite reports the file's pages as malformed."""


class SchemaTooNew(StoreError):
    """A newer release of Shop Orders wrote this database."""


class NoDatabase(StoreError):
    """Nothing is there yet and creating it was not asked for."""


_ENVIRONMENT = [
    ("database is locked", DatabaseBusy,
     "The database {where} is busy: another program kept it locked for too long. Nothing was changed; try again."),
    ("database table is locked", DatabaseBusy,
     "The database {where} is busy: another program kept it locked for too long. Nothing was changed; try again."),
    ("file is not a database", NotADatabase, "{where} is not a Shop Orders database (not an SQLite file)."),
    ("file is encrypted", NotADatabase, "{where} is not a Shop Orders database (not an SQLite file)."),
    ("database disk image is malformed", DamagedDatabase,
     "The database {where} is damaged; restore it from a backup (shop-orders restore)."),
    ("disk is full", StoreError, "The disk holding {where} is full; nothing was changed."),
    ("unable to open database file", StoreError, "The database {where} cannot be opened (check the folder exists and is writable)."),
    ("attempt to write a readonly database", StoreError, "The database {where} is read-only; nothing was changed."),
    ("connection refused", StoreError, "The database server for {where} refused the connection; is it running?"),
    ("password authentication failed", StoreError, "The database server for {where} refused the user name or password."),
    (("database \"", "does not exist"), StoreError, "The database {where} does not exist on the server."),
    ("could not translate host name", StoreError, "The database server name in {where} cannot be found."),
    ("server closed the connection", StoreError, "The database server for {where} closed the connection; try again."),
]


def translate(exc: BaseException, where: str) -> BaseException:
    """The StoreError for an environment failure, or exc itself when it is our bug."""
    if isinstance(exc, ShopOrdersError):
        return exc
    if isinstance(exc, DBAPIError | OperationalError):
        text = str(getattr(exc, "orig", exc)).lower()
        for needle, cls, message in _ENVIRONMENT:
            needles = needle if isinstance(needle, tuple) else (needle,)
            if all(n in text for n in needles):
                return cls(message.format(where=where))
    return exc
