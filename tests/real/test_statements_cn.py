"""The Chinese statements (tests/real/statements/<format>/, shapes cited in its README.md) read as a
bookkeeper relies on: each file recognised as its own format and nothing else (and no order export
taken for a statement), every line's kind, signed amount and fee in fen, its keys and its time in
UTC worked out by hand from the file, the ids stable (the Tmall ledger read as the Alipay ledger
gives the same ids), and a broken copy refused with one sentence naming where: totals that do not
add up (the difference named), a GBK file with a broken byte, a missing column, a wrong value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from shop_orders.adapters import statements
from shop_orders.adapters.statements import common
from shop_orders.adapters.statements.alipay_account import kind_of
from shop_orders.domain import messages
from shop_orders.domain.statements import LineKind, StatementFileError

HERE = Path(__file__).parent
SAMPLES = HERE / "statements"
ACCOUNT = SAMPLES / "alipay_account" / "20881234567890120156_20240501_账务明细.csv"
ACCOUNT_NEW = SAMPLES / "alipay_account" / "20889876543210980156_20250301_账务明细.csv"
BUSINESS = SAMPLES / "alipay_business" / "20880211234567890156_20240815_业务明细.csv"
TMALL = SAMPLES / "tmall" / "20880512345678900156_20240601_账务明细.csv"
WECHAT = SAMPLES / "wechat" / "1900012345_20240709_all.csv"
WECHAT_OLD = SAMPLES / "wechat" / "1900009921_20141110_all_old.csv"
WECHAT_REFUND = SAMPLES / "wechat" / "1900012345_20240710_refund.csv"
CN_FORMATS = ("alipay_account", "alipay_business", "tmall", "wechat")

P, R, F = LineKind.PAYMENT, LineKind.REFUND, LineKind.FEE
PAYOUT, TRANSFER = LineKind.PAYOUT, LineKind.TRANSFER


@pytest.fixture(autouse=True)
def english():
    before = messages.language()
    messages.set_language("en")
    yield
    messages.set_language(before)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def rows(path: Path) -> list[tuple]:
    """(kind, amount, fee) of every line, in file order."""
    return [(ln.kind, ln.amount_minor, ln.fee_minor) for ln in statements.read(path).lines]


def refused(tmp_path: Path, source: Path, old: bytes, new: bytes, fmt: str | None = None) -> str:
    """The sentence a copy of `source` with `old` replaced by `new` is refused with."""
    data = source.read_bytes()
    assert data.count(old) >= 1, old
    broken = tmp_path / source.name
    broken.write_bytes(data.replace(old, new, 1))
    with pytest.raises(StatementFileError) as caught:
        statements.read(broken, fmt)
    return str(caught.value)


# ---- recognising ------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "code"), [
    (ACCOUNT, "alipay_account"), (ACCOUNT_NEW, "alipay_account"), (BUSINESS, "alipay_business"),
    (TMALL, "tmall"), (WECHAT, "wechat"), (WECHAT_OLD, "wechat"), (WECHAT_REFUND, "wechat"),
])
def test_each_sample_is_recognised_as_its_own_format_only(path, code):
    head = common.head(path.read_bytes(), path.name)
    assert [m.CODE for m in statements.formats().values() if m.sniff(head)] == [code]
    assert code == statements.detect(path).CODE


def test_the_alipay_samples_are_gbk_like_the_real_download():
    for path in (ACCOUNT, ACCOUNT_NEW, BUSINESS, TMALL):
        data = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert data.decode("gbk").startswith("#支付宝")


ORDER_EXPORTS = sorted(p for folder in (HERE.parent / "channel_files", HERE / "exports")
                       for p in folder.iterdir() if p.suffix in {".csv", ".txt", ".tsv", ".xlsx"})


@pytest.mark.parametrize("path", ORDER_EXPORTS, ids=lambda p: p.name)
def test_no_order_export_is_taken_for_a_statement(path):
    head = common.head(path.read_bytes(), path.name)
    assert [code for code in CN_FORMATS if statements.formats()[code].sniff(head)] == []


def test_there_are_order_exports_to_check():
    assert len(ORDER_EXPORTS) > 30


# The first lines of files that look alike but are not these statements (real headers): a
# person's own Alipay and WeChat bills, Alipay's summary files, WeChat Pay's fund-flow bill.
LOOKALIKES = {
    "personal Alipay bill": "支付宝交易记录明细查询\n账号:[someone@example.com]\n起始日期:[2024-01-01 00:00:00]    终止日期:"
                            "[2024-02-01 00:00:00]\n---------------------------------交易记录明细列表------------\n"
                            "交易号,商家订单号,交易创建时间,付款时间,最近修改时间,交易来源地,类型,交易对方,商品名称,金额（元）,"
                            "收/支,交易状态,服务费（元）,成功退款（元）,备注,资金状态",
    "personal WeChat bill": "微信支付账单明细\n微信昵称：[someone]\n----------------------微信支付账单明细列表--------------------\n"
                            "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n"
                            "2024-01-02 10:00:00,商户消费,某店,商品,支出,¥12.00,零钱,支付成功,4200001 ,10001 ,/",
    "Alipay 账务汇总": "#支付宝账务汇总查询\n#账号：[20881234567890120156]\n类型,收入笔数,收入金额（+元）,支出笔数,支出金额（-元）,"
                       "总金额（元）\n合计,3,264.40,4,-1120.77,-856.37",
    "Alipay 业务明细(汇总)": "#支付宝业务汇总查询\n#账号：[20880211234567890156]\n#-----业务汇总列表-----\n门店编号,门店名称,"
                            "交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,"
                            "卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）",
    "WeChat Pay fund flow bill": "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,"
                                 "账户结余（元）,资金变更提交申请人,备注,业务凭证号\n`2024-07-09 10:06:33,`4200002360,`1,`交易,"
                                 "`交易,`收入,`60.00,`560.00,`system,`,`",
}


@pytest.mark.parametrize("name", LOOKALIKES)
def test_lookalike_files_are_not_taken_for_these_statements(name):
    head = LOOKALIKES[name]
    assert [code for code in CN_FORMATS if statements.formats()[code].sniff(head)] == []


# ---- Alipay 账务明细 -----------------------------------------------------------------------------

def test_alipay_account_lines_as_worked_out_by_hand():
    st = statements.read(ACCOUNT)
    assert (st.provider, st.format, st.account) == ("alipay", "alipay_account", "20881234567890120156")
    # #起始日期：[2024年05月01日 00:00:00] 终止日期：[2024年05月03日 00:00:00], Shanghai time
    assert (st.period_from, st.period_to) == (utc(2024, 4, 30, 16), utc(2024, 5, 2, 16))
    assert rows(ACCOUNT) == [
        (P, 12800, 0),        # 在线支付 128.00
        (F, -77, 0),          # 收费 -0.77, the trade's service fee as a line of its own
        (P, 5990, 0),         # 在线支付 59.90
        (R, -2000, 0),        # 交易退款 -20.00
        (PAYOUT, -100000, 0),  # 提现 -1000.00
        (TRANSFER, -10000, 0),  # 转账 to 余额宝 -100.00
        (P, 7650, 0),         # 在线支付 76.50
    ]
    first, fee, _, refund, payout, _, last = st.lines
    assert (first.row, first.external_id) == (6, "20240501110012345671")  # 账务流水号, its trailing tab gone
    assert first.merchant_order_no == "SO-240501-0001"
    assert first.provider_txn == "2024050122001456781000000001"
    assert first.counterparty == "李雨桐 (liyutong@example.com)"
    assert first.occurred_at == utc(2024, 5, 1, 1, 15, 2)  # 2024-05-01 09:15:02 in Shanghai
    assert first.currency == "CNY"
    assert (fee.provider_txn, fee.original_txn) == (first.provider_txn, first.provider_txn)
    assert refund.original_txn == "2024050122001456781000000002"
    assert refund.memo == "部分退款"
    assert payout.merchant_order_no == "" and payout.occurred_at == utc(2024, 5, 1, 12)
    assert last.occurred_at == utc(2024, 5, 2, 2, 22, 45)
    assert [ln.external_id for ln in st.lines] == [f"2024050{d}1100123456{n}" for d, n in
                                                   [(1, 71), (1, 72), (1, 73), (1, 74), (1, 75), (2, 76), (2, 77)]]


def test_alipay_account_newer_columns_and_half_width_brackets():
    st = statements.read(ACCOUNT_NEW)
    assert rows(ACCOUNT_NEW) == [(P, 8900, 0), (TRANSFER, 50000, 0), (TRANSFER, -30000, 0)]  # 充值, 理财 (余利宝)
    sale = st.lines[0]
    assert sale.platform_order_no == "2025030122001400111234567801"  # 业务基础订单号
    assert sale.memo == "交易收款"  # 业务描述
    assert sale.occurred_at == utc(2025, 3, 1, 0, 5, 59)


def test_reading_again_gives_the_same_lines():
    assert statements.read(ACCOUNT) == statements.read(ACCOUNT)


def test_alipay_account_totals_that_do_not_add_up_are_refused_naming_the_difference(tmp_path):
    text = refused(tmp_path, ACCOUNT, "共264.40元".encode("gbk"), "共264.50元".encode("gbk"))
    assert text.startswith(f"{ACCOUNT.name}, row 15: ")
    assert "#收入合计 is 264.50 but its lines add up to 264.40 (a difference of -0.10)" in text


def test_alipay_account_a_missing_line_is_refused_by_the_count(tmp_path):
    line = [ln for ln in ACCOUNT.read_bytes().split(b"\r\n") if ln.startswith(b"20240502110012345677")][0]
    text = refused(tmp_path, ACCOUNT, line + b"\r\n", b"")
    assert "row 14: the statement says the number of lines of #收入合计 is 3 but its lines add up to 2" in text


def test_alipay_account_without_its_summary_is_refused(tmp_path):
    text = refused(tmp_path, ACCOUNT, "#收入合计：3笔，共264.40元\r\n".encode("gbk"), b"")
    assert text == f"{ACCOUNT.name}: the summary line #收入合计 below the table is missing; the file is incomplete"
    data = ACCOUNT.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[:data.index("#----------------------------------------账务明细列表结束".encode("gbk"))])
    with pytest.raises(StatementFileError, match="summary line #收入合计 below the table is missing"):
        statements.read(cut)


def test_a_gbk_file_with_a_broken_byte_is_refused_naming_row_and_column(tmp_path):
    # recognised by its header all the same, then refused where the byte is (the 4th cell: 商品名称)
    for fmt in (None, "alipay_account"):
        text = refused(tmp_path, ACCOUNT, "香薰蜡烛".encode("gbk"), b"\x81\x20" + "蜡烛".encode("gbk"), fmt)
        assert text.startswith(f"{ACCOUNT.name}, row 8, column 4: byte 0x81 is not valid GBK/GB18030 text")


def test_alipay_account_a_missing_column_is_refused(tmp_path):
    text = refused(tmp_path, ACCOUNT, ",收入金额（+元）".encode("gbk"), b"")
    assert text == f"{ACCOUNT.name}, row 5: the column '收入金额（+元）' is missing"


def test_alipay_account_a_wrong_value_is_refused_naming_row_and_column(tmp_path):
    text = refused(tmp_path, ACCOUNT, b",59.90,", b",59.9O,")
    assert text == f"{ACCOUNT.name}, row 8, column 收入金额（+元）: '59.9O' is not an amount of money"
    text = refused(tmp_path, ACCOUNT, b"2024-05-01 14:40:51", b"2024-05-32 14:40:51")
    assert text == f"{ACCOUNT.name}, row 8, column 发生时间: '2024-05-32 14:40:51' is not a date and time"


def test_a_refusal_reads_in_chinese_too(tmp_path):
    messages.set_language("zh_CN")
    text = refused(tmp_path, ACCOUNT, ",收入金额（+元）".encode("gbk"), b"")
    assert text == f"{ACCOUNT.name}，第 5 行：缺少“收入金额（+元）”列"


# ---- Tmall: the same ledger, with T200P order numbers and the platform's charges ---------------

def test_tmall_ledger_as_worked_out_by_hand():
    st = statements.read(TMALL)
    assert (st.provider, st.format) == ("alipay", "tmall")
    assert rows(TMALL) == [
        (P, 23900, 0),        # 交易付款
        (F, -1195, 0),        # 天猫佣金（类目系统）{…}扣款
        (F, -717, 0),         # 淘宝客佣金代扣款[…]
        (F, -120, 0),         # 代扣返点积分…
        (R, -5900, 0),        # 交易退款: 售后退款
        (TRANSFER, -50000, 0),  # 转出到网商银行
        (PAYOUT, -100000, 0),  # 提现
    ]
    order = "3871205539871234567"
    assert [ln.platform_order_no for ln in st.lines] == [order, order, order, order, "3871205539879876543", "", ""]
    sale = st.lines[0]
    assert sale.merchant_order_no == "T200P3871205539871234567"  # kept as written; the matcher strips T200P
    assert sale.external_id == "1570757242119060731"
    assert sale.occurred_at == utc(2024, 6, 1, 2, 2, 13)
    assert st.lines[1].counterparty == "hdtmyj@service.aliyun.com"


def test_the_tmall_ledger_read_as_the_alipay_ledger_gives_the_same_ids_and_money():
    as_tmall = statements.read(TMALL)
    as_alipay = statements.read(TMALL, "alipay_account")
    assert as_alipay.provider == as_tmall.provider == "alipay"
    assert ([(ln.external_id, ln.kind, ln.amount_minor, ln.occurred_at) for ln in as_alipay.lines]
            == [(ln.external_id, ln.kind, ln.amount_minor, ln.occurred_at) for ln in as_tmall.lines])


def test_tmall_totals_off_are_refused(tmp_path):
    text = refused(tmp_path, TMALL, "共-1579.32元".encode("gbk"), "共-1578.32元".encode("gbk"))
    assert "#支出合计 is 1578.32 but its lines add up to 1579.32 (a difference of 1.00)" in text


# ---- Alipay 业务明细 -----------------------------------------------------------------------------

def test_alipay_business_lines_as_worked_out_by_hand():
    st = statements.read(BUSINESS)
    assert (st.provider, st.format, st.account) == ("alipay", "alipay_business", "20880211234567890156")
    assert rows(BUSINESS) == [
        (P, 12800, -77),   # 商家实收 128.00, 服务费 0.77 charged
        (P, 5490, -33),    # 订单金额 59.90 less 商家优惠 5.00
        (R, -2800, 17),    # 退款 -28.00, 服务费 0.17 handed back
        (P, 7650, -46),
    ]
    sale, _, refund, _ = st.lines
    assert sale.external_id == "trade:2024081522001412345600000101"
    assert (sale.merchant_order_no, sale.provider_txn) == ("SO-240815-0101", "2024081522001412345600000101")
    assert sale.occurred_at == utc(2024, 8, 15, 2, 55, 23)  # 完成时间 10:55:23 Shanghai
    assert refund.external_id == "refund:2024081522001412345600000101:RF2024081500001"
    assert (refund.refund_no, refund.original_txn) == ("RF2024081500001", "2024081522001412345600000101")
    assert refund.merchant_order_no == "SO-240815-0101"
    assert refund.occurred_at == utc(2024, 8, 15, 8, 3, 40)
    assert refund.counterparty == "*雨桐(lyt***@example.com)"


def test_alipay_business_totals_off_are_refused(tmp_path):
    text = refused(tmp_path, BUSINESS, "退款共-28.00元".encode("gbk"), "退款共-27.00元".encode("gbk"))
    assert text.startswith(f"{BUSINESS.name}, row 12: ")
    assert "#退款合计 is 27.00 but its lines add up to 28.00 (a difference of 1.00)" in text
    text = refused(tmp_path, BUSINESS, "#交易合计：3笔".encode("gbk"), "#交易合计：4笔".encode("gbk"))
    assert "the number of lines of #交易合计 is 4 but its lines add up to 3 (a difference of -1)" in text


def test_alipay_business_an_unknown_row_kind_and_a_refund_without_its_number_are_refused(tmp_path):
    text = refused(tmp_path, BUSINESS, "退款\t".encode("gbk"), "冲正\t".encode("gbk"))
    assert text == f"{BUSINESS.name}, row 8, column 业务类型: '冲正' is not a kind of row this statement has (交易 or 退款)"
    text = refused(tmp_path, BUSINESS, b"RF2024081500001", b"")
    assert text == f"{BUSINESS.name}, row 8, column 退款批次号/请求号: a refund row needs its refund batch or request number"


def test_alipay_business_a_missing_column_is_refused(tmp_path):
    text = refused(tmp_path, BUSINESS, ",服务费（元）".encode("gbk"), b"")
    assert text == f"{BUSINESS.name}, row 5: the column '服务费（元）' is missing"


# ---- WeChat Pay 交易账单 --------------------------------------------------------------------------

def test_wechat_bill_as_worked_out_by_hand():
    st = statements.read(WECHAT)
    assert (st.provider, st.format, st.account) == ("wechat_pay", "wechat", "1900012345")
    assert rows(WECHAT) == [
        (P, 6000, -32),    # 应结订单金额 `60.00, 手续费 `0.32000
        (P, 3500, -19),    # 应结订单金额 35.00 (订单金额 40.00 less a 5.00 coupon)
        (R, -5000, 27),    # 退款金额 `50.00, 手续费 `-0.27000 handed back
        (P, 12800, -69),
    ]
    pay, _, refund, _ = st.lines
    assert (pay.external_id, pay.provider_txn) == ("pay:4200002360202407091150650780", "4200002360202407091150650780")
    assert pay.merchant_order_no == "SO-240709-0001"
    assert pay.occurred_at == utc(2024, 7, 9, 2, 6, 33)
    assert refund.external_id == "refund:50302709992024070991956632208"
    assert (refund.provider_txn, refund.original_txn, refund.refund_no) == (
        "50302709992024070991956632208", "4200002166202406250324636876", "RF-240709-0001")
    assert refund.merchant_order_no == "SO-240625-0042"
    assert refund.occurred_at == utc(2024, 7, 9, 8, 47, 58)
    assert (st.period_from, st.period_to) == (utc(2024, 7, 9, 2, 6, 33), utc(2024, 7, 9, 12, 15, 44))


def test_the_2014_wechat_bill_with_its_old_columns_and_full_width_colons():
    st = statements.read(WECHAT_OLD)
    assert rows(WECHAT_OLD) == [(P, 1200, -7), (P, 850, -5)]  # 总金额 12.00 / 8.50, 手续费 0.07 / 0.05
    assert st.lines[0].occurred_at == utc(2014, 11, 10, 8, 33, 45)  # `2014-11-10 16：33：45
    assert st.account == "1900009921"
    assert st.lines[1].merchant_order_no == "POS-141110-0008"


def test_the_wechat_refund_bill_takes_the_refund_success_time():
    st = statements.read(WECHAT_REFUND)
    assert rows(WECHAT_REFUND) == [(R, -1500, 8), (R, -1480, 8)]  # 手续费 `-0.08000 each, handed back
    first, second = st.lines
    assert first.occurred_at == utc(2024, 7, 10, 1, 12, 36)  # 退款成功时间 09:12:36, not 交易时间 09:12:30
    assert second.occurred_at == utc(2024, 7, 10, 7, 5, 2)
    assert (first.external_id, first.original_txn, first.refund_no) == (
        "refund:50302709992024071012345678901", "4200002361202407091277341102", "RF-240710-0001")
    # the refund of a payment in the day before's ALL bill reaches it by the payment's own id
    paid = {ln.provider_txn for ln in statements.read(WECHAT).lines if ln.kind is P}
    assert {ln.original_txn for ln in st.lines} <= paid


def test_wechat_totals_off_are_refused_naming_the_difference(tmp_path):
    text = refused(tmp_path, WECHAT, b"`0.93000", b"`0.94000")
    assert text == (f"{WECHAT.name}, row 7, column 手续费总金额: the statement says 手续费总金额 is 0.94 but its lines "
                    "add up to 0.93 (a difference of -0.01); the file is incomplete or was changed")
    text = refused(tmp_path, WECHAT, b"`4,`223.00", b"`5,`223.00")
    assert "column 总交易单数: the statement says 总交易单数 is 5 but its lines add up to 4" in text
    text = refused(tmp_path, WECHAT, b"`223.00,`50.00", b"`223.00,`49.00")
    assert "退款总金额 is 49.00 but its lines add up to 50.00 (a difference of 1.00)" in text


def test_wechat_without_its_summary_block_is_refused(tmp_path):
    data = WECHAT.read_bytes()
    cut = tmp_path / WECHAT.name
    cut.write_bytes(data[:data.index("总交易单数".encode())])
    with pytest.raises(StatementFileError) as caught:
        statements.read(cut)
    assert str(caught.value) == (f"{WECHAT.name}: the summary block at the end (总交易单数, …) is missing; "
                                 "the file is incomplete")


def test_wechat_fee_five_decimals_only_when_the_extra_ones_are_zeros(tmp_path):
    text = refused(tmp_path, WECHAT, b"`0.32000", b"`0.32100")
    assert text == f"{WECHAT.name}, row 2, column 手续费: '0.32100' has more than 2 decimal places for CNY"


def test_wechat_wrong_values_are_refused_naming_row_and_column(tmp_path):
    text = refused(tmp_path, WECHAT, b"`REFUND", b"`REVOKED")
    assert text == f"{WECHAT.name}, row 4, column 交易状态: 'REVOKED' is not a state this app reads (SUCCESS or REFUND)"
    text = refused(tmp_path, WECHAT, b"`128.00,`0.00,`0,`0", b"`128.0O,`0.00,`0,`0")
    assert text == f"{WECHAT.name}, row 5, column 应结订单金额: '128.0O' is not an amount of money"
    text = refused(tmp_path, WECHAT, ",手续费,".encode(), b",")
    assert text == f"{WECHAT.name}, row 1: the column '手续费' is missing"


# ---- the shared helpers' quick paths (common.minor / common.local_time) give what the general path gives ----

@pytest.mark.parametrize("text", ["128.00", "-0.77", "50", "0.32000", "-0.27000", "0", "-0.00", "999999999.99",
                                  "0.1", "12.5"])
def test_plain_amounts_read_as_the_general_path_reads_them(text):
    spaced = f" {text} "  # not the quick path's shape: read by the general path
    assert common.minor(text, "CNY", "f", 1, "c") == common.minor(spaced, "CNY", "f", 1, "c")


@pytest.mark.parametrize("text", ["0.321", "1.2.3", "12345678901234567.00", "1e3"])
def test_amounts_the_quick_path_cannot_take_are_still_refused(text):
    with pytest.raises(StatementFileError):
        common.minor(text, "CNY", "f", 1, "c")


def test_iso_local_times_read_as_the_general_path_reads_them():
    for text in ("2024-05-01 09:15:02", "2024-12-31 23:59:59", "2024-02-29 00:00:00"):
        quick = common.local_time(text, common.SHANGHAI, "f", 1, "c")
        general = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=common.SHANGHAI).astimezone(UTC)
        assert quick == general and quick.tzinfo is UTC
    with pytest.raises(StatementFileError, match="'2023-02-29 00:00:00' is not a date and time"):
        common.local_time("2023-02-29 00:00:00", common.SHANGHAI, "f", 1, "c")


@pytest.mark.parametrize(("kind_text", "memo", "amount", "kind"), [
    ("在线支付", "", 12800, P),
    ("交易付款", "含服务费说明", 12800, P),           # money in for a trade is a sale whatever its 备注 says
    ("交易付款", "", -5900, R),                      # a trade's money going out is its refund
    ("交易付款", "淘宝客佣金代扣款[3871205539871234567]", -717, F),
    ("其它", "天猫佣金（类目系统）{3871205539871234567}扣款", -1195, F),
    ("转账", "天猫佣金退款{3871205539871234567}", 1195, F),  # a commission handed back
    ("转账", "余额宝自动转入", -10000, TRANSFER),
    ("转账", "转出到网商银行", -50000, TRANSFER),
    ("收费", "", 77, F),
    ("提现", "提现到银行卡", -100000, PAYOUT),
    ("保证金冻结", "", -100000, LineKind.OTHER),
])
def test_what_a_ledger_movement_is(kind_text, memo, amount, kind):
    assert kind_of(kind_text, memo, amount) is kind
