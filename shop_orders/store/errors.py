"""Database failures split into the environment's fault (a message for the user) and our bugs.

`translate` turns a driver error caused by the environment (locked, not a database, disk full,
server down) into a StoreError with one clear sentence. Any other error the database raised (a
constraint, a value out of range, ...) becomes one sentence too, never the driver's text: that
text carries the SQL, its parameters and the row's values (customer data). What a developer needs
(error class, SQLSTATE, constraint, table, column: never values) goes to the log (`safe_details`).
Errors that are not the database's are re-raised as they are.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import N_, t


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


class StoreFilesChanged(StoreError):
    """The database file or its WAL is no longer the file this process opened; writing stopped."""


class NoDatabase(StoreError):
    """Nothing is there yet and creating it was not asked for."""


class AuditTrailDamaged(StoreError):
    """The audit trail no longer matches the head kept outside the database: writing stopped."""


class NoPassword(StoreError):
    """The server asks for a password and none was given (URL, ~/.pgpass or the environment)."""


class AuditKeyMissing(StoreError):
    """This seat has no key for the store's audit chain: it may read but not write."""


_ENVIRONMENT = [
    ("database is locked", DatabaseBusy,
     N_("The database {where} is busy: another program kept it locked for too long. Nothing was changed; try again.")),
    ("database table is locked", DatabaseBusy,
     N_("The database {where} is busy: another program kept it locked for too long. Nothing was changed; try again.")),
    ("file is not a database", NotADatabase, N_("{where} is not a Shop Orders database (not an SQLite file).")),
    ("file is encrypted", NotADatabase, N_("{where} is not a Shop Orders database (not an SQLite file).")),
    ("database disk image is malformed", DamagedDatabase,
     N_("The database {where} is damaged; restore it from a backup (shop-orders restore).")),
    ("disk is full", StoreError, N_("The disk holding {where} is full; nothing was changed.")),
    ("unable to open database file", StoreError, N_("The database {where} cannot be opened (check the folder exists and is writable).")),
    ("attempt to write a readonly database", StoreError, N_("The database {where} is read-only; nothing was changed.")),
    ("connection refused", StoreError, N_("The database server for {where} refused the connection; is it running?")),
    ("password authentication failed", StoreError, N_("The database server for {where} refused the user name or password.")),
    (("database \"", "does not exist"), StoreError, N_("The database {where} does not exist on the server.")),
    ("could not translate host name", StoreError, N_("The database server name in {where} cannot be found.")),
    ("name or service not known", StoreError, N_("The database server name in {where} cannot be found.")),
    ("no password supplied", NoPassword,
     N_("The database server for {where} asks for a password and none was given: put it in ~/.pgpass, set "
        "SHOP_ORDERS_DB_PASSWORD, or type it when the command line asks.")),
    ("server does not support ssl", StoreError,
     N_("The database server for {where} does not offer SSL, which the address asks for (sslmode); nothing "
        "was changed.")),
    ("ssl is not enabled on the server", StoreError,
     N_("The database server for {where} does not offer SSL, which the address asks for (sslmode); nothing "
        "was changed.")),
    ("the database system is shutting down", StoreError,
     N_("The database server for {where} is shutting down; nothing was changed; try again when it is back.")),
    ("the database system is starting up", StoreError,
     N_("The database server for {where} is starting up; nothing was changed; try again in a moment.")),
    ("terminating connection due to administrator command", StoreError,
     N_("The database server for {where} was stopped during the work; nothing was changed; try again when it "
        "is back.")),
    ("server closed the connection", StoreError,
     N_("The database server for {where} went away during the work; nothing was changed; try again.")),
    ("consuming input failed", StoreError,
     N_("The database server for {where} went away during the work; nothing was changed; try again.")),
    ("canceling statement due to lock timeout", DatabaseBusy,
     N_("Another seat is busy with the store {where} and held it for too long; nothing was changed; try again "
        "in a moment.")),
    ("lock timeout", DatabaseBusy,
     N_("Another seat is busy with the store {where} and held it for too long; nothing was changed; try again "
        "in a moment.")),
    ("invalid sslmode value", StoreError, N_("The address of {where} has an sslmode the server library does "
                                             "not know.")),
]


log = logging.getLogger("shop_orders.store")

# SQLSTATE class (PostgreSQL) or SQLite result name -> what happened, for people.
_REFUSED = {
    "22": N_("a value is out of range or too long for the store"),
    "23": N_("the change breaks one of the store's rules (a duplicate or a missing value)"),
}


class DatabaseRefused(StoreError):
    """The database refused a change (constraint, range); nothing was written."""


def safe_details(exc: BaseException) -> str:
    """What went wrong for the log: classes, SQLSTATE, constraint, table and column names, the
    statement's first word; never the SQL's parameters, the row's values or the driver message."""
    orig = getattr(exc, "orig", None)
    parts = [type(exc).__name__]
    if orig is not None:
        parts.append(f"{type(orig).__module__}.{type(orig).__name__}")
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code is None and orig is not None:
        code = getattr(orig, "sqlite_errorname", None)
    if code:
        parts.append(f"code={code}")
    diag = getattr(orig, "diag", None)
    for name in ("constraint_name", "table_name", "column_name", "datatype_name"):
        value = getattr(diag, name, None) if diag is not None else None
        if value:
            parts.append(f"{name}={value}")
    statement = getattr(exc, "statement", None)
    if statement:
        parts.append("statement=" + " ".join(str(statement).split()[:3])[:80])
    return " ".join(parts)


def _kind(exc: DBAPIError) -> str:
    """What the database refused, in English (a catalogue key: translate with t())."""
    orig = getattr(exc, "orig", None)
    code = str(getattr(orig, "sqlstate", None) or "")
    if code[:2] in _REFUSED:
        return _REFUSED[code[:2]]
    name = type(exc).__name__
    if name == "IntegrityError":
        return _REFUSED["23"]
    if name == "DataError":
        return _REFUSED["22"]
    return N_("the database reported an error")


def translate(exc: BaseException, where: str) -> BaseException:
    """The StoreError for a database failure (one sentence; details in the log), or exc itself
    when the error did not come from the database."""
    if isinstance(exc, ShopOrdersError):
        return exc
    if isinstance(exc, DBAPIError | OperationalError):
        text = str(getattr(exc, "orig", exc)).lower()
        for needle, cls, message in _ENVIRONMENT:
            needles = needle if isinstance(needle, tuple) else (needle,)
            if all(n in text for n in needles):
                log.warning("database %s: %s", where, safe_details(exc))
                return cls(t(message, where=where))
        log.error("database %s refused a statement: %s", where, safe_details(exc))
        return DatabaseRefused(t("The database {where} refused the change ({kind}); nothing was written.",
                                 where=where, kind=t(_kind(exc))))
    return exc


def user_message(exc: BaseException) -> str:
    """One sentence for an error nobody translated, without the driver's text for database errors."""
    if isinstance(exc, SQLAlchemyError):
        return t("unexpected database error ({kind})", kind=type(exc).__name__)
    return t("unexpected {kind}: {error}", kind=type(exc).__name__, error=exc)
