"""Reading stock for the stock window and the command line (store/stock_queries.py): one page of
SKUs at a time, their movements, the purchase suggestions, the parcels waiting to go back on the
shelf. Read-only; every write is in services/stock.py."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shop_orders.domain.stock import MovementRow, StockFilter, StockRow, Suggestion
from shop_orders.services.stock import ReturnRow, get_limit, pending_returns
from shop_orders.store import stock_queries

__all__ = ["MovementRow", "ReturnRow", "StockFilter", "StockRow", "Suggestion", "count", "get_limit", "locations",
           "movements", "one", "page", "pending_returns", "suggestions"]


def count(session: Session, f: StockFilter) -> int:
    return stock_queries.count(session, f)


def page(session: Session, f: StockFilter, offset: int = 0, limit: int = 200, sort: str = "sku",
         descending: bool = False) -> list[StockRow]:
    return stock_queries.page(session, f, offset, limit, sort, descending)


def one(session: Session, sku: str) -> StockRow | None:
    return stock_queries.one(session, sku)


def locations(session: Session) -> list[str]:
    return stock_queries.locations(session)


def movements(session: Session, sku: str, limit: int = 500) -> list[MovementRow]:
    return stock_queries.movements(session, sku, limit)


def suggestions(session: Session) -> list[Suggestion]:
    return stock_queries.suggestions(session)
