"""The international and bank statement formats on their real-shaped samples (tests/real/statements/,
each cited in its README.md): what every sample gives, worked out by hand from what its columns
mean — line count, kinds, signed amounts and fees in minor units, currency, the keys the matching
uses, times in UTC — and the refusals a bookkeeper relies on: a statement whose own totals do not
add up (the difference named), a wrong value (row and column named), a missing column, an XML
entity bomb. Recognition: each sample is its own format, and no order export is taken for a
statement."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shop_orders.adapters import statements
from shop_orders.adapters.statements import bank_csv, common
from shop_orders.domain import messages
from shop_orders.domain.statements import LineKind, Statement, StatementFileError

HERE = Path(__file__).parent / "statements"
ROOT = Path(__file__).resolve().parents[1]
OURS = ("stripe", "paypal", "shopify_payments", "bank_csv", "camt053", "mt940")
P, R, F, PO, T, OT = (LineKind.PAYMENT, LineKind.REFUND, LineKind.FEE, LineKind.PAYOUT, LineKind.TRANSFER,
                     LineKind.OTHER)


@pytest.fixture(autouse=True)
def english():
    before = messages.set_language("en")
    yield
    messages.set_language(before)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def read(rel: str, **options) -> Statement:
    return statements.read(HERE / rel, **options)


def table(st: Statement) -> list[tuple]:
    return [(x.row, x.kind, x.amount_minor, x.fee_minor, x.currency) for x in st.lines]


SAMPLES = {
    "stripe/payout_reconciliation_itemized_2026-09.csv": "stripe",
    "stripe/balance_change_from_activity_itemized_2026-09.csv": "stripe",
    "paypal/activity_en_2026.csv": "paypal",
    "paypal/aktivitaet_de_2026.csv": "paypal",
    "shopify_payments/payment_transactions_export_2026-09.csv": "shopify_payments",
    "bank_csv/lloyds_2026-09.csv": "bank_csv",
    "bank_csv/dkb_2026-09.csv": "bank_csv",
    "bank_csv/monzo_2026-09.csv": "bank_csv",
    "camt053/abn_camt053_2026-09-12.xml": "camt053",
    "mt940/sparkasse_sepa_2026-09.sta": "mt940",
}


# ---- recognition ------------------------------------------------------------------------------------

@pytest.mark.parametrize("rel", sorted(SAMPLES))
def test_each_sample_is_recognised_as_its_own_format_only(rel):
    head = common.head((HERE / rel).read_bytes(), rel)
    fits = [code for code, m in statements.formats().items() if code in OURS and m.sniff(head)]
    assert fits == [SAMPLES[rel]]
    assert SAMPLES[rel] == statements.detect(HERE / rel).CODE


ORDER_EXPORTS = sorted(p for d in ("channel_files", "real/exports") for p in (ROOT / d).iterdir()
                       if p.is_file() and p.suffix in (".csv", ".tsv", ".txt", ".xlsx"))


@pytest.mark.parametrize("path", ORDER_EXPORTS, ids=lambda p: p.name)
def test_no_order_export_is_taken_for_a_statement(path):
    head = common.head(path.read_bytes(), path.name)
    assert [code for code, m in statements.formats().items() if code in OURS and m.sniff(head)] == []


OTHER_SAMPLES = sorted(p for p in HERE.rglob("*") if p.is_file() and p.suffix != ".md"
                       and p.relative_to(HERE).as_posix() not in SAMPLES)


def test_no_other_formats_sample_is_taken_for_one_of_these():
    """The other statement formats' samples (the Chinese ones kept beside these) are none of these formats."""
    for path in OTHER_SAMPLES:
        head = common.head(path.read_bytes(), path.name)
        assert [code for code, m in statements.formats().items() if code in OURS and m.sniff(head)] == [], path


def test_there_are_order_exports_to_check():
    assert len(ORDER_EXPORTS) >= 30


# ---- Stripe -----------------------------------------------------------------------------------------

def test_stripe_payout_reconciliation_report():
    st = read("stripe/payout_reconciliation_itemized_2026-09.csv")
    assert (st.provider, st.format) == ("stripe", "stripe")
    assert table(st) == [(2, P, 4000, -146, "USD"), (3, P, 2536, -104, "USD"), (4, R, -1000, 0, "USD"),
                         (5, F, -200, 0, "USD"), (6, P, 12000, -378, "USD")]
    charge, presented, refund, fee, _ = st.lines
    assert charge.external_id == "txn_3PwQ1aLk2Hq9Zb3c0x1Aa001"
    assert charge.merchant_order_no == "1001" and charge.provider_txn == "ch_3PwQ1aLk2Hq9Zb3c0Ab001"
    assert charge.payout_id == "po_1PxA7fLk2Hq9Zb3c" and charge.occurred_at == utc(2026, 9, 1, 9, 14, 22)
    assert (presented.presentment_minor, presented.presentment_currency) == (2300, "EUR")
    assert charge.presentment_minor is None
    # the refund: its own id, the charge it gives back, the order from the payment's metadata
    assert (refund.provider_txn, refund.refund_no, refund.original_txn, refund.merchant_order_no) == (
        "re_3PwQ1aLk2Hq9Zb3c0Rf003", "re_3PwQ1aLk2Hq9Zb3c0Rf003", "ch_3PwQ1aLk2Hq9Zb3c0Ab001", "1001")
    assert fee.memo.startswith("fee | Radar for Fraud Teams") and fee.merchant_order_no == ""
    assert (st.period_from, st.period_to) == (utc(2026, 9, 1, 9, 14, 22), utc(2026, 9, 5, 12, 30))


def test_stripe_balance_report_gives_the_same_ids_and_the_payout():
    rec = read("stripe/payout_reconciliation_itemized_2026-09.csv")
    bal = read("stripe/balance_change_from_activity_itemized_2026-09.csv")
    assert [x.external_id for x in bal.lines[:5]] == [x.external_id for x in rec.lines]
    payout = bal.lines[5]
    assert (payout.kind, payout.amount_minor, payout.payout_id) == (PO, -16708, "po_1PxA7fLk2Hq9Zb3c")
    # the payout is what its lines leave after fees
    assert sum(x.amount_minor + x.fee_minor for x in bal.lines[:5]) == -payout.amount_minor


def test_stripe_refuses_a_row_whose_gross_less_fee_is_not_net(tmp_path):
    src = (HERE / "stripe/payout_reconciliation_itemized_2026-09.csv").read_text()
    bad = tmp_path / "stripe_bad.csv"
    bad.write_text(src.replace("120.00,3.78,116.22", "120.00,3.78,116.32"))
    with pytest.raises(StatementFileError, match=r"stripe_bad\.csv, row 6, column net: gross 120\.00 less fee "
                                                 r"3\.78 is 116\.22, not the net 116\.32 .*a difference of -0\.10"):
        statements.read(bad)


def test_stripe_refuses_a_missing_column_and_a_wrong_amount(tmp_path):
    rows = list(csv.reader(io.StringIO((HERE / "stripe/balance_change_from_activity_itemized_2026-09.csv").read_text())))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:5] + r[6:] for r in rows])  # without fee
    (tmp_path / "nofee.csv").write_text(out.getvalue())
    with pytest.raises(StatementFileError, match=r"nofee\.csv, row 1: the column 'fee' is missing"):
        statements.read(tmp_path / "nofee.csv", fmt="stripe")
    text = (HERE / "stripe/balance_change_from_activity_itemized_2026-09.csv").read_text()
    (tmp_path / "wrong.csv").write_text(text.replace("usd,25.36,", "usd,25.3.6,"))
    with pytest.raises(StatementFileError, match=r"wrong\.csv, row 3, column gross: '25\.3\.6' is not an amount"):
        statements.read(tmp_path / "wrong.csv")


# ---- PayPal -----------------------------------------------------------------------------------------

def test_paypal_english_download_day_first_in_pacific_time():
    st = read("paypal/activity_en_2026.csv")
    assert table(st) == [(2, P, 8400, -323, "USD"), (3, T, -5000, 0, "USD"), (4, T, 4334, 0, "EUR"),
                         (5, P, 165375, -5798, "USD"), (6, R, -2000, 58, "USD"), (7, OT, -59577, 0, "USD"),
                         (8, OT, 59577, 0, "USD"), (9, T, -150000, 0, "USD")]
    sale, usd, eur, _, refund, hold, _, _ = st.lines
    # 02/09/2026 07:45:51 PDT is the 2nd of September (a later row has day 14), 14:45:51 UTC
    assert sale.occurred_at == utc(2026, 9, 2, 14, 45, 51)
    assert (sale.external_id, sale.merchant_order_no, sale.counterparty) == ("7AB21934KL0551203", "WC-2041",
                                                                             "Hana Kowalczyk")
    assert (usd.external_id, eur.external_id) == ("2CD55210MN7783311:USD", "4EF66321PQ8894422:EUR")
    assert (refund.original_txn, refund.merchant_order_no) == ("7AB21934KL0551203", "WC-2041")
    assert hold.original_txn == "9GH77432RS9905533"
    assert "the running balance agrees with every line" in st.notes


def test_paypal_german_download_decimal_comma_and_positive_fees():
    st = read("paypal/aktivitaet_de_2026.csv")
    assert table(st) == [(2, P, 124990, -3750, "EUR"), (3, OT, -5000, -200, "EUR"), (4, T, 9215, 0, "EUR"),
                         (5, T, -10000, 0, "USD"), (6, R, -4990, 150, "EUR")]
    sale, _, eur, usd, refund = st.lines
    assert sale.occurred_at == utc(2026, 9, 15, 12, 32, 15)  # 14:32:15 CEST
    assert (sale.merchant_order_no, sale.provider_txn) == ("SO-7781", "8TU22987BC4450188")
    # the conversion's two rows share one Transaktionscode: the currency tells them apart
    assert (eur.external_id, usd.external_id) == ("5XY44109FG6672300:EUR", "5XY44109FG6672300:USD")
    assert (refund.original_txn, refund.merchant_order_no) == ("8TU22987BC4450188", "SO-7781")


def _german_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO((HERE / "paypal/aktivitaet_de_2026.csv").read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_paypal_memo_lines_move_no_money(tmp_path):
    rows = _german_rows()
    memo = list(rows[1])
    memo[1], memo[4], memo[7], memo[8], memo[9] = "15:00:00", "Allgemeine Autorisierung", "-20,00", "0", "-20,00"
    memo[12], memo[29] = "1AB00000CD0000000", "Memo"  # the balance stays 1.335,90
    path = _write(tmp_path / "memo.csv", [rows[0], rows[1], memo, *rows[2:]])
    st = statements.read(path)
    assert len(st.lines) == 5 and "1AB00000CD0000000" not in {x.external_id for x in st.lines}
    assert "1 memo lines left out (they move no money)" in st.notes


def test_paypal_refuses_a_balance_that_does_not_follow(tmp_path):
    rows = _german_rows()
    rows[2][25] = "1.283,80"
    with pytest.raises(StatementFileError, match=r"row 3, column Guthaben: the balance 1283\.80 does not follow "
                                                 r"from the line before \(1283\.90; a difference of -0\.10\)"):
        statements.read(_write(tmp_path / "bal.csv", rows))


def test_paypal_balance_read_newest_first_and_across_a_row_without_one(tmp_path):
    rows = list(csv.reader(io.StringIO((HERE / "paypal/activity_en_2026.csv").read_text())))
    newest_first = _write(tmp_path / "newest.csv", [rows[0], *reversed(rows[1:])])
    st = statements.read(newest_first)
    assert [x.row for x in st.lines] == [2, 3, 4, 5, 6, 7, 8, 9] and st.lines[0].amount_minor == -150000
    rows[4][18] = ""  # no balance on the payment of 1,653.75: carried to the refund's row
    assert len(statements.read(_write(tmp_path / "gap.csv", rows)).lines) == 8
    rows[5][18] = "1,607.13"
    with pytest.raises(StatementFileError, match=r"gap2\.csv, row 6, column Balance: the balance 1607\.13 does not "
                                                 r"follow from the line before \(1607\.12"):
        statements.read(_write(tmp_path / "gap2.csv", rows))


def test_paypal_refuses_a_fee_that_does_not_make_the_net_and_a_wrong_date(tmp_path):
    rows = _german_rows()
    rows[1][9] = "1.212,41"
    with pytest.raises(StatementFileError, match=r"row 2, column Netto: gross 1249\.90 and fee 37\.50 do not make "
                                                 r"the net 1212\.41"):
        statements.read(_write(tmp_path / "net.csv", rows))
    rows = _german_rows()
    rows[3][0] = "31.09.2026"
    with pytest.raises(StatementFileError, match=r"row 4, column Datum: '31\.09\.2026 16:20:11' is not a date"):
        statements.read(_write(tmp_path / "date.csv", rows))


def test_paypal_refuses_a_duplicate_transaction_and_a_missing_column(tmp_path):
    rows = _german_rows()
    rows[2][12] = rows[1][12]
    with pytest.raises(StatementFileError, match=r"row 3, column Transaktionscode: the transaction "
                                                 r"8TU22987BC4450188 is already on row 2"):
        statements.read(_write(tmp_path / "dup.csv", rows))
    rows = [r[:1] + r[2:] for r in _german_rows()]  # without Uhrzeit
    with pytest.raises(StatementFileError, match=r"row 1: the column 'Uhrzeit' is missing"):
        statements.read(_write(tmp_path / "notime.csv", rows), fmt="paypal")


# ---- Shopify Payments -------------------------------------------------------------------------------

def test_shopify_payments_export():
    st = read("shopify_payments/payment_transactions_export_2026-09.csv")
    assert table(st) == [(2, P, 3000, -75, "EUR"), (3, P, 98821, -1755, "EUR"), (4, R, -500, 0, "EUR"),
                         (5, OT, -1500, 0, "EUR"), (6, P, 699, -45, "EUR")]
    first, chf, refund, _, pending = st.lines
    assert first.occurred_at == utc(2026, 9, 1, 8, 12, 31)  # 10:12:31 +0200
    assert (first.platform_order_no, first.provider_txn, first.payout_id) == ("#1101", "#43685329797278",
                                                                              "148156579998")
    assert (chf.presentment_minor, chf.presentment_currency) == (103740, "CHF")
    # the refund's presentment amount is written without its sign and equals the settled one: not kept
    assert (refund.platform_order_no, refund.presentment_minor) == ("#1101", None)
    assert pending.payout_id == ""
    ids = [x.external_id for x in st.lines]
    assert len(set(ids)) == 5 and all(i.startswith("shopify:") for i in ids)


def test_shopify_ids_survive_the_payout(tmp_path):
    """A later export of the same movements, now paid out, gives the same ids (nothing added twice)."""
    text = (HERE / "shopify_payments/payment_transactions_export_2026-09.csv").read_text()
    later = tmp_path / "later.csv"
    later.write_text(text.replace("pending,2026-09-10,,2026-09-10", "paid,2026-09-10,148199990001,2026-09-10"))
    before = read("shopify_payments/payment_transactions_export_2026-09.csv")
    after = statements.read(later)
    assert [x.external_id for x in after.lines] == [x.external_id for x in before.lines]
    assert after.lines[4].payout_id == "148199990001"


def test_shopify_refuses_amount_less_fee_not_net_and_a_missing_column(tmp_path):
    text = (HERE / "shopify_payments/payment_transactions_export_2026-09.csv").read_text()
    (tmp_path / "net.csv").write_text(text.replace("988.21,17.55,970.66", "988.21,17.55,970.56"))
    with pytest.raises(StatementFileError, match=r"net\.csv, row 3, column Net: amount 988\.21 less fee 17\.55 is "
                                                 r"970\.66, not the net 970\.56 .*a difference of 0\.10"):
        statements.read(tmp_path / "net.csv")
    (tmp_path / "cur.csv").write_text(text.replace(",Currency,VAT", ",Kurrency,VAT"))
    with pytest.raises(StatementFileError, match=r"cur\.csv, row 1: the column 'Currency' is missing"):
        statements.read(tmp_path / "cur.csv", fmt="shopify_payments")


# ---- bank CSV ---------------------------------------------------------------------------------------

def test_lloyds_debit_and_credit_columns_in_london_time():
    st = read("bank_csv/lloyds_2026-09.csv")
    assert (st.provider, st.account) == ("bank", "01234567")
    assert table(st) == [(2, OT, -695, 0, "GBP"), (3, P, 4590, 0, "GBP"), (4, T, 16708, 0, "GBP"),
                         (5, OT, -3200, 0, "GBP"), (6, OT, -300, 0, "GBP"), (7, P, 300, 0, "GBP"),
                         (8, P, 11500, 0, "GBP")]
    assert st.lines[0].occurred_at == utc(2026, 9, 7, 23)  # 08/09/2026 00:00 BST
    assert st.lines[1].memo == "M PATEL ORDER 1207 | FPI"
    assert "STRIPE" in st.lines[2].memo  # a provider's payout reaching the bank: a transfer, not a sale
    assert statements.read(HERE / "bank_csv/lloyds_2026-09.csv", zone="UTC").lines[0].occurred_at == utc(2026, 9, 8)


def test_dkb_lines_above_the_headings_decimal_comma_and_pending_left_out():
    st = read("bank_csv/dkb_2026-09.csv")
    assert st.account == "DE89370400440532013000"
    assert table(st) == [(6, P, 8990, 0, "EUR"), (7, OT, -125000, 0, "EUR"), (8, T, 150000, 0, "EUR")]
    sale, supplier, paypal = st.lines
    assert sale.occurred_at == utc(2026, 8, 31, 22)  # 01.09.26 00:00 in Berlin
    assert (sale.counterparty, sale.memo) == ("Sabine Hoffmann", "Bestellung SO-7790 | Eingang")
    assert supplier.counterparty == "Papier & Karton KG"  # money out: the payee
    assert paypal.counterparty.startswith("PAYPAL EUROPE")


def test_monzo_ids_from_the_bank():
    st = read("bank_csv/monzo_2026-09.csv")
    assert table(st) == [(2, OT, -1209, 0, "GBP"), (3, P, 5800, 0, "GBP"), (4, OT, -825, 0, "GBP")]
    assert [x.external_id for x in st.lines] == ["monzo::tx_0000AbCdEfGh12345678aa",
                                                 "monzo::tx_0000AbCdEfGh12345678ab",
                                                 "monzo::tx_0000AbCdEfGh12345678ac"]
    assert (st.lines[1].counterparty, st.lines[1].memo) == ("Priya Nair", "Order 3310 | income")
    assert st.lines[1].occurred_at == utc(2026, 9, 2, 15, 29, 5)


def test_bank_ids_are_stable_and_two_equal_lines_stay_two(tmp_path):
    text = (HERE / "bank_csv/lloyds_2026-09.csv").read_text()
    first = [x.external_id for x in read("bank_csv/lloyds_2026-09.csv").lines]
    assert first == [x.external_id for x in read("bank_csv/lloyds_2026-09.csv").lines]
    doubled = tmp_path / "doubled.csv"
    lines = text.splitlines()
    doubled.write_text("\n".join([*lines[:3], lines[2], *lines[3:]]) + "\n")
    again = [x.external_id for x in statements.read(doubled).lines]
    assert len(again) == 8 and len(set(again)) == 8 and again[:2] == first[:2]


def test_a_custom_mapping_reads_a_bank_the_app_does_not_know(tmp_path):
    path = tmp_path / "mybank.csv"
    path.write_text("Booked;Text;Ref;Value\n03.09.2026;Order 4411 Jane Roe;R-1;12,50\n04.09.2026;Rent;R-2;-800,00\n")
    mapping = bank_csv.BankMapping.from_json(
        '{"code": "mybank", "name": "My bank", "columns": {"date": ["Booked"], "memo": ["Text"], '
        '"reference": ["Ref"], "amount": ["Value"]}, "currency": "eur", "decimal_mark": ",", '
        '"date_formats": ["%d.%m.%Y"], "zone": "Europe/Berlin"}')
    st = statements.read(path, fmt="bank_csv", mapping=mapping)
    assert table(st) == [(2, P, 1250, 0, "EUR"), (3, OT, -80000, 0, "EUR")]
    assert st.lines[0].memo == "R-1 | Order 4411 Jane Roe"
    assert bank_csv.BankMapping.from_json(mapping.to_json()).columns == mapping.columns
    as_dict = json.loads(mapping.to_json())
    assert table(statements.read(path, fmt="bank_csv", mapping=as_dict)) == table(st)
    assert statements.read(HERE / "bank_csv/lloyds_2026-09.csv", fmt="bank_csv", mapping="lloyds") == read(
        "bank_csv/lloyds_2026-09.csv")
    with pytest.raises(StatementFileError, match="needs a date column and an amount column"):
        bank_csv.BankMapping.from_json('{"code": "x", "columns": {"date": ["Booked"]}}')
    with pytest.raises(StatementFileError, match="no bank column mapping fits its headings"):
        statements.read(path, fmt="bank_csv")


def test_bank_csv_refuses_a_line_with_both_debit_and_credit_and_a_wrong_date(tmp_path):
    text = (HERE / "bank_csv/lloyds_2026-09.csv").read_text()
    (tmp_path / "both.csv").write_text(text.replace("BT GROUP PLC,32,,", "BT GROUP PLC,32,5,"))
    with pytest.raises(StatementFileError, match=r"both\.csv, row 5, column Debit Amount: a line has both a debit "
                                                 r"and a credit amount"):
        statements.read(tmp_path / "both.csv")
    (tmp_path / "date.csv").write_text(text.replace("07/09/2026,DD", "2026-09-07,DD"))
    with pytest.raises(StatementFileError, match=r"date\.csv, row 5, column Transaction Date: '2026-09-07' is not "
                                                 r"a date"):
        statements.read(tmp_path / "date.csv")


# ---- camt.053 ---------------------------------------------------------------------------------------

def test_camt053_entries_balances_and_keys():
    st = read("camt053/abn_camt053_2026-09-12.xml")
    assert (st.provider, st.format, st.account) == ("bank", "camt053", "NL77ABNA0574908765")
    assert table(st) == [(1, OT, -75425, 0, "EUR"), (2, P, 8990, 0, "EUR"), (3, T, 16708, 0, "EUR"),
                         (4, OT, -66405, 0, "EUR"), (5, R, -4500, 0, "EUR"), (6, OT, -250, 0, "EUR")]
    insurance, sale, stripe, batch, reversal, charges = st.lines
    assert sale.external_id == "NL77ABNA0574908765:2026091200012345"
    assert insurance.external_id == "NL77ABNA0574908765:0574908765/258:1"  # no bank reference: its place
    assert (sale.counterparty, sale.memo) == ("F. de Vries", "Bestelling 1208 | PMNT/RCDT/ESCT")
    assert sale.occurred_at == utc(2026, 9, 12)
    assert stripe.counterparty == "STRIPE TECHNOLOGY EUROPE LTD"
    assert batch.counterparty == "Kartonnage Groot | Drukkerij Smit"
    assert "Terugboeking" in reversal.memo and reversal.counterparty == "P. Jansen"
    assert charges.memo == "KOSTEN BETALINGSVERKEER SEPTEMBER | ACMT/MDOP/CHRG"
    assert (st.period_from, st.period_to) == (utc(2026, 9, 12), datetime(2026, 9, 12, 23, 59, 59, 999000, UTC))
    assert st.notes == ("statement 0574908765/258: opening balance and 6 entries make the closing balance",)


def test_camt053_refuses_a_statement_that_does_not_add_up(tmp_path):
    text = (HERE / "camt053/abn_camt053_2026-09-12.xml").read_text()
    (tmp_path / "off.xml").write_text(text.replace('<Amt Ccy="EUR">14359.45</Amt>', '<Amt Ccy="EUR">14359.54</Amt>'))
    with pytest.raises(StatementFileError, match=r"off\.xml: the statement says the closing balance of statement "
                                                 r"0574908765/258 is 14359\.54 but its lines add up to 14359\.45 "
                                                 r"\(a difference of -0\.09\)"):
        statements.read(tmp_path / "off.xml")


def test_camt053_refuses_a_wrong_amount_and_a_wrong_direction(tmp_path):
    text = (HERE / "camt053/abn_camt053_2026-09-12.xml").read_text()
    (tmp_path / "amt.xml").write_text(text.replace('<Amt Ccy="EUR">89.90</Amt>', '<Amt Ccy="EUR">89,9O</Amt>', 1))
    with pytest.raises(StatementFileError, match=r"amt\.xml, row 2, column Ntry/Amt: '89,9O' is not an amount"):
        statements.read(tmp_path / "amt.xml")
    (tmp_path / "dir.xml").write_text(text.replace("<CdtDbtInd>CRDT</CdtDbtInd>\n                <Sts>", "<CdtDbtInd>"
                                                   "CRED</CdtDbtInd>\n                <Sts>", 1))
    with pytest.raises(StatementFileError, match=r"dir\.xml, row 2, column Ntry/CdtDbtInd: 'CRED' is not CRDT"):
        statements.read(tmp_path / "dir.xml")


def test_camt053_checks_the_summary_when_the_bank_gives_one(tmp_path):
    text = (HERE / "camt053/abn_camt053_2026-09-12.xml").read_text()
    summary = ("<TxsSummry><TtlNtries><NbOfNtries>{n}</NbOfNtries></TtlNtries><TtlCdtNtries><Sum>256.98</Sum>"
               "</TtlCdtNtries><TtlDbtNtries><Sum>{debits}</Sum></TtlDbtNtries></TxsSummry>\n            <Ntry>")
    good = text.replace("<Ntry>", summary.format(n=6, debits="1465.80"), 1)
    (tmp_path / "sum.xml").write_text(good)
    assert len(statements.read(tmp_path / "sum.xml").lines) == 6
    (tmp_path / "count.xml").write_text(text.replace("<Ntry>", summary.format(n=7, debits="1465.80"), 1))
    with pytest.raises(StatementFileError, match=r"the number of entries of statement 0574908765/258 is 7 but its "
                                                 r"lines add up to 6 \(a difference of -1\)"):
        statements.read(tmp_path / "count.xml")
    (tmp_path / "debits.xml").write_text(text.replace("<Ntry>", summary.format(n=6, debits="1465.90"), 1))
    with pytest.raises(StatementFileError, match=r"the sum of TtlDbtNtries of statement 0574908765/258 is 1465\.90"):
        statements.read(tmp_path / "debits.xml")


def test_windows_1252_downloads_keep_their_umlauts_and_pounds(tmp_path):
    german = (HERE / "paypal/aktivitaet_de_2026.csv").read_text(encoding="utf-8")
    (tmp_path / "alt.csv").write_bytes(german.encode("cp1252"))
    st = statements.read(tmp_path / "alt.csv", fmt="paypal")
    assert len(st.lines) == 5 and st.lines[4].memo.startswith("Rückzahlung")
    lloyds = (HERE / "bank_csv/lloyds_2026-09.csv").read_text().replace("ROYAL MAIL GROUP", "ROYAL MAIL £ GROUP")
    (tmp_path / "uk.csv").write_bytes(lloyds.encode("cp1252"))
    assert statements.read(tmp_path / "uk.csv").lines[0].memo == "ROYAL MAIL £ GROUP | DEB"
    sta = (HERE / "mt940/sparkasse_sepa_2026-09.sta").read_text().replace("Tobias Kraemer", "Tobias Krämer")
    (tmp_path / "de.sta").write_bytes(sta.encode("cp1252"))
    assert statements.read(tmp_path / "de.sta").lines[4].counterparty == "Tobias Krämer"


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol9;</Id>
</Stmt></BkToCstmrStmt></Document>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&x;</Id>
</Stmt></BkToCstmrStmt></Document>
"""


@pytest.mark.parametrize("body", [BOMB, XXE], ids=["billion-laughs", "xxe"])
def test_camt053_refuses_a_document_type_before_expanding_anything(tmp_path, body):
    path = tmp_path / "evil.xml"
    path.write_text(body)
    assert statements.detect(path).CODE == "camt053"  # it looks like one
    with pytest.raises(StatementFileError, match=r"evil\.xml declares a document type \(DTD\)"):
        statements.read(path)


def test_camt053_refuses_broken_xml_naming_line_and_column(tmp_path):
    text = (HERE / "camt053/abn_camt053_2026-09-12.xml").read_text()
    (tmp_path / "cut.xml").write_text(text.replace("</Ntry>", "</Ntyr>", 1))
    with pytest.raises(StatementFileError, match=r"cut\.xml, line \d+, column \d+: the XML is broken"):
        statements.read(tmp_path / "cut.xml")


# ---- MT940 ------------------------------------------------------------------------------------------

def test_mt940_two_statements_structured_details():
    st = read("mt940/sparkasse_sepa_2026-09.sta")
    assert (st.provider, st.format, st.account) == ("bank", "mt940", "50880050/0194787400888")
    assert table(st) == [(1, P, 8990, 0, "EUR"), (2, T, 150000, 0, "EUR"), (3, OT, -125000, 0, "EUR"),
                         (4, OT, -8, 0, "EUR"), (5, R, -2450, 0, "EUR")]
    sale, paypal, _, _, returned = st.lines
    assert sale.external_id == "50880050/0194787400888:STARTUMSE/00187/00001:2026-09-14:1"
    assert (sale.counterparty, sale.provider_txn) == ("Marta Metzger", "0724710333343453")
    assert sale.memo == "Bestellung SO-7791 Danke | GUTSCHRIFT"
    assert sale.occurred_at == utc(2026, 9, 16)
    assert paypal.counterparty.startswith("PAYPAL EUROPE")
    # RC: the reversal of a credit takes the money back out
    assert returned.counterparty == "Tobias Kraemer" and "SO-7785" in returned.memo
    assert len(st.notes) == 2 and all("make the closing balance" in n for n in st.notes)


def test_mt940_refuses_a_statement_that_does_not_add_up(tmp_path):
    text = (HERE / "mt940/sparkasse_sepa_2026-09.sta").read_text()
    (tmp_path / "off.sta").write_text(text.replace(":62F:C260917EUR7981,81", ":62F:C260917EUR7891,81"))
    with pytest.raises(StatementFileError, match=r"off\.sta, row 14, column :62F:: the statement says the closing "
                                                 r"balance of statement STARTUMSE/00188/00001 is 7891\.81 but its "
                                                 r"lines add up to 7981\.81 \(a difference of 90\.00\)"):
        statements.read(tmp_path / "off.sta")


def test_mt940_refuses_a_broken_line_naming_it(tmp_path):
    text = (HERE / "mt940/sparkasse_sepa_2026-09.sta").read_text()
    (tmp_path / "broken.sta").write_text(text.replace(":61:2609160916CR89,90NTRF", ":61:26O9160916CR89,90NTRF"))
    with pytest.raises(StatementFileError, match=r"^broken\.sta, row 5, column :61:: '26O9160916CR89,90NTRFNONREF//"
                                                 r"07247103333' is not a valid MT940 :61: line$"):
        statements.read(tmp_path / "broken.sta")


def test_mt940_refuses_a_statement_without_balances(tmp_path):
    text = (HERE / "mt940/sparkasse_sepa_2026-09.sta").read_text()
    (tmp_path / "nobal.sta").write_text(text.replace(":62F:C260916EUR8006,39\n", ""))
    with pytest.raises(StatementFileError, match=r"nobal\.sta, row 1: the statement STARTUMSE/00187/00001 states no "
                                                 r"opening \(:60F:\) or closing \(:62F:\) balance"):
        statements.read(tmp_path / "nobal.sta")


# ---- every format -----------------------------------------------------------------------------------

@pytest.mark.parametrize("rel", sorted(SAMPLES))
def test_reading_again_gives_the_same_lines_with_unique_ids_in_utc(rel):
    first, again = read(rel), read(rel)
    assert first == again
    ids = [x.external_id for x in first.lines]
    assert len(ids) == len(set(ids)) and all(ids)
    assert all(x.occurred_at.utcoffset() is not None and x.occurred_at.utcoffset().total_seconds() == 0
               for x in first.lines)
    assert all(isinstance(x.amount_minor, int) and isinstance(x.fee_minor, int) for x in first.lines)


@pytest.mark.parametrize("text,currency,mark", [
    ("0", "USD", "."), ("-0.00", "USD", "."), ("25", "EUR", "."), ("6.6", "GBP", "."), ("1653.75", "USD", "."),
    ("-1500.00", "USD", "."), ("120", "JPY", "."), ("1.234", "KWD", "."), ("-49,90", "EUR", ","), ("1,5", "EUR", ","),
    ("999999999999999", "USD", "."), ("1,653.75", "USD", "."), ("1.249,90", "EUR", ","), ("0.001", "USD", "."),
    ("12.5", "JPY", "."), ("abc", "USD", "."),
])
def test_the_fast_amount_path_agrees_with_common_minor(text, currency, mark):
    from shop_orders.adapters.statements import _bank

    def outcome(fn):
        try:
            return fn(text, currency, "f.csv", 2, "Gross", decimal_mark=mark)
        except StatementFileError as exc:
            return str(exc)

    assert outcome(_bank.amount) == outcome(common.minor)
