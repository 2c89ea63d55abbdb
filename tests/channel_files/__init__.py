"""Builders for channel export files in the channels' documented column layouts (tests only).

The folder also holds the committed sample set: real-shaped channel exports written by build.py,
with what each must import as in expected.py (tests/services/test_channel_files.py reads them)."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

TAOBAO_HEADER = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额",
                 "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话", "联系手机", "订单创建时间",
                 "订单付款时间", "宝贝标题", "宝贝种类", "物流单号", "物流公司", "订单备注", "宝贝总数量"]
JD_HEADER = ["订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额", "余额支付",
             "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注"]
PDD_HEADER = ["商品", "订单号", "订单状态", "商品总价(元)", "店铺优惠折扣(元)", "邮费(元)", "用户实付金额(元)", "商品数量(件)",
              "发货时间", "确认收货时间", "商品id", "商品规格", "商家编码-SKU维度", "收货人", "手机", "省", "市", "区", "街道",
              "订单成交时间", "快递单号", "快递公司"]
DOUYIN_HEADER = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价", "订单应付金额",
                 "运费", "收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址", "订单提交时间", "支付完成时间", "订单状态",
                 "快递单号", "快递公司"]
YOUZAN_HEADER = ["订单号", "订单状态", "订单类型", "下单时间", "付款时间", "商品名称", "规格编码", "单价", "数量", "订单实付金额",
                 "收货人/提货人", "收货人手机号/提货人手机号", "收货人省份", "收货人城市", "收货人地区", "详细收货地址/提货地址",
                 "买家姓名", "快递公司", "快递单号"]
SHOPIFY_HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
                  "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount",
                  "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
                  "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable",
                  "Lineitem fulfillment status", "Billing Name", "Shipping Name", "Shipping Street",
                  "Shipping Address1", "Shipping City", "Shipping Zip", "Shipping Province", "Shipping Country",
                  "Shipping Phone", "Cancelled at", "Payment Method", "Id"]
WOO_HEADER = ["Order Number", "Order Status", "Order Date", "Customer Note", "First Name (Billing)", "Last Name (Billing)",
              "Email (Billing)", "Phone (Billing)", "Full Name (Shipping)", "Address 1&2 (Shipping)", "City (Shipping)",
              "Postcode (Shipping)", "Country Code (Shipping)", "Payment Method Title", "Order Total Amount",
              "Order Currency", "SKU", "Item Name", "Quantity (- Refund)", "Item Cost"]
AMAZON_HEADER = ["amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
                 "fulfillment-channel", "sales-channel", "order-channel", "ship-service-level", "product-name", "sku",
                 "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price",
                 "shipping-tax", "ship-city", "ship-state", "ship-postal-code", "ship-country"]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list], merge_title: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge_title:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    wb.save(path)
    return path


def row_for(header: list[str], **values) -> list:
    return [values.get(h, "") for h in header]


def zip_bomb(path: Path) -> Path:
    """A workbook-shaped zip whose sheet unpacks to ~1.5 GB of zeros (compresses ~1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"0" * (16 * 2**20)
            for _ in range(96):
                fh.write(chunk)
    return path


def _with_sheet_xml(path: Path, tmp: Path, rewrite) -> Path:
    """A copy of a small valid workbook whose sheet1.xml is passed through rewrite(bytes)."""
    ok = write_xlsx(tmp / f"ok-{path.stem}.xlsx", [["订单编号", "买家会员名"], ["1", "a"]])
    with zipfile.ZipFile(ok) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, rewrite(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return path


def entity_workbook(path: Path, tmp: Path) -> Path:
    def add_entities(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' + body

    return _with_sheet_xml(path, tmp, add_entities)


def huge_dimension_workbook(path: Path, tmp: Path) -> Path:
    return _with_sheet_xml(path, tmp, lambda data: re.sub(rb'<dimension ref="[^"]*"',
                                                           b'<dimension ref="A1:XFD1048576"', data))
