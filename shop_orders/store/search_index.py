"""The quick search's index: any part (two characters or more) of an order's numbers, names,
phone and address.

Two derived tables, created by migration 0016 and kept by every unit of work in the transaction
that writes the orders (services/uow.py calls `refresh` with the orders it seals), rebuilt whole
by `rebuild` (the migration's backfill, and after a store is copied between backends):

- `order_search` (order id, text): the searched fields of the order, ASCII letters lowered,
  joined by U+001F. A search's candidates are checked against it (`text LIKE '%…%'`), so what is
  found is exactly the orders one of whose fields contains the search text.
- the grams: each field's 3-character windows and its last 2 characters, every character written
  as 4 base-36 digits, so that any character (Chinese, punctuation) makes a plain alphanumeric
  token of fixed width and a 2-character search is a token prefix. SQLite keeps them in an FTS5
  table without content (`order_search_grams`, rowid = order id); PostgreSQL in a tsvector column
  of `order_search` with a GIN index. A search of 2 characters asks for the tokens starting with
  them and one of 3 for its token (both exact: a token never spans two fields); a longer one for
  orders holding all of (up to 6 of) its 3-character windows, then checked against the text.

Neither table is in the models (store/models.py): they are derived data, not part of the copy
between backends, and not sealed; a store whose index is lost is made whole again by `rebuild`.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    MetaData,
    Select,
    Table,
    Text,
    TextualSelect,
    false,
    inspect,
    select,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from shop_orders.store.models import Order

FIELDS = ("order_no", "channel_order_no", "buyer", "recipient", "phone", "address", "tracking_no")
SEP = "\x1f"
MIN_CHARS = 2
MAX_CHARS = 64
MAX_TERMS = 6
CHUNK = 500
REBUILD_BATCH = 20_000

S = Table("order_search", MetaData(), Column("order_id", BigInteger, primary_key=True),
          Column("text", Text, nullable=False))
ORD = Order.__table__


def is_index_table(name: str) -> bool:
    """Whether a table of the store belongs to this index (FTS5 keeps shadow tables beside its own)."""
    return name == "order_search" or name.startswith("order_search_grams")

_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase, "".join(map(chr, range(32))))
_DIGITS = string.digits + string.ascii_lowercase


class _Codes(dict[int, str]):
    """str.translate's table: every character (its ordinal) to 4 base-36 digits (36**4 > U+10FFFF)."""

    def __missing__(self, n: int) -> str:
        code = _DIGITS[n // 46656] + _DIGITS[n // 1296 % 36] + _DIGITS[n // 36 % 36] + _DIGITS[n % 36]
        self[n] = code
        return code


_CODES = _Codes()


def normal(value: str) -> str:
    """What the index compares: ASCII letters lowered (as SQLite's LIKE folds them), control
    characters (U+001F separates the fields) dropped."""
    return value.translate(_LOWER)


def searched_text(fields: Iterable[str | None]) -> str:
    return SEP.join(normal(f or "") for f in fields)


def tokens(text: str) -> str:
    """The grams of an order's searched text, space-separated."""
    out: list[str] = []
    for field in text.split(SEP):
        n = len(field)
        if n < MIN_CHARS:
            continue
        coded = field.translate(_CODES)
        out.extend(coded[i:i + 12] for i in range(0, 4 * (n - 2), 4))
        out.append(coded[-8:])
    return " ".join(out)


def _terms(q: str) -> tuple[list[str], bool]:
    """The tokens a search asks for, and whether they are prefixes (a 2-character search)."""
    if len(q) == MIN_CHARS:
        return [q.translate(_CODES)], True
    windows = list(dict.fromkeys(q[i:i + 3] for i in range(len(q) - 2)))
    if len(windows) > MAX_TERMS:  # the first, the last and some between are selective enough
        step = (len(windows) - 1) / (MAX_TERMS - 1)
        windows = list(dict.fromkeys(windows[round(i * step)] for i in range(MAX_TERMS)))
    return [w.translate(_CODES) for w in windows], False


def usable(search: str) -> str | None:
    """The search text as the index compares it, or None when it is too short to search."""
    q = normal(search.strip())[:MAX_CHARS]
    return q if len(q.strip()) >= MIN_CHARS else None


def clause(search: str, dialect: str) -> ColumnElement[bool]:
    """orders.id among the orders one of whose searched fields contains `search`; a search too
    short to run (domain/grid.search_refusal says why) finds nothing."""
    q = usable(search)
    if q is None:
        return false()
    terms, prefix = _terms(q)
    by_grams: Select[tuple[int]] | TextualSelect
    if dialect == "postgresql":
        match = " & ".join(f"{t}:*" if prefix else t for t in terms)
        found = select(S.c.order_id).where(
            sql_text("order_search.grams @@ CAST(:search_terms AS tsquery)").bindparams(search_terms=match))
        by_grams = found
    else:
        match = " AND ".join(f"{t}*" if prefix else t for t in terms)
        by_grams = (sql_text("SELECT rowid FROM order_search_grams WHERE order_search_grams MATCH :search_terms")
                    .bindparams(search_terms=match).columns(rowid=BigInteger))
        found = select(S.c.order_id).where(S.c.order_id.in_(by_grams))
    if len(q) <= 3:  # one gram (or the grams starting with two characters) is exactly the search
        return ORD.c.id.in_(by_grams)
    return ORD.c.id.in_(found.where(S.c.text.contains(q, autoescape=True)))


def _current(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    rows = conn.execute(select(ORD.c.id, *(ORD.c[f] for f in FIELDS)).where(ORD.c.id.in_(ids))).all()
    return {r[0]: searched_text(r[1:]) for r in rows}


def _write(conn: Connection, gone: dict[int, str], new: dict[int, str]) -> None:
    """Take `gone` (id: the text it was indexed with) out of the index and put `new` in."""
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    if gone:
        ids = list(gone)
        conn.exec_driver_sql(f"DELETE FROM order_search WHERE order_id IN ({', '.join([mark] * len(ids))})",
                             tuple(ids))
        if sqlite:
            conn.exec_driver_sql("INSERT INTO order_search_grams (order_search_grams, rowid, grams) "
                                 "VALUES ('delete', ?, ?)", [(i, tokens(t)) for i, t in gone.items()])
    if not new:
        return
    if sqlite:
        conn.exec_driver_sql("INSERT INTO order_search (order_id, text) VALUES (?, ?)", list(new.items()))
        conn.exec_driver_sql("INSERT INTO order_search_grams (rowid, grams) VALUES (?, ?)",
                             [(i, tokens(t)) for i, t in new.items()])
    else:
        conn.exec_driver_sql("INSERT INTO order_search (order_id, text, grams) VALUES (%s, %s, CAST(%s AS tsvector))",
                             [(i, t, tokens(t)) for i, t in new.items()])


def refresh(session: Session, ids: Iterable[int]) -> None:
    """Index these orders as they are now in this transaction (orders gone leave the index);
    orders whose searched fields did not change cost two indexed reads."""
    wanted = sorted(set(ids))
    conn = session.connection()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        now = _current(conn, chunk)
        before = dict(conn.execute(select(S.c.order_id, S.c.text).where(S.c.order_id.in_(chunk))).all())
        gone = {i: t for i, t in before.items() if now.get(i) != t}
        new = {i: t for i, t in now.items() if before.get(i) != t}
        _write(conn, gone, new)


def _batches(conn: Connection) -> Iterator[dict[int, str]]:
    last = 0
    while True:
        rows = conn.execute(select(ORD.c.id, *(ORD.c[f] for f in FIELDS)).where(ORD.c.id > last)
                            .order_by(ORD.c.id).limit(REBUILD_BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield {r[0]: searched_text(r[1:]) for r in rows}


def rebuild(conn: Connection) -> int:
    """Empty the index and index every order again (in the caller's transaction); returns how
    many orders were indexed (0 in a store older than the index). Memory is bounded by one batch
    of REBUILD_BATCH orders."""
    if not inspect(conn).has_table("order_search"):
        return 0
    conn.exec_driver_sql("DELETE FROM order_search")
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO order_search_grams (order_search_grams) VALUES ('delete-all')")
    done = 0
    for batch in _batches(conn):
        _write(conn, {}, batch)
        done += len(batch)
    return done


def create(conn: Connection) -> None:
    """The index's tables (migration 0016)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE TABLE order_search (order_id BIGINT PRIMARY KEY, text TEXT NOT NULL, "
                             "grams TSVECTOR NOT NULL)")
        conn.exec_driver_sql("CREATE INDEX ix_order_search_grams ON order_search USING gin (grams)")
    else:
        conn.exec_driver_sql("CREATE TABLE order_search (order_id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        conn.exec_driver_sql("CREATE VIRTUAL TABLE order_search_grams USING fts5(grams, content='', "
                             "detail='none', tokenize='ascii')")


def drop(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TABLE order_search_grams")
    conn.exec_driver_sql("DROP TABLE order_search")
