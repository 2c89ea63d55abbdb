"""The stocktake sheet on both backends (services/stock_sheet.py): a sheet in English, Chinese or a
real export's layout sets each SKU's count and details; every bad cell is one sentence naming the
file, the row and the column, and nothing is written; the dry run writes nothing and says what the
import says; over the shop's limit the whole stocktake waits for a second person; a SKU sold in
orders but not yet catalogued joins the catalogue; the catalogue exported (xlsx and csv, formula-
looking text included) reads back unchanged; the suggestions workbook reads back with openpyxl."""

from __future__ import annotations

import csv
import shutil
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, text

from shop_orders.domain.errors import ValidationError
from shop_orders.services import auth, changesets, stock, stock_sheet
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import StockMovement
from tests import factories
from tests.services.test_stock import MANAGER, OWNER, T0, catalogue, item, paid_order, run

REAL = Path(__file__).resolve().parents[1] / "real" / "stock"
TABLES = ("audit_events", "stock_items", "stock_barcodes", "stock_movements", "change_sets", "settings")


@pytest.fixture
def two_people(db):
    """The owner and a manager of long standing (who may approve what the owner proposes)."""
    run(db, auth.create_user, OWNER, "olivia", "owner", "olivia-secret-1")
    factories.settled_user(db, OWNER, MANAGER.name, MANAGER.role, "mia-secret-12")
    return db


def snapshot(db) -> tuple[int, ...]:
    with db.read_session() as s:
        return tuple(int(s.execute(text(f"SELECT COUNT(*) FROM {name}")).scalar_one()) for name in TABLES)


def sheet(tmp_path: Path, body: str, name: str = "count.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding=encoding)
    return path


def take(db, path: Path, *, dry_run: bool = False, at=T0) -> stock_sheet.StocktakeResult:
    return stock_sheet.import_sheet(db, OWNER, path, dry_run=dry_run,
                                    uow_factory=lambda: UnitOfWork(db, clock=lambda: at))


def barcodes(db, sku: str) -> tuple[str, ...]:
    with db.read_session() as s:
        return stock_sheet.stock_queries.barcodes_of(s, [sku]).get(sku, ())


def test_a_sheet_sets_counts_and_details_and_the_dry_run_says_the_same_writing_nothing(db, tmp_path):
    catalogue(db, "TEA", 5)
    catalogue(db, "CUP", 3)
    path = sheet(tmp_path, "SKU,Title,Location,On hand,Safety stock,Barcodes\n"
                           "TEA,Green tea 100 g,A-01,7,2,6901234567892 TEA-OWN\n"
                           "CUP,,,3,,\n")
    before = snapshot(db)
    dry = take(db, path, dry_run=True)
    assert snapshot(db) == before
    assert item(db, "TEA").on_hand == 5
    real = take(db, path)
    assert dry.describe()[:-1] == real.describe()[:-1]  # the same path: only the verdict differs
    assert dry.verdict() == "Dry run: the stocktake would be applied; nothing was written."
    assert real.describe() == [
        "TEA: on hand 5 → 7; title: title of TEA → Green tea 100 g; location: — → A-01; safety stock: 0 → 2; "
        "barcodes: — → 6901234567892 TEA-OWN",
        "count.csv: 2 SKUs: 1 changed, 1 unchanged, 0 not counted.",
        "The stocktake was applied.",
    ]
    tea = item(db, "TEA")
    assert (tea.on_hand, tea.title, tea.location, tea.safety) == (7, "Green tea 100 g", "A-01", 2)
    assert barcodes(db, "TEA") == ("6901234567892", "TEA-OWN")
    assert item(db, "CUP").on_hand == 3 and item(db, "CUP").title == "title of CUP"  # empty cells keep
    with db.read_session() as s:
        kinds = [m.kind for m in s.execute(select(StockMovement).where(StockMovement.sku == "TEA")).scalars()]
    assert kinds == ["receive", "count"]
    with db.read_session() as s:
        assert stock.check(s) == []


BAD = [
    ("SKU,On hand\nTEA,2.5\n", "count.csv, row 2, column On hand: The count must be a whole number of units, not '2.5'."),
    ("SKU,On hand\nTEA,-1\n", "count.csv, row 2, column On hand: The count cannot be negative (-1)."),
    ("SKU,On hand\nTEA,abc\n", "count.csv, row 2, column On hand: The count must be a whole number of units, not 'abc'."),
    ("SKU,On hand\nTEA,1\nNOPE-9,4\n", "count.csv, row 3, column SKU: NOPE-9 is neither in the stock catalogue nor in "
                                       "any order; check the SKU (add it with `stock add` if it is new)."),
    ("SKU,On hand\nTEA,4\nCUP,1\nTEA,5\n", "count.csv, row 4, column On hand: TEA is counted twice with different "
                                           "counts (row 2: 4, this row: 5)."),
    ("SKU,On hand,Barcodes\nTEA,4,690123\nCUP,1,777 690123\n",
     "count.csv, row 3, column Barcodes: the barcode 690123 is also TEA's (row 2); a barcode names one SKU."),
    ("SKU,On hand,Barcodes\nCUP,1,CUP-OWN TEA-OWN\n", "count.csv, row 2, column Barcodes: the barcode TEA-OWN already "
                                                       "belongs to TEA in the catalogue; take it off TEA first."),
    ("SKU,On hand,Barcodes\nCUP,1,TEA\n", "count.csv, row 2, column Barcodes: the barcode TEA is another SKU's code."),
    ("SKU,Title,On hand\nTEA," + "x" * 301 + ",4\n",
     "count.csv, row 2, column Title: the text is longer than 300 characters."),
    ("SKU,On hand\n" + "S" * 65 + ",4\n", "count.csv, row 2, column SKU: the text is longer than 64 characters."),
    ("SKU,On hand,Safety stock\nTEA,4,1.5\n",
     "count.csv, row 2, column Safety stock: The safety stock must be a whole number of units, not '1.5'."),
    ("Item,Qty\nTEA,4\n", "count.csv: no header row with an SKU column and a count column (e.g. SKU and On hand, or "
                          "商品编码 and 盘点数量) in its first 30 rows; nothing was imported."),
    ("SKU,On hand\n,4\n", "count.csv, row 2, column SKU: the SKU is empty, but the row has a count; a count needs "
                          "its SKU."),
]


@pytest.mark.parametrize(("body", "said"), BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_input_is_one_sentence_naming_file_row_and_column_and_nothing_is_written(db, tmp_path, body, said):
    catalogue(db, "TEA", 5, barcodes=("TEA-OWN",))
    catalogue(db, "CUP", 3)
    path = sheet(tmp_path, body)
    before = snapshot(db)
    for dry_run in (True, False):
        with pytest.raises(ValidationError) as exc:
            take(db, path, dry_run=dry_run)
        assert str(exc.value) == said
        assert "\n" not in str(exc.value)
    assert snapshot(db) == before


def test_the_same_sku_twice_with_the_same_count_is_fine_and_an_empty_count_is_not_counted(db, tmp_path):
    catalogue(db, "TEA", 5)
    catalogue(db, "CUP", 3)
    got = take(db, sheet(tmp_path, "SKU,On hand\nTEA,6\nCUP,\nTEA,6\n\n"))
    assert (got.rows, got.not_counted, got.outcome) == (2, 1, "applied")
    assert item(db, "TEA").on_hand == 6 and item(db, "CUP").on_hand == 3


def test_a_sku_sold_in_orders_joins_the_catalogue_titled_from_its_order_line(db, tmp_path):
    catalogue(db, "TEA", 5)
    paid_order(db, T0 - timedelta(hours=2), (("MUG-9", 2),))
    got = take(db, sheet(tmp_path, "SKU,On hand\nMUG-9,4\n"))
    assert got.changes[0].added and got.changes[0].as_json()["new_on_hand"] == 4
    mug = item(db, "MUG-9")
    assert (mug.title, mug.on_hand, mug.reserved) == ("title MUG-9", 4, 2)  # the waiting order reserves it


def test_over_the_limit_the_whole_stocktake_waits_for_a_second_person(two_people, tmp_path):
    db = two_people
    catalogue(db, "TEA", 5)
    catalogue(db, "CUP", 3)
    path = sheet(tmp_path, "SKU,On hand\nTEA,40\nCUP,4\n")
    dry = take(db, path, dry_run=True)
    assert dry.proposed and dry.verdict().startswith("Dry run: a count moves more than the shop's limit")
    got = take(db, path)
    assert got.outcome.startswith("proposed #")
    assert got.verdict() == f"Over the shop's limit: the stocktake waits for a second person ({got.outcome})."
    assert (item(db, "TEA").on_hand, item(db, "CUP").on_hand) == (5, 3)  # not even the small row
    run(db, changesets.approve, MANAGER, int(got.outcome.split("#")[1]))
    assert (item(db, "TEA").on_hand, item(db, "CUP").on_hand) == (40, 4)


def test_an_excel_sheet_with_a_title_row_numbers_as_numbers_and_chinese_headers(db, tmp_path):
    catalogue(db, "6901", 1)
    catalogue(db, "TEA", 2)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026 年 12 月 盘点表"])
    ws.append(["商品编码", "商品名称", "条形码", "货位", "实际库存", "安全库存"])
    ws.append([6901, "茶杯", "111/222", "B-2", 9.0, 3])
    ws.append(["TEA", None, None, None, 0, None])
    path = tmp_path / "盘点.xlsx"
    wb.save(path)
    got = take(db, path)
    assert got.outcome == "applied"
    huge = tmp_path / "huge.xlsx"
    ws["E4"] = 1e300
    wb.save(huge)
    with pytest.raises(ValidationError, match=r"^huge\.xlsx, row 4, column 实际库存: The count is too large \(1e\+300\)\.$"):
        take(db, huge)
    cup = item(db, "6901")
    assert (cup.on_hand, cup.title, cup.location, cup.safety) == (9, "茶杯", "B-2", 3)
    assert barcodes(db, "6901") == ("111", "222")
    assert item(db, "TEA").on_hand == 0


def test_a_gbk_csv_with_chinese_headers_reads(db, tmp_path):
    catalogue(db, "TEA", 2)
    got = take(db, sheet(tmp_path, "商品编码,商品名称,库位,盘点数量\nTEA,绿茶,A-1,5\n", encoding="gb18030"))
    assert got.outcome == "applied" and item(db, "TEA").title == "绿茶" and item(db, "TEA").on_hand == 5


def test_shopifys_real_inventory_export(db, tmp_path):
    """tests/real/stock/shopify_inventory_export.csv: a shop's own export (README there)."""
    for sku in ("235G", "123G", "24", "1012", "1013", "CR4G"):
        catalogue(db, sku, 3)
    got = take(db, REAL / "shopify_inventory_export.csv")
    assert got.outcome == "applied" and got.rows == 6
    assert {sku: item(db, sku).on_hand for sku in ("235G", "123G", "24", "1012", "1013", "CR4G")} == \
        {"235G": 1, "123G": 1, "24": 1, "1012": 1, "1013": 0, "CR4G": 1}  # On hand, not Available
    assert item(db, "1012").title == "18ct Gold Pendant with Amethyst surrounded by Diamonds 1012 / Black"
    assert item(db, "235G").title == "9CT GOLD ANTIQUE BANGLE WITH OLD HALL MARKS"  # "Default Title" left out
    assert item(db, "235G").location == ""  # Shopify's Location is the shop, not a shelf


def test_shopifys_real_2024_inventory_export_with_on_hand_new(db, tmp_path):
    """tests/real/stock/shopify_inventory_export_2024.csv: the current layout, whose variants have
    no SKU and whose On hand (new) is empty as exported: nothing to count, each row left out and
    said so. Filled in (SKU, On hand (new), Bin name) it counts, and an empty On hand (new) keeps."""
    real = REAL / "shopify_inventory_export_2024.csv"
    before = snapshot(db)
    got = take(db, real)
    assert (got.rows, got.left_out, got.changes, got.outcome) == (0, 4, (), "applied")
    assert got.describe()[1] == "4 rows with neither an SKU nor a count were left out."
    assert snapshot(db) == before
    catalogue(db, "TOPAZ-1", 1)
    catalogue(db, "LEMON-1", 1)
    rows = list(csv.reader(real.open(encoding="utf-8")))
    head = rows[0]
    for r, (sku, new, shelf) in zip(rows[1:3], (("TOPAZ-1", "3", "C-4"), ("LEMON-1", "", "")), strict=True):
        r[head.index("SKU")], r[head.index("On hand (new)")], r[head.index("Bin name")] = sku, new, shelf
    copy = tmp_path / "inventory_export.csv"
    with copy.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    got = take(db, copy)
    assert (got.rows, got.not_counted, got.left_out) == (2, 1, 2)
    topaz = item(db, "TOPAZ-1")
    assert (topaz.on_hand, topaz.location, topaz.title) == (3, "C-4", "20 ct Swiss Blue Topaz - Sterling Silver Ring")
    assert item(db, "LEMON-1").on_hand == 1  # On hand (current) is not a count


def test_woocommerces_real_product_csv(db, tmp_path):
    """tests/real/stock/woocommerce_sample_products.csv: WooCommerce's own sample, whose Stock is
    empty (stock not managed): nothing is counted, the names are taken."""
    for sku in ("woo-hoodie-with-logo", "woo-tshirt", "woo-beanie"):
        catalogue(db, sku, 2)
    got = take(db, REAL / "woocommerce_sample_products.csv")
    assert (got.rows, got.not_counted, got.outcome) == (3, 3, "applied")
    assert item(db, "woo-hoodie-with-logo").title == "Hoodie with Logo" and item(db, "woo-tshirt").on_hand == 2
    copy = tmp_path / "woo.csv"  # the same file with the stock counted
    rows = list(csv.reader((REAL / "woocommerce_sample_products.csv").open(encoding="utf-8")))
    at = rows[0].index("Stock")
    for r, n in zip(rows[1:], ("4", "0", "11"), strict=True):
        r[at] = n
    with copy.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    take(db, copy)
    assert [item(db, s).on_hand for s in ("woo-hoodie-with-logo", "woo-tshirt", "woo-beanie")] == [4, 0, 11]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_the_exported_catalogue_reads_back_unchanged(db, tmp_path, suffix):
    catalogue(db, "TEA", 5, barcodes=("6901234567892", "TEA-OWN"), location="A-01", safety=2)
    catalogue(db, "00123", 0)
    run(db, stock.add_sku, OWNER, "EVIL", '=HYPERLINK("http://x","click")', location="+B", barcodes=("@1",))
    run(db, stock.mark_ordered, OWNER, "TEA", 4, "po 7")
    path = tmp_path / f"catalogue.{suffix}"
    assert stock_sheet.export_catalogue(db, path, "en") == 3
    if suffix == "xlsx":
        ws = openpyxl.load_workbook(path).active
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        assert rows[0] == ["SKU", "Title", "Barcodes", "Location", "On hand", "Reserved", "Available",
                           "Safety stock", "Incoming"]
        assert rows[1] == ["00123", "title of 00123", None, None, 0, 0, 0, 0, 0]
        evil = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "EVIL")
        assert evil[1].value.startswith("=HYPERLINK") and evil[1].data_type == "s" and evil[1].quotePrefix
    else:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        assert "EVIL,\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",'@1,'+B,0,0,0,0,0" in lines
    before = snapshot(db)
    got = take(db, path)
    assert (got.changes, got.unchanged, got.outcome) == ((), 3, "applied")
    assert snapshot(db) == before
    assert item(db, "EVIL").title == '=HYPERLINK("http://x","click")' and item(db, "EVIL").location == "+B"


def test_the_chinese_export_reads_back_too(db, tmp_path):
    catalogue(db, "TEA", 5, location="A-01")
    path = tmp_path / "目录.xlsx"
    stock_sheet.export_catalogue(db, path, "zh_CN")
    assert [c.value for c in next(openpyxl.load_workbook(path).active.iter_rows())][:5] == \
        ["SKU", "商品名称", "条码", "库位", "在库数量"]
    assert take(db, path).unchanged == 1


def test_the_suggestions_workbook_for_the_supplier(db, tmp_path):
    catalogue(db, "TEA", 1, safety=2)
    a = paid_order(db, T0 + timedelta(hours=1), (("TEA", 3),))
    path = tmp_path / "buy.xlsx"
    found = stock_sheet.export_suggestions(db, path, "en")
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(path).active.iter_rows()]
    assert rows[0] == ["SKU", "Title", "Location", "On hand", "Reserved", "Demand", "Safety stock", "Incoming",
                       "Suggested", "Waiting orders"]
    assert rows[1] == ["TEA", "title of TEA", None, 1, 1, 3, 2, 0, 4, a]  # 3 + 2 − 1 − 0
    assert len(found) == 1


def test_a_copy_of_a_real_file_under_another_name_is_named_in_the_sentence(db, tmp_path):
    path = tmp_path / "shop-count.csv"
    shutil.copy(REAL / "shopify_inventory_export.csv", path)
    with pytest.raises(ValidationError, match=r"^shop-count\.csv, row 2, column SKU: 235G is neither"):
        take(db, path)


def test_a_file_that_is_not_a_sheet_is_refused_before_any_row_is_read(db, tmp_path):
    catalogue(db, "TEA", 5)
    path = tmp_path / "count.csv"
    path.write_bytes(b"SKU,On hand\x00\x01\x02" * 10)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        take(db, path)
    assert str(exc.value).startswith("count.csv: ") and "\n" not in str(exc.value)
    fake = tmp_path / "count.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ValidationError, match=r"^count\.xlsx: "):
        take(db, fake)
    assert snapshot(db) == before


def test_control_characters_and_a_literal_escape_in_a_title_survive_the_round_trip(db, tmp_path):
    run(db, stock.add_sku, OWNER, "ODD", "tab\tand\x0bvertical _x0041_ text")
    path = tmp_path / "odd.xlsx"
    stock_sheet.export_catalogue(db, path, "en")
    assert take(db, path).unchanged == 1
    assert item(db, "ODD").title == "tab\tand\x0bvertical _x0041_ text"
