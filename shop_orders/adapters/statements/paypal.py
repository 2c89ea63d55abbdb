"""PayPal's activity download (Activity -> Statements -> Activity download, "All transactions", CSV),
in English or German: the language decides the headings, the decimal mark and the date order.

English: Date, Time, TimeZone, Name, Type, Status, Currency, Gross, Fee, Net, ... Transaction ID,
... Reference Txn ID, Invoice Number, Custom Number, ... Balance, ... Balance Impact; decimal point
with thousands commas (1,097.10); dates month first (09/15/2025) or day first (15/09/2025) as the
account's country writes them: told apart by the dates themselves (a day over 12), else by the time
zones (US zones month first), else by the option date_order ("mdy"/"dmy").
German: Datum, Uhrzeit, Zeitzone, ..., Typ, Währung, Brutto, Gebühr, Netto, Transaktionscode,
Zugehöriger Transaktionscode, ..., Guthaben, ..., Auswirkung auf Guthaben; decimal comma (1.234,56),
day first with dots (15.09.2025).

The text is UTF-8, else Windows-1252 (older German downloads). Times are local to the TimeZone column (PDT, CEST, GMT, ... or an IANA name) and stored in UTC.
Balance Impact (Auswirkung auf Guthaben) Credit/Debit (Haben/Soll) moves money; Memo lines do not
(authorisations, pending holds) and are left out. The fee: PayPal writes it negative (Net = Gross +
Fee); some exports and tools write it positive (Net = Gross - Fee): both are read, and a row where
neither adds up is refused with the difference. When the Balance (Guthaben) column is there, the
running balance per currency must follow the lines in file order (oldest first, or newest first
when the file runs that way), or the file is refused naming the row and the difference.

Kinds from Type: refunds and chargebacks -> refund (original_txn: Reference Txn ID), fees -> fee,
currency conversions, withdrawals and bank transfers -> transfer, holds, their releases and
reserves -> other, any
other Credit -> payment, any other Debit -> other (the shop's own purchases). external_id: the
Transaction ID; a currency conversion's two rows share one, so theirs is the id and the currency.
merchant_order_no: Invoice Number (the shop's order number as its checkout sends it), else
Custom Number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shop_orders.adapters.statements import _bank, common
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import format_minor
from shop_orders.domain.statements import (
    LineKind,
    Statement,
    StatementFileError,
    StatementLine,
    where,
)

CODE = "paypal"
PROVIDER = "paypal"
LABEL = N_("PayPal activity download (CSV)")

FIELDS = ("date", "time", "zone", "name", "type", "status", "currency", "gross", "fee", "net", "txn", "ref",
          "invoice", "custom", "balance", "impact", "subject", "note", "item")
REQUIRED = ("date", "time", "zone", "type", "currency", "gross", "fee", "net", "txn")


@dataclass(frozen=True)
class Language:
    code: str
    headings: dict[str, tuple[str, ...]]
    decimal_mark: str
    impact_words: dict[str, str]  # as written -> credit/debit/memo


LANGUAGES = (
    Language("en", {
        "date": ("Date",), "time": ("Time",), "zone": ("TimeZone", "Time Zone"), "name": ("Name",),
        "type": ("Type",), "status": ("Status",), "currency": ("Currency",), "gross": ("Gross",), "fee": ("Fee",),
        "net": ("Net",), "txn": ("Transaction ID",), "ref": ("Reference Txn ID",), "invoice": ("Invoice Number",),
        "custom": ("Custom Number",), "balance": ("Balance",), "impact": ("Balance Impact",),
        "subject": ("Subject",), "note": ("Note",), "item": ("Item Title",)},
        ".", {"credit": "credit", "debit": "debit", "memo": "memo"}),
    Language("de", {
        "date": ("Datum",), "time": ("Uhrzeit",), "zone": ("Zeitzone",), "name": ("Name",), "type": ("Typ",),
        "status": ("Status",), "currency": ("Währung",), "gross": ("Brutto",), "fee": ("Gebühr",),
        "net": ("Netto",), "txn": ("Transaktionscode",), "ref": ("Zugehöriger Transaktionscode",),
        "invoice": ("Rechnungsnummer",), "custom": ("Zollnummer", "Benutzerdefinierte Nummer"),
        "balance": ("Guthaben",), "impact": ("Auswirkung auf Guthaben",), "subject": ("Betreff",),
        "note": ("Hinweis",), "item": ("Artikelbezeichnung",)},
        ",", {"haben": "credit", "soll": "debit", "memo": "memo"}),
)

# Time zone abbreviations PayPal writes, as fixed offsets from UTC (hours).
ZONES: dict[str, float] = {
    "UTC": 0, "GMT": 0, "WET": 0, "BST": 1, "WEST": 1, "IST": 1, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "CST": -6, "CDT": -5,
    "EST": -5, "EDT": -4, "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AWST": 8, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11,
    "NZST": 12, "NZDT": 13,
}
US_ZONES = {"PST", "PDT", "MST", "MDT", "CST", "CDT", "EST", "EDT", "AKST", "AKDT", "HST"}

KIND_WORDS: tuple[tuple[LineKind, tuple[str, ...]], ...] = (
    (LineKind.TRANSFER, ("currency conversion", "währungsumrechnung", "withdrawal", "bank deposit", "transfer",
                         "abbuchung", "bankgutschrift", "überweisung", "auszahlung")),
    (LineKind.REFUND, ("refund", "rückzahlung", "erstattung", "chargeback", "rückbuchung", "reversal")),
    (LineKind.OTHER, ("hold", "release", "reserve", "einbehalt", "freigabe", "rücklage", "authorization",
                      "autorisierung")),
    (LineKind.FEE, ("fee", "gebühr")),
)
CONVERSION = ("currency conversion", "währungsumrechnung")


def _language(header: Sequence[str]) -> tuple[Language, dict[str, int]] | None:
    keys = {_key(h): i for i, h in enumerate(header)}
    for lang in LANGUAGES:
        found = {f: keys[_key(h)] for f, names in lang.headings.items() for h in names if _key(h) in keys}
        if all(f in found for f in ("txn", "gross", "net", "zone")):
            return lang, found
    return None


def _key(text: str) -> str:
    return re.sub(r"\s+", "", common.clean(text)).lower()


def sniff(head: str) -> bool:
    for line in head.splitlines()[:5]:
        try:
            row = next(iter(common.csv_rows(line, delimiter=",")), [])
        except StatementFileError:
            continue
        if line.strip() and _language(row) is not None:
            return True
    return False


def parse(path: Path, **options: Any) -> Statement:
    name = path.name
    rows = common.csv_rows(_bank.western_text(common.read_bytes(path), name), delimiter=",")
    at = next((i for i, r in enumerate(rows[:5]) if _language(r) is not None), None)
    if at is None:
        raise StatementFileError(t("{file} is not a PayPal activity download (no Transaction ID, Gross, Net and "
                                   "TimeZone headings)", file=name))
    found = _language(rows[at])
    assert found is not None
    lang, cols = found
    for field in REQUIRED:
        if field not in cols:
            raise StatementFileError(t("{where}: the column '{column}' is missing", where=where(name, at + 1),
                                       column=lang.headings[field][0]))
    heading = {f: lang.headings[f][0] for f in FIELDS}
    body = [(i, r) for i, r in enumerate(rows[at + 1:], start=at + 2) if any(c.strip() for c in r)]
    order = _date_order(lang, body, cols, options.get("date_order"))
    lines: list[StatementLine] = []
    moves: list[tuple[int, str, int, str]] = []  # row, currency, movement, balance text
    ids: dict[str, int] = {}
    memo_lines = 0
    for i, row in body:
        impact = _impact(lang, row, cols, name, i, heading)
        line = _line(lang, row, i, cols, name, heading, order)
        moves.append((i, line.currency, 0 if impact == "memo" else line.amount_minor + line.fee_minor,
                      common.cell(row, cols["balance"]) if "balance" in cols else ""))
        if impact == "memo":
            memo_lines += 1
            continue
        if line.external_id in ids:
            raise StatementFileError(t("{where}: the transaction {id} is already on row {other}",
                                       where=where(name, i, heading["txn"]), id=line.external_id,
                                       other=ids[line.external_id]))
        ids[line.external_id] = i
        lines.append(line)
    if "balance" in cols:
        _check_balances(moves, lang, name, heading["balance"], [x.occurred_at for x in lines])
    times = [x.occurred_at for x in lines]
    notes = [t("{count} lines read from the activity download", count=len(lines))]
    if memo_lines:
        notes.append(t("{count} memo lines left out (they move no money)", count=memo_lines))
    if "balance" in cols:
        notes.append(t("the running balance agrees with every line"))
    return Statement(provider=PROVIDER, format=CODE, account=str(options.get("account") or ""), lines=tuple(lines),
                     period_from=min(times, default=None), period_to=max(times, default=None), notes=tuple(notes))


def _impact(lang: Language, row: Sequence[str], cols: dict[str, int], name: str, i: int,
            heading: dict[str, str]) -> str:
    if "impact" not in cols:
        return "credit"
    text = common.cell(row, cols["impact"])
    value = lang.impact_words.get(text.lower())
    if value is None:
        raise StatementFileError(t("{where}: '{text}' is not a balance impact (expected one of: {choices})",
                                   where=where(name, i, heading["impact"]), text=text[:30],
                                   choices=", ".join(w.capitalize() for w in lang.impact_words)))
    return value


def _date_order(lang: Language, body: list[tuple[int, list[str]]], cols: dict[str, int], option: object) -> str:
    """'dmy' or 'mdy' for slashed dates (German dates are always day first)."""
    if lang.code == "de":
        return "dmy"
    if option in ("dmy", "mdy"):
        return str(option)
    firsts, seconds = set(), set()
    for _, row in body:
        parts = common.cell(row, cols["date"]).split("/")
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            firsts.add(int(parts[0]))
            seconds.add(int(parts[1]))
    if any(v > 12 for v in firsts):
        return "dmy"
    if any(v > 12 for v in seconds):
        return "mdy"
    zones = {common.cell(row, cols["zone"]).upper() for _, row in body}
    return "mdy" if zones & US_ZONES else "dmy"


def _zone(text: str, name: str, i: int, column: str) -> tzinfo:
    value = text.strip()
    hours = ZONES.get(value.upper())
    if hours is not None:
        return timezone(timedelta(hours=hours), value.upper())
    m = re.fullmatch(r"(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?", value, re.IGNORECASE)
    if m:
        delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
        return timezone(-delta if m.group(1) == "-" else delta)
    try:
        return ZoneInfo(value) if "/" in value else _unknown_zone(value, name, i, column)
    except (ZoneInfoNotFoundError, ValueError):
        return _unknown_zone(value, name, i, column)


def _unknown_zone(value: str, name: str, i: int, column: str) -> tzinfo:
    raise StatementFileError(t("{where}: '{text}' is not a time zone this app knows", where=where(name, i, column),
                               text=value[:30]))


def _kind(type_text: str, gross: int) -> LineKind:
    words = type_text.lower()
    for kind, keys in KIND_WORDS:
        if any(k in words for k in keys):
            return kind
    return LineKind.PAYMENT if gross > 0 else LineKind.OTHER


def _line(lang: Language, row: Sequence[str], i: int, cols: dict[str, int], name: str, heading: dict[str, str],
          order: str) -> StatementLine:
    def get(field: str) -> str:
        return common.cell(row, cols[field]) if field in cols else ""

    currency = get("currency").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise StatementFileError(t("{where}: '{text}' is not a currency code",
                                   where=where(name, i, heading["currency"]), text=currency[:20]))
    gross, fee, net = (_bank.amount(get(f), currency, name, i, heading[f], decimal_mark=lang.decimal_mark)
                       for f in ("gross", "fee", "net"))
    if gross + fee == net:
        fee_minor = fee
    elif gross - fee == net:
        fee_minor = -fee
    else:
        raise StatementFileError(t("{where}: gross {gross} and fee {fee} do not make the net {net} the file states "
                                   "(a difference of {diff})", where=where(name, i, heading["net"]),
                                   gross=format_minor(gross, currency), fee=format_minor(fee, currency),
                                   net=format_minor(net, currency),
                                   diff=format_minor(gross + fee - net, currency)))
    formats = ("%d.%m.%Y %H:%M:%S",) if lang.code == "de" else (
        ("%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S") if order == "dmy" else ("%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"))
    zone = _zone(get("zone"), name, i, heading["zone"])
    when = _bank.when(f"{get('date')} {get('time')}", zone, name, i, heading["date"], formats)
    txn = get("txn")
    if not txn:
        raise StatementFileError(t("{where}: the transaction id is empty", where=where(name, i, heading["txn"])))
    type_text = get("type")
    kind = _kind(type_text, gross)
    conversion = any(k in type_text.lower() for k in CONVERSION)
    ref = get("ref")
    return StatementLine(
        row=i, external_id=f"{txn}:{currency}" if conversion else txn, kind=kind, amount_minor=gross,
        currency=currency, occurred_at=when, fee_minor=fee_minor, merchant_order_no=get("invoice") or get("custom"),
        provider_txn=txn, original_txn=ref if ref and ref != txn else "",
        memo=_bank.join_text(type_text, get("subject"), get("note"), get("item")), counterparty=get("name"))


def _check_balances(moves: list[tuple[int, str, int, str]], lang: Language, name: str, column: str,
                    times: list[Any]) -> None:
    """The Balance column runs with the lines, per currency, in the file's order (oldest first) or
    against it (newest first, when the file's first line is later than its last). A row without a
    balance carries its movement to the next row that has one."""
    newest_first = len(times) > 1 and times[0] > times[-1]
    by_currency: dict[str, list[tuple[int, int, str]]] = {}
    for row, currency, move, text in moves:
        by_currency.setdefault(currency, []).append((row, move, text))
    for currency, seq in by_currency.items():
        last: int | None = None
        carried = 0
        for row, move, text in reversed(seq) if newest_first else seq:
            if not text:
                carried += move
                continue
            stated = _bank.amount(text, currency, name, row, column, decimal_mark=lang.decimal_mark)
            computed = None if last is None else last + carried + move
            if computed is not None and computed != stated:
                raise StatementFileError(t("{where}: the balance {stated} does not follow from the line before "
                                           "({found}; a difference of {diff})", where=where(name, row, column),
                                           stated=format_minor(stated, currency),
                                           found=format_minor(computed, currency),
                                           diff=format_minor(stated - computed, currency)))
            last, carried = stated, 0
