"""A bank's SWIFT MT940 statement (".sta", ".940", "MT940 (SWIFT)" downloads of German, Dutch and
other banks), read with the `mt-940` package (WoLpH/mt940): one or more statements, each from :20:
(its reference), :25: (the account), :28C: (statement/sequence number), :60F:/:60M: (opening
balance), :61: entries each with its :86: details (German banks' structured ?00 posting text, ?20-?29
purpose with EREF+/SVWZ+, ?30-?32 the other party's bank, account and name), :62F:/:62M: (closing
balance) and :64: (available balance).

Checked: for every statement, opening balance + entries = closing balance; a statement that does not
add up is refused with the difference named. The text is UTF-8, else ISO 8859-1 / Windows-1252 (the
banks' own; never GB18030 here).

Kinds: money in is a payment (the memo rule finds an order number in its purpose text), unless it
is a reversal (RC/RD) or a payment provider's payout (transfer); money out is other. Booking dates
(the entry date, else the value date) are 00:00 in the option zone (UTC by default). external_id:
the account, the statement's :20: reference, :28C: number and opening date, and the entry's place
in it (MT940 entries carry no reference of the bank's that is unique everywhere).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

import mt940 as mt940_lib

from shop_orders.adapters.statements import _bank, common
from shop_orders.domain.messages import N_, t
from shop_orders.domain.statements import Statement, StatementFileError, StatementLine, where

CODE = "mt940"
PROVIDER = "bank"
LABEL = N_("Bank statement, SWIFT MT940")

_TAG = re.compile(r"^:(\d\d[A-Z]?):", re.MULTILINE)


def sniff(head: str) -> bool:
    tags = set(_TAG.findall(head))
    return {"20", "25"} <= tags and bool(tags & {"60F", "60M"})


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Each statement's text (from its :20: to the next) with the line it starts on."""
    starts = [m.start() for m in re.finditer(r"^:20:", text, re.MULTILINE)]
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        yield text.count("\n", 0, start) + 1, text[start:end]


def parse(path: Path, **options: Any) -> Statement:
    name = path.name
    text = _bank.western_text(common.read_bytes(path), name).replace("\r\n", "\n").replace("\r", "\n")
    zone = _bank.zone(options.get("zone"))
    lines: list[StatementLine] = []
    notes: list[str] = []
    accounts: list[str] = []
    entry_no = 0
    for line_at, chunk in _chunks(text):
        statement = _parse_chunk(chunk, name, line_at)
        data = statement.data
        account = str(data.get("account_identification") or "").strip()
        accounts.append(account)
        opening = data.get("final_opening_balance") or data.get("intermediate_opening_balance")
        closing = data.get("final_closing_balance") or data.get("intermediate_closing_balance")
        stmt = f"{data.get('transaction_reference') or ''}/{data.get('statement_number') or ''}/" \
               f"{data.get('sequence_number') or ''}"
        opened = opening.date.isoformat() if opening is not None else ""
        booked: list[StatementLine] = []
        for n, tx in enumerate(statement, start=1):
            entry_no += 1
            booked.append(_entry(tx.data, entry_no, f"{account}:{stmt}:{opened}:{n}", name, zone))
        if opening is None or closing is None:
            raise StatementFileError(t("{where}: the statement {id} states no opening (:60F:) or closing (:62F:) balance",
                                       where=where(name, line_at), id=stmt))
        currency = str(opening.amount.currency or "").upper()
        start = _minor(opening.amount.amount, currency, name, line_at, ":60F:")
        end = _minor(closing.amount.amount, currency, name, line_at, ":62F:")
        common.check_total(name, t("the closing balance of statement {id}", id=stmt), end,
                           [start, *(x.amount_minor for x in booked)], currency, line_at, ":62F:")
        notes.append(t("statement {id}: opening balance and {count} entries make the closing balance", id=stmt,
                       count=len(booked)))
        lines.extend(booked)
    if not notes:
        raise StatementFileError(t("{file} holds no MT940 statement (no :20: line)", file=name))
    times = [x.occurred_at for x in lines]
    return Statement(provider=PROVIDER, format=CODE, account=", ".join(dict.fromkeys(a for a in accounts if a)),
                     lines=tuple(lines), period_from=min(times, default=None), period_to=max(times, default=None),
                     notes=tuple(notes))


def _parse_chunk(chunk: str, name: str, line_at: int) -> Any:
    # every fix of the package switched on (its next major release's defaults): a reversal of a credit (RC)
    # is money out, the ?31 IBAN is not glued to the other party's name, a BOM does not hide :20:
    statement = mt940_lib.models.Transactions(options=mt940_lib.Options.all())
    quiet = logging.getLogger("mt940")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # it logs a page of regular expression before it raises; we say one sentence
    try:
        statement.parse(chunk)
    except Exception as exc:  # noqa: BLE001 - the library raises what its parsing meets; one sentence for any
        raise _unreadable(exc, chunk, name, line_at) from None
    finally:
        quiet.setLevel(level)
    return statement


def _unreadable(exc: Exception, chunk: str, name: str, line_at: int) -> StatementFileError:
    """One sentence naming the line and tag the package could not read (RuntimeError(message, tag,
    value) from mt940.tags), else the first line of what it said."""
    args = exc.args
    tag = getattr(args[1], "id", None) if len(args) == 3 else None
    if tag is None or not isinstance(args[2], str):
        problem = (str(exc).splitlines() or ["-"])[0][:80]
        return StatementFileError(t("{where}: the MT940 statement cannot be read ({problem})",
                                    where=where(name, line_at), problem=problem))
    value = args[2]
    at = chunk.find(value[:30])
    row = line_at + (chunk.count("\n", 0, at) if at >= 0 else 0)
    return StatementFileError(t("{where}: '{text}' is not a valid MT940 :{tag}: line", where=where(name, row, f":{tag}:"),
                                text=value[:40], tag=tag))


def _minor(value: Decimal, currency: str, name: str, row: int, column: str) -> int:
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise StatementFileError(t("{where}: '{text}' is not a currency code", where=where(name, row, column),
                                   text=currency[:20] or "-"))
    return _bank.amount(format(value, "f"), currency, name, row, column)


def _day(value: Any, zone: tzinfo) -> datetime:
    day = date(value.year, value.month, value.day)
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _entry(data: dict[str, Any], row: int, external_id: str, name: str, zone: tzinfo) -> StatementLine:
    amount_obj = data.get("amount")
    if amount_obj is None:
        raise StatementFileError(t("{where}: the entry has no amount", where=where(name, row, ":61:")))
    currency = str(amount_obj.currency or "").upper()
    amount = _minor(amount_obj.amount, currency, name, row, ":61:")
    when = data.get("entry_date") or data.get("guessed_entry_date") or data.get("date")
    if when is None:
        raise StatementFileError(t("{where}: the entry has no date", where=where(name, row, ":61:")))
    status = str(data.get("status") or "")
    counterparty = str(data.get("applicant_name") or "")
    purpose = [str(data.get(k) or "") for k in ("purpose", "additional_purpose", "end_to_end_reference",
                                                 "customer_reference", "posting_text")]
    if not any(purpose[:3]):
        purpose.append(str(data.get("transaction_details") or ""))
    memo = _bank.join_text(*purpose)
    return StatementLine(
        row=row, external_id=external_id, kind=_bank.kind(amount, f"{counterparty} {memo}", status.startswith("R")),
        amount_minor=amount, currency=currency, occurred_at=_day(when, zone),
        provider_txn=str(data.get("bank_reference") or ""), memo=memo, counterparty=counterparty)
