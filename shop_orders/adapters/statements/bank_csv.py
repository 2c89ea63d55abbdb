"""A bank statement as CSV, read through a column mapping (like the order import's profiles): which
heading holds the booking date, the amount (one signed column, or debit and credit columns), the
currency (a column, or one currency for the file), the bank's reference, the remittance text
(memo), the counterparty (one column, or the payer's for money in and the payee's for money out),
the bank's own transaction id, and booking status words that mean "not booked yet".

Built-in mappings, each taken from a real export (tests/real/statements/README.md):
- lloyds: Lloyds Bank (UK) current account CSV: Transaction Date (dd/mm/yyyy), Transaction Type,
  Sort Code (written with a leading apostrophe), Account Number, Transaction Description, Debit
  Amount, Credit Amount, Balance; a trailing comma after the last heading; amounts without
  trailing zeros (6.6, 115); newest first, the lines of one day in no particular order.
- dkb: DKB (Germany) Girokonto CSV since 2023: a few lines about the account above the headings
  ("Girokonto";"DE..", "Kontostand vom ..."), then Buchungsdatum (dd.mm.yy), Wertstellung, Status
  (Gebucht / Vorgemerkt), Zahlungspflichtige*r, Zahlungsempfänger*in, Verwendungszweck, Umsatztyp,
  IBAN, Betrag (€) with a decimal comma, Gläubiger-ID, Mandatsreferenz, Kundenreferenz; ';' or ','.
- monzo: Monzo (UK) CSV export: id (tx_...), created (with its UTC offset), amount (signed),
  currency, local_amount, local_currency, category, emoji, description, address, notes, receipt.

A booking date without a time is 00:00 in the mapping's zone (the bank's country: Europe/London,
Europe/Berlin), or the zone given with the option zone. Lines marked as not yet booked are left out.
A bank CSV states no totals this app can check: its Balance column runs in an order the bank does
not keep within a day (Lloyds), so it is not checked; CAMT.053 and MT940 files, which state their
opening and closing balances, are checked.

external_id: the bank's own id when the mapping has one (Monzo), else a digest of the account,
date, amount and texts with the count of identical lines before it, so the same or an overlapping
download adds nothing. A bank's CSV and its CAMT/MT940 show the same money under different ids
(the CSV carries no entry reference): import one format per account.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shop_orders.adapters.statements import _bank, common
from shop_orders.domain.messages import N_, t
from shop_orders.domain.statements import Statement, StatementFileError, StatementLine, where

CODE = "bank_csv"
PROVIDER = "bank"
LABEL = N_("Bank statement (CSV, through a column mapping)")

FIELDS = ("date", "amount", "debit", "credit", "currency", "reference", "memo", "type", "counterparty", "payer",
          "payee", "id", "status", "account")
IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")


@dataclass(frozen=True)
class BankMapping:
    """Which headings of a bank's CSV mean what. `columns`: field -> the headings it may have (the
    first found is used); date and either amount or debit and credit are needed."""

    code: str
    name: str  # a catalogue message for built-ins (shown with t()), the user's name for custom ones
    columns: dict[str, tuple[str, ...]]
    currency: str = ""  # the file's currency when it has no currency column
    decimal_mark: str = "."
    date_formats: tuple[str, ...] = ("%d/%m/%Y", "%Y-%m-%d")
    zone: str = "UTC"  # where a date without a time is midnight
    pending_words: tuple[str, ...] = ()  # status words of lines not booked yet
    encoding: str = ""  # a legacy encoding tried after UTF-8 (e.g. cp1252); '' = UTF-8, else GB18030
    source: str = ""  # where the layout was taken from
    custom: bool = False
    identity: tuple[str, ...] = field(default=())  # headings that recognise the layout (sniff)

    @property
    def label(self) -> str:
        return self.name if self.custom else t(self.name)

    def to_json(self) -> str:
        return json.dumps({"code": self.code, "name": self.name, "columns": {k: list(v) for k, v in self.columns.items()},
                           "currency": self.currency, "decimal_mark": self.decimal_mark,
                           "date_formats": list(self.date_formats), "zone": self.zone,
                           "pending_words": list(self.pending_words), "encoding": self.encoding}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> BankMapping:
        try:
            data = json.loads(text)
            columns = {str(k): tuple(str(h) for h in v) for k, v in dict(data["columns"]).items()}
            mapping = cls(code=str(data["code"]), name=str(data.get("name") or data["code"]), columns=columns,
                          currency=str(data.get("currency") or "").upper(),
                          decimal_mark=str(data.get("decimal_mark") or "."),
                          date_formats=tuple(str(f) for f in data.get("date_formats") or ("%d/%m/%Y", "%Y-%m-%d")),
                          zone=str(data.get("zone") or "UTC"),
                          pending_words=tuple(str(w) for w in data.get("pending_words") or ()),
                          encoding=str(data.get("encoding") or ""), custom=True)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StatementFileError(t("the bank column mapping is not valid JSON with a code and columns")) from None
        mapping.check()
        return mapping

    def check(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise StatementFileError(t("the bank column mapping names unknown fields: {fields} (known: {known})",
                                       fields=", ".join(unknown), known=", ".join(FIELDS)))
        if "date" not in self.columns or not ("amount" in self.columns or {"debit", "credit"} <= set(self.columns)):
            raise StatementFileError(t("the bank column mapping needs a date column and an amount column (or debit and "
                                       "credit columns)"))
        if self.decimal_mark not in (".", ","):
            raise StatementFileError(t("the bank column mapping's decimal mark must be '.' or ','"))
        _bank.zone(self.zone)


MAPPINGS: dict[str, BankMapping] = {m.code: m for m in (
    BankMapping(
        code="lloyds", name=N_("Lloyds Bank (UK) current account CSV"),
        columns={"date": ("Transaction Date",), "type": ("Transaction Type",), "account": ("Account Number",),
                 "memo": ("Transaction Description",), "debit": ("Debit Amount",), "credit": ("Credit Amount",)},
        currency="GBP", date_formats=("%d/%m/%Y",), zone="Europe/London", encoding="cp1252",
        identity=("Transaction Date", "Sort Code", "Transaction Description", "Debit Amount", "Credit Amount"),
        source="jakubka/transactions-mapper data/lloyds_input.csv"),
    BankMapping(
        code="dkb", name=N_("DKB (Germany) Girokonto CSV"),
        columns={"date": ("Buchungsdatum",), "status": ("Status",), "payer": ("Zahlungspflichtige*r",),
                 "payee": ("Zahlungsempfänger*in",), "memo": ("Verwendungszweck",), "type": ("Umsatztyp",),
                 "amount": ("Betrag (€)", "Betrag (EUR)"), "reference": ("Kundenreferenz",)},
        currency="EUR", decimal_mark=",", date_formats=("%d.%m.%y", "%d.%m.%Y"), zone="Europe/Berlin",
        pending_words=("Vorgemerkt",),
        identity=("Buchungsdatum", "Wertstellung", "Zahlungspflichtige*r", "Zahlungsempfänger*in", "Umsatztyp"),
        source="siddhantgoel/beancount-dkb beancount_dkb/extractors/ec.py, tests/test_ec_v2.py"),
    BankMapping(
        code="monzo", name=N_("Monzo (UK) CSV export"),
        columns={"id": ("id",), "date": ("created",), "amount": ("amount",), "currency": ("currency",),
                 "counterparty": ("description",), "memo": ("notes",), "type": ("category",)},
        date_formats=("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d"), zone="Europe/London",
        identity=("id", "created", "amount", "currency", "local_amount", "local_currency", "emoji"),
        source="jakubka/transactions-mapper data/example_monzo_input.csv"),
)}


def _split(line: str) -> list[list[str]]:
    """A head line read as CSV with either delimiter (nothing when it is not CSV)."""
    rows: list[list[str]] = []
    for delimiter in (",", ";"):
        try:
            rows.append(next(iter(common.csv_rows(line, delimiter=delimiter)), []))
        except StatementFileError:
            continue
    return rows


def _matches(row: Sequence[str], headings: Sequence[str]) -> bool:
    keys = {_key(h) for h in row}
    return bool(headings) and all(_key(h) in keys for h in headings)


def _key(text: str) -> str:
    return re.sub(r"\s+", "", common.clean(text)).lower()


def recognise(head: str) -> BankMapping | None:
    """The built-in mapping whose headings are on one of the head's lines."""
    for line in head.splitlines()[:30]:
        if not line.strip():
            continue
        for row in _split(line):
            for mapping in MAPPINGS.values():
                if _matches(row, mapping.identity):
                    return mapping
    return None


def sniff(head: str) -> bool:
    return recognise(head) is not None


def mapping_for(value: object, head: str, name: str) -> BankMapping:
    """The mapping named by the option (a BankMapping, a built-in's code, JSON text or its dict), else
    the built-in the file's headings fit."""
    if isinstance(value, dict):
        return BankMapping.from_json(json.dumps(value))
    if isinstance(value, BankMapping):
        value.check()
        return value
    if isinstance(value, str) and value.strip():
        if value.strip() in MAPPINGS:
            return MAPPINGS[value.strip()]
        return BankMapping.from_json(value)
    found = recognise(head)
    if found is None:
        raise StatementFileError(t("{file}: no bank column mapping fits its headings; name one ({known}) or give "
                                   "your own", file=name, known=", ".join(MAPPINGS)))
    return found


def _text(raw: bytes, name: str, mapping: BankMapping) -> str:
    if mapping.encoding:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return raw.decode(mapping.encoding)
            except (UnicodeDecodeError, LookupError):
                raise StatementFileError(t("{file} is not {encoding} text", file=name,
                                           encoding=mapping.encoding)) from None
    return common.decode(raw, name)


def parse(path: Path, **options: Any) -> Statement:
    name = path.name
    raw = common.read_bytes(path)
    mapping = mapping_for(options.get("mapping"), common.head(raw, name), name)
    text = _text(raw, name, mapping)
    rows = common.csv_rows(text)
    at, cols = _header(rows, mapping, name)
    zone = _bank.zone(options.get("zone"), ZoneInfo(mapping.zone))
    account = str(options.get("account") or "") or _account(rows[:at])
    parsed: list[StatementLine] = []
    keys: list[tuple[str, ...]] = []
    pending = {w.lower() for w in mapping.pending_words}
    for i, row in enumerate(rows[at + 1:], start=at + 2):
        if not any(c.strip() for c in row):
            continue
        if "status" in cols and common.cell(row, cols["status"][0]).lower() in pending:
            continue
        line = _line(row, i, cols, mapping, name, zone)
        if not account and "account" in cols:
            account = common.cell(row, cols["account"][0]).lstrip("'")
        parsed.append(line)
        keys.append((line.occurred_at.isoformat(), str(line.amount_minor), line.currency, line.memo,
                     line.counterparty))
    prefix = f"{mapping.code}:{account}"
    ids = ([f"{prefix}:{x.provider_txn}" for x in parsed] if "id" in cols
           else _bank.digest_ids(prefix, keys))
    seen: dict[str, int] = {}
    lines: list[StatementLine] = []
    for line, ext in zip(parsed, ids, strict=True):
        if ext in seen:
            raise StatementFileError(t("{where}: the transaction {id} is already on row {other}",
                                       where=where(name, line.row, cols["id"][1]), id=line.provider_txn,
                                       other=seen[ext]))
        seen[ext] = line.row
        lines.append(replace(line, external_id=ext))
    times = [x.occurred_at for x in lines]
    return Statement(provider=PROVIDER, format=CODE, account=account, lines=tuple(lines),
                     period_from=min(times, default=None), period_to=max(times, default=None),
                     notes=(t("{count} lines read with the mapping {mapping}", count=len(lines),
                              mapping=mapping.label),))


def _header(rows: list[list[str]], mapping: BankMapping, name: str) -> tuple[int, dict[str, tuple[int, str]]]:
    """The heading row (the first of the first 30 rows holding the date and amount headings) and
    each mapped field's column (index, heading as written)."""
    for at, row in enumerate(rows[:30]):
        keys = {_key(h): (i, common.clean(h)) for i, h in enumerate(row)}
        cols: dict[str, tuple[int, str]] = {}
        for fld, headings in mapping.columns.items():
            found = next((keys[_key(h)] for h in headings if _key(h) in keys), None)
            if found is not None:
                cols[fld] = found
        if "date" in cols and ("amount" in cols or {"debit", "credit"} <= set(cols)):
            return at, cols
    wanted = mapping.columns.get("date", ("date",))[0]
    amount = mapping.columns.get("amount") or mapping.columns.get("debit") or ("amount",)
    raise StatementFileError(t("{file}: the headings '{date}' and '{amount}' of the mapping {mapping} are not in its "
                               "first 30 rows", file=name, date=wanted, amount=amount[0], mapping=mapping.label))


def _account(preamble: Sequence[Sequence[str]]) -> str:
    for row in preamble:
        for value in row:
            text = re.sub(r"\s+", "", common.clean(value))
            if IBAN.fullmatch(text):
                return text
    return ""


def _line(row: Sequence[str], i: int, cols: dict[str, tuple[int, str]], mapping: BankMapping, name: str,
          zone: tzinfo) -> StatementLine:
    def get(fld: str) -> str:
        return common.cell(row, cols[fld][0]) if fld in cols else ""

    currency = (get("currency") or mapping.currency).upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        column = cols["currency"][1] if "currency" in cols else ""
        raise StatementFileError(t("{where}: '{text}' is not a currency code", where=where(name, i, column),
                                   text=currency[:20] or "-"))
    amount = _amount(row, i, cols, mapping, name, currency)
    when = _bank.when(get("date"), zone, name, i, cols["date"][1], mapping.date_formats)
    counterparty = get("counterparty") or (get("payer") if amount > 0 else get("payee"))
    memo = _bank.join_text(get("reference"), get("memo"), get("type"))
    return StatementLine(
        row=i, external_id="", kind=_bank.kind(amount, f"{counterparty} {memo}"), amount_minor=amount,
        currency=currency, occurred_at=when, provider_txn=get("id"), memo=memo, counterparty=counterparty)


def _amount(row: Sequence[str], i: int, cols: dict[str, tuple[int, str]], mapping: BankMapping, name: str,
            currency: str) -> int:
    if "amount" in cols:
        index, heading = cols["amount"]
        return _bank.amount(common.cell(row, index), currency, name, i, heading, decimal_mark=mapping.decimal_mark)
    (d_index, d_heading), (c_index, c_heading) = cols["debit"], cols["credit"]
    debit_text, credit_text = common.cell(row, d_index), common.cell(row, c_index)
    if debit_text and credit_text:
        raise StatementFileError(t("{where}: a line has both a debit and a credit amount; it needs one of them",
                                   where=where(name, i, d_heading)))
    if not debit_text and not credit_text:
        raise StatementFileError(t("{where}: a line has neither a debit nor a credit amount",
                                   where=where(name, i, d_heading)))
    if debit_text:
        return -abs(_bank.amount(debit_text, currency, name, i, d_heading, decimal_mark=mapping.decimal_mark))
    return abs(_bank.amount(credit_text, currency, name, i, c_heading, decimal_mark=mapping.decimal_mark))
