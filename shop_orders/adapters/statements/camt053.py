"""A bank's ISO 20022 camt.053 statement (BkToCstmrStmt, any version camt.053.001.02 .. .13): per
statement (Stmt) the account (Acct/Id/IBAN or Othr/Id), its balances (Bal: opening OPBD or
previously closed PRCD, closing CLBD), an optional summary (TxsSummry) and its entries (Ntry): amount
with currency, credit or debit (CdtDbtInd), reversal (RvslInd), status (Sts BOOK; pending entries
are left out), booking date (BookgDt/Dt or DtTm), the bank's reference (AcctSvcrRef), the bank
transaction code, and details (NtryDtls/TxDtls): end-to-end id, remittance text (RmtInf/Ustrd,
Strd/CdtrRefInf/Ref), debtor and creditor names, additional information.

Checked: for every statement, opening balance + booked entries = closing balance, and the summary's
count and credit and debit sums when given; a statement that does not add up is refused with the
difference named.

Read with defusedxml (ElementTree underneath), never with a plain XML parser: a document type
declaration is refused before anything is expanded, so an entity bomb ("billion laughs") or an
external entity (XXE) stops at once. No camt.053 library on PyPI was both well kept and safe
enough to take instead (README.md, Design/libraries).

Kinds: money in is a payment (the memo rule finds an order number in its remittance text), unless
it is a reversal (other) or a payment provider's payout (Stripe, PayPal, Shopify ...: transfer);
money out (suppliers, bank charges) is other. Booking dates without a time are 00:00 in the option
zone (UTC by default). external_id: the account and the bank's entry reference (AcctSvcrRef), or,
when the bank gives none, the account, the statement id and the entry's place in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from shop_orders.adapters.statements import _bank, common
from shop_orders.domain.messages import N_, t
from shop_orders.domain.statements import Statement, StatementFileError, StatementLine, where

CODE = "camt053"
PROVIDER = "bank"
LABEL = N_("Bank statement, ISO 20022 camt.053 (XML)")

OPENING = ("OPBD", "PRCD")
CLOSING = ("CLBD",)


def sniff(head: str) -> bool:
    return "BkToCstmrStmt" in head and re.search(r"camt\.053\.001\.\d+", head) is not None


def _strip_namespaces(root: Element) -> None:
    """Every tag by its local name (one pass), so any camt.053.001.xx version reads alike and the
    look-ups below are ElementTree's own."""
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag[:1] == "{":
            el.tag = tag.split("}", 1)[1]


def _kids(el: Element | None, name: str) -> list[Element]:
    return el.findall(name) if el is not None else []


def _find(el: Element | None, *path: str) -> Element | None:
    return el.find("/".join(path)) if el is not None else None


def _text(el: Element | None, *path: str) -> str:
    found = _find(el, *path)
    return (found.text or "").strip() if found is not None else ""


def _deep(el: Element | None, name: str) -> Iterator[Element]:
    if el is not None:
        yield from el.iter(name)


def _read(path: Path) -> Element:
    raw = common.read_bytes(path)
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise StatementFileError(t("{file} declares a document type (DTD); statements never need one and it is refused "
                                   "(it can hide an entity bomb or read other files)", file=path.name)) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise StatementFileError(t("{file} uses XML entities; they are refused (they can hide an entity bomb or read "
                                   "other files)", file=path.name)) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise StatementFileError(t("{file}, line {line}, column {column}: the XML is broken ({problem})",
                                   file=path.name, line=line, column=column, problem=str(exc)[:80])) from None
    _strip_namespaces(root)
    if root.tag != "Document" or _find(root, "BkToCstmrStmt") is None:
        raise StatementFileError(t("{file} is XML but not a camt.053 bank statement (no Document/BkToCstmrStmt)",
                                   file=path.name))
    return root


def parse(path: Path, **options: Any) -> Statement:
    name = path.name
    root = _read(path)
    zone = _bank.zone(options.get("zone"))
    lines: list[StatementLine] = []
    accounts: list[str] = []
    notes: list[str] = []
    starts: list[datetime] = []
    ends: list[datetime] = []
    entry_no = 0
    for stmt in _kids(_find(root, "BkToCstmrStmt"), "Stmt"):
        acct = _find(stmt, "Acct")
        account = _text(acct, "Id", "IBAN") or _text(acct, "Id", "Othr", "Id")
        stmt_id = _text(stmt, "Id") or _text(stmt, "ElctrncSeqNb")
        accounts.append(account)
        booked: list[StatementLine] = []
        for n, entry in enumerate(_kids(stmt, "Ntry"), start=1):
            entry_no += 1
            line = _entry(entry, entry_no, n, name, account, stmt_id, zone)
            if line is not None:
                booked.append(line)
        notes.append(_check(stmt, booked, name, stmt_id, entry_no))
        lines.extend(booked)
        period = _find(stmt, "FrToDt")
        for target, tag in ((starts, "FrDtTm"), (ends, "ToDtTm")):
            text = _text(period, tag)
            if text:
                target.append(_datetime(text, zone, name, entry_no, f"FrToDt/{tag}"))
    times = [x.occurred_at for x in lines]
    return Statement(provider=PROVIDER, format=CODE, account=", ".join(dict.fromkeys(a for a in accounts if a)),
                     lines=tuple(lines), period_from=min(starts or times, default=None),
                     period_to=max(ends or times, default=None), notes=tuple(notes))


def _signed(el: Element | None, name: str, row: int, what: str, currency: str | None = None) -> tuple[int, str]:
    amt = _find(el, "Amt")
    if amt is None:
        raise StatementFileError(t("{where}: the amount is missing", where=where(name, row, f"{what}/Amt")))
    ccy = (amt.get("Ccy") or currency or "").upper()
    if not re.fullmatch(r"[A-Z]{3}", ccy):
        raise StatementFileError(t("{where}: '{text}' is not a currency code", where=where(name, row, f"{what}/Amt"),
                                   text=ccy[:20] or "-"))
    value = _bank.amount((amt.text or "").strip(), ccy, name, row, f"{what}/Amt")
    if value < 0:
        raise StatementFileError(t("{where}: an amount in camt.053 is never negative ('{text}'); the direction is "
                                   "CdtDbtInd", where=where(name, row, f"{what}/Amt"), text=(amt.text or "")[:30]))
    sign = _text(el, "CdtDbtInd")
    if sign not in ("CRDT", "DBIT"):
        raise StatementFileError(t("{where}: '{text}' is not CRDT or DBIT", where=where(name, row,
                                                                                      f"{what}/CdtDbtInd"),
                                   text=sign[:20] or "-"))
    return (value if sign == "CRDT" else -value), ccy


def _datetime(text: str, zone: tzinfo, name: str, row: int, column: str) -> datetime:
    """An ISO date (midnight in `zone`) or date and time (with its offset, else in `zone`), in UTC."""
    return _bank.when(text, zone, name, row, column, ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"))


def _entry(entry: Element, row: int, n: int, name: str, account: str, stmt_id: str,
           zone: tzinfo) -> StatementLine | None:
    status = _text(entry, "Sts") or _text(entry, "Sts", "Cd")
    if status and status != "BOOK":
        return None  # pending (PDNG) or information only (INFO): not on the balance yet
    amount, currency = _signed(entry, name, row, "Ntry")
    when_text = _text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm") or _text(entry, "ValDt", "Dt")
    if not when_text:
        raise StatementFileError(t("{where}: the booking date is missing", where=where(name, row, "Ntry/BookgDt")))
    when = _datetime(when_text, zone, name, row, "Ntry/BookgDt")
    reversal = _text(entry, "RvslInd").lower() == "true"
    details = list(_deep(entry, "TxDtls"))
    party = "Dbtr" if amount > 0 else "Cdtr"
    names = [_party_name(d, party) for d in details]
    counterparty = _bank.join_text(*names)
    end_to_end = [_text(d, "Refs", "EndToEndId") for d in details]
    remittance = [u.text or "" for d in details for u in _deep(d, "Ustrd")]
    structured = [r.text or "" for d in details for r in _deep(d, "CdtrRefInf") for r in _kids(r, "Ref")]
    extra = [_text(d, "AddtlTxInf") for d in details]
    memo = _bank.join_text(*remittance, *structured, *end_to_end, _text(entry, "AddtlNtryInf"), *extra)
    reference = _text(entry, "AcctSvcrRef")
    code = "/".join(x for x in (_text(entry, "BkTxCd", "Domn", "Cd"), _text(entry, "BkTxCd", "Domn", "Fmly", "Cd"),
                                _text(entry, "BkTxCd", "Domn", "Fmly", "SubFmlyCd")) if x)
    return StatementLine(
        row=row, external_id=f"{account}:{reference}" if reference else f"{account}:{stmt_id}:{n}",
        kind=_bank.kind(amount, f"{counterparty} {memo}", reversal), amount_minor=amount, currency=currency,
        occurred_at=when, provider_txn=reference or _text(entry, "NtryRef"),
        memo=_bank.join_text(memo, code), counterparty=counterparty)


def _party_name(details: Element, party: str) -> str:
    related = _find(details, "RltdPties")
    holder = _find(related, party)
    for nm in _deep(holder, "Nm"):
        return nm.text or ""
    return ""


def _balance(stmt: Element, codes: tuple[str, ...], name: str, row: int) -> tuple[int, str] | None:
    for bal in _kids(stmt, "Bal"):
        if _text(bal, "Tp", "CdOrPrtry", "Cd") in codes:
            return _signed(bal, name, row, "Bal")
    return None


def _check(stmt: Element, booked: list[StatementLine], name: str, stmt_id: str, row: int) -> str:
    """Opening + booked entries = closing, and the summary's count and sums, or refused."""
    opening, closing = _balance(stmt, OPENING, name, row), _balance(stmt, CLOSING, name, row)
    summary = _find(stmt, "TxsSummry")
    if summary is not None:
        count = _text(summary, "TtlNtries", "NbOfNtries")
        if count.isdigit():
            common.check_total(name, t("the number of entries of statement {id}", id=stmt_id), int(count),
                               (1 for _ in booked), "")
        for tag, sign in (("TtlCdtNtries", 1), ("TtlDbtNtries", -1)):
            text = _text(summary, tag, "Sum")
            if text and booked:
                currency = booked[0].currency
                stated = _bank.amount(text, currency, name, row, f"TxsSummry/{tag}/Sum")
                common.check_total(name, t("the sum of {what} of statement {id}", what=tag, id=stmt_id), stated,
                                   (abs(x.amount_minor) for x in booked if (x.amount_minor > 0) == (sign > 0)),
                                   currency)
    if opening is None or closing is None:
        return t("statement {id}: {count} entries; it states no opening and closing balance to check them against",
                 id=stmt_id, count=len(booked))
    (start, currency), (end, _) = opening, closing
    common.check_total(name, t("the closing balance of statement {id}", id=stmt_id), end,
                       [start, *(x.amount_minor for x in booked)], currency)
    return t("statement {id}: opening balance and {count} entries make the closing balance", id=stmt_id,
             count=len(booked))
