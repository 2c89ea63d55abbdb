"""The health dashboard (ui/health_dashboard.py) over a small store made through the services:
opened from Tools, its tiles show the report's figures, a click on every tile (and on a breakdown
row and a chart's bar and point) shows exactly that many orders in the main window's grid, the
period and channel read it again (a late answer for an old choice is dropped), the owner's lights
refuse bad thresholds with one sentence, the page goes to a one-page PDF, every word in Chinese."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from shop_orders.domain import messages
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.health import FIGURES, Lights
from shop_orders.domain.status import Status
from shop_orders.domain.tracking import TrackEvent, TrackResult, TrackState
from shop_orders.services import health, tracking
from shop_orders.services.context import AppContext, current_actor
from shop_orders.store.models import Order, Shipment
from shop_orders.ui.health_dashboard import HealthDashboard
from shop_orders.ui.health_tiles import LightsDialog, Tile, value_text
from tests.factories import DRAFT_TOTAL, draft, make_order, run
from tests.ui.conftest import settle as settle_window

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)  # the tests' clock (tests/conftest.Clock)


def settle(qtbot, d: HealthDashboard, timeout: int = 10000) -> None:
    def done() -> bool:
        QCoreApplication.processEvents()
        return d.ready()

    qtbot.waitUntil(done, timeout=timeout)
    QCoreApplication.processEvents()


OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
SCAN = ChangeContext(Actor("olivia", "owner"), "scan")


def _at(db, fn, *args, at: datetime = NOW, **kw):
    return run(db, fn, *args, clock=lambda: at, **kw)


def _courier_says(db, parcel: int, at: datetime, picked: datetime, delivered: datetime | None = None) -> None:
    """The courier's answer about a parcel, through the tracking sync's own path."""
    events = [TrackEvent(picked, TrackState.PICKED_UP, "收件")]
    if delivered is not None:
        events.append(TrackEvent(delivered, TrackState.DELIVERED, "签收"))
    with db.read_session() as s:
        number = s.get(Shipment, parcel).tracking_no
    result = TrackResult.of(number, TrackState.DELIVERED if delivered else TrackState.IN_TRANSIT, events)
    _at(db, lambda uow: tracking.apply_answer(uow, "SF", parcel, result, tracking.TrackingSettings()), at=at)


def _store(db) -> dict[str, list[str]]:
    """The shop in Hangzhou; orders over the last days in two channels: paid and shipped fast or
    slow (scanned out, picked up quickly or late, one delivered), paid and waiting, one refunded,
    one with an exception ticket, one unpaid, one cancelled, one older than the 7 days."""
    from shop_orders.domain.tickets import Kind
    from shop_orders.services import orders, settings, tickets

    _at(db, settings.set_timezone, OWNER, "Asia/Shanghai")
    made: dict[str, list[str]] = {"paid": [], "shipped": [], "other": []}
    for i in range(6):
        at = NOW - timedelta(days=i, hours=2)
        d = draft(channel="taobao" if i % 2 else "jd", created_at=at, paid_at=at, status=Status.AWAITING_SHIPMENT,
                  paid_minor=DRAFT_TOTAL)
        no = _at(db, lambda uow, d=d: orders.create_order(uow, OWNER, d).order_no, at=at)
        made["paid"].append(no)
        later = at + (timedelta(hours=3) if i % 2 else timedelta(hours=40))
        if i % 3 == 2 or later >= NOW:
            continue  # waiting to be shipped
        _at(db, orders.ship, SCAN, no, courier="SF", tracking_no=f"SF{1234567890 + i}", at=later)
        made["shipped"].append(no)
        with db.read_session() as s:
            parcel = s.execute(select(Shipment.id).join(Order).where(Order.order_no == no)).scalars().first()
        picked = later + timedelta(minutes=10 if i % 2 else 40)
        _courier_says(db, parcel, picked + timedelta(minutes=2), picked,
                      picked + timedelta(hours=30) if i == 3 else None)
    _at(db, orders.record_payment, OWNER, made["paid"][1], -3900, at=NOW - timedelta(hours=1))  # a refund
    _at(db, tickets.open_ticket, OWNER, made["paid"][2], Kind.ADDRESS, at=NOW - timedelta(hours=3))
    for i, status in enumerate((Status.AWAITING_PAYMENT, Status.CANCELLED, Status.AWAITING_PAYMENT)):
        at = NOW - timedelta(days=1 + 12 * (i == 2), hours=5)
        made["other"].append(make_order(db, clock=lambda at=at: at, channel="jd", created_at=at, status=status))
    return made


@pytest.fixture
def store(sqlite_db):
    return _store(sqlite_db)


@pytest.fixture
def make_dashboard(qtbot, sqlite_db, tmp_path, clock, store):
    def _make(lang: str = "en") -> HealthDashboard:
        messages.set_language(lang)
        context = AppContext(sqlite_db, tmp_path, tmp_path / "backups", current_actor())
        d = HealthDashboard(context, lang, clock=lambda: clock.now)
        qtbot.addWidget(d)
        d.resize(1366, 740)
        d.show()
        settle(qtbot, d)
        return d
    return _make


def _open_from_window(qtbot, w) -> HealthDashboard:
    w.health_action.trigger()  # the first time in a process, after its module was imported in a worker
    qtbot.waitUntil(lambda: w.findChild(HealthDashboard, "healthDashboard") is not None, timeout=10000)
    d = w.findChild(HealthDashboard, "healthDashboard")
    settle(qtbot, d)
    return d


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: bringing it to the front
def test_opens_from_the_tools_menu_once(make_window, store, qtbot):
    w = make_window()
    tools = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Tools")
    assert "health" in [a.objectName() for a in tools.actions()]
    assert w.health_action.shortcut().toString() == "Ctrl+Shift+H"
    d = _open_from_window(qtbot, w)
    assert d.isVisible() and d.isWindow() and d.windowTitle() == "Shop health"
    assert d.report is not None and d.tiles.keys() == {f.key for f in FIGURES}
    w.health_action.trigger()  # asked again: the same window comes to the front
    assert w.findChildren(HealthDashboard) == [d]


def test_tiles_show_the_reports_values(make_dashboard):
    d = make_dashboard()
    report = d.report
    assert report is not None and report.period.last_day == date(2026, 11, 22)  # 7 days, today included
    assert report.figure("orders").value == 8  # the six paid, one unpaid, one cancelled; not the 13-day-old one
    for f in report.figures:
        tile, definition = d.tiles[f.key], next(x for x in FIGURES if x.key == f.key)
        assert tile.value.text() == value_text(definition.unit, f.value), f.key
        assert f"{f.orders:,} orders" in tile.counts.text(), f.key
        assert ("excluded" in tile.counts.text()) == (f.excluded > 0), f.key
        assert messages.t(definition.definition) in tile.toolTip()
    assert "2026-11-16 – 2026-11-22" in d.period_label.text() and "all channels" in d.period_label.text()
    ship = report.figure("ship_24h")
    assert "median" in d.tiles["ship_24h"].extra.text() and ship.extra.get("median_hours") is not None
    sections = [d.breakdown.topLevelItem(i) for i in range(d.breakdown.topLevelItemCount())]
    assert [s.data(0, Qt.ItemDataRole.UserRole)[0] for s in sections] == [
        "orders", "stale", "open_exceptions", "delivery", "recon_red"]
    assert sections[0].childCount() == len(report.figure("orders").parts) > 0
    orders_chart = d.charts["orders_per_day"]
    assert [p.part for p in orders_chart.points] == [f"day:{date(2026, 11, 16 + i).isoformat()}" for i in range(7)]


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_every_click_shows_exactly_its_orders(make_window, store, qtbot):
    """The tile's number of orders is the grid's count after a click: every tile, a breakdown
    row, a bar and a point."""
    w = make_window()
    d = _open_from_window(qtbot, w)
    report = d.report
    assert report is not None
    for f in report.figures:
        qtbot.mouseClick(d.tiles[f.key], Qt.MouseButton.LeftButton)
        settle_window(qtbot, w)
        assert w.model.query.health is not None and w.model.query.health.figure == f.key
        assert w.model.rowCount() == f.orders, f.key
    assert sum(1 for f in report.figures if f.orders) >= 7  # most click sets are not empty
    # a breakdown row: the orders of one channel
    top = d.breakdown.topLevelItem(0)
    row = next(top.child(i) for i in range(top.childCount())
               if top.child(i).data(0, Qt.ItemDataRole.UserRole)[1] == "channel:jd")
    part = next(p for p in report.figure("orders").parts if p.part == "channel:jd")
    d.breakdown.scrollToItem(row)
    QTest.mouseClick(d.breakdown.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     d.breakdown.visualItemRect(row).center())
    settle_window(qtbot, w)
    assert w.model.query.health.part == "channel:jd" and w.model.rowCount() == part.orders > 0
    # a bar (orders on a day) and a point (shipped within 24 h on a day), clicked where they are drawn
    for key in ("orders_per_day", "ship_24h_per_day"):
        chart = d.charts[key]
        i = max(range(len(chart.points)), key=lambda i: (chart.points[i].orders, chart.points[i].value or 0))
        QTest.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         chart.point_position(i))
        settle_window(qtbot, w)
        assert w.model.query.health.part == chart.points[i].part, key
        assert w.model.rowCount() == chart.points[i].orders, key
    # any filter chosen afterwards shows the grid as usual again
    w.filters.search.setText("SF1234567890")
    w.filters.search.returnPressed.emit()
    settle_window(qtbot, w)
    assert w.model.query.health is None


def test_the_period_and_channel_read_it_again(make_dashboard, qtbot):
    d = make_dashboard()
    seven = d.report.figure("orders").value
    with qtbot.waitSignal(d.refreshed, timeout=10000):
        d.choose("today")
    settle(qtbot, d)
    assert d.report.period.first_day == d.report.period.last_day == date(2026, 11, 22)
    assert d.report.figure("orders").value < seven
    with qtbot.waitSignal(d.refreshed, timeout=10000):
        d.choose("30d")
    settle(qtbot, d)
    assert (d.report.period.last_day - d.report.period.first_day).days == 29
    assert d.report.figure("orders").value == 9  # the 13-day-old one too
    assert len(d.charts["orders_per_day"].points) == 30
    with qtbot.waitSignal(d.refreshed, timeout=10000):
        d.channel.setCurrentIndex(d.channel.findData("taobao"))
    settle(qtbot, d)
    assert d.report.channel == "taobao" and d.report.figure("orders").value == 3
    # a range that ends before it starts: one sentence, the figures shown stay
    shown = d.report
    with qtbot.waitSignal(d.refreshed, timeout=10000):
        d.choose("range", date(2026, 11, 20), date(2026, 11, 10))
    settle(qtbot, d)
    assert d.report is shown and d.message.isVisible()
    assert d.message.text().count(".") == 1 and "before it starts" in d.message.text()


def test_an_answer_for_an_earlier_choice_is_dropped(make_dashboard, qtbot, monkeypatch):
    """Two choices quickly one after the other: whatever order the answers come in, the page
    shows the last choice's."""
    import threading

    d = make_dashboard()
    gate = threading.Event()
    real = health.report

    def slow_first(db, **kw):
        if kw.get("span") == "today":
            gate.wait(10)  # the first answer comes last
        return real(db, **kw)

    monkeypatch.setattr(health, "report", slow_first)
    d.choose("today")
    assert d.state.text() == "Refreshing…"
    d.choose("30d")
    qtbot.waitUntil(lambda: d.report is not None and d.report.period.first_day == date(2026, 10, 24), timeout=10000)
    gate.set()
    settle(qtbot, d)
    assert d.report.period.first_day == date(2026, 10, 24) and d.period.currentData() == "30d"


def test_the_lights_refuse_bad_thresholds_and_set_good_ones(make_dashboard, qtbot, sqlite_db):
    d = make_dashboard()
    assert d.lights_button.isVisible()  # a store without users: the owner's button is there
    dialog = LightsDialog(d, d.report.lights)
    qtbot.addWidget(dialog)
    green, amber = dialog.rows["ship_24h"]
    for g, a, said in (("abc", "80", "must be a number from 0 to 100"), ("90", "95", "must not be above its green"),
                       ("120", "80", "must be a number from 0 to 100")):
        green.setText(g)
        amber.setText(a)
        problem = dialog.validate()
        assert problem is not None and said in problem and problem.count(". ") == 0, problem
        dialog._try_accept()
        assert dialog.error.text() == problem and dialog.result() == 0  # still open, nothing written
    assert health.get_lights(sqlite_db) == Lights()
    green.setText("90")
    amber.setText("80")
    assert dialog.validate() is None and dialog.chosen() == {"ship_24h": (90.0, 80.0)}
    with qtbot.waitSignal(d.changed, timeout=10000):
        d.write_lights(dialog.chosen())
    settle(qtbot, d)
    assert health.get_lights(sqlite_db).of("ship_24h") == (90.0, 80.0)
    assert d.report.lights.of("ship_24h") == (90.0, 80.0)
    assert "Green at 90.0% or more, amber at 80.0% or more" in d.tiles["ship_24h"].toolTip()


def test_the_page_to_one_pdf_page(make_dashboard, qtbot, tmp_path):
    d = make_dashboard()
    path = tmp_path / "health.pdf"
    d.export_pdf_to(path)
    settle(qtbot, d)
    assert getattr(d, "exported", None) == path and not path.with_name("health.pdf.part").exists()
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) == 1
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert box is not None and (round(float(box[1])), round(float(box[2]))) == (842, 595)  # A4 landscape, in points
    title = re.search(rb"/Title \((.*?)\)\n", data, re.S)
    assert title is not None
    text = re.sub(rb"\\(.)", rb"\1", title.group(1)).decode("utf-16")
    assert "2026-11-16 – 2026-11-22" in text and "all channels" in text


@pytest.fixture
def chinese(qapp):
    from shop_orders.ui import i18n

    i18n.install(qapp, "zh_CN")  # Qt's own words too (the dialog's Cancel)
    yield
    i18n.install(qapp, "en")


def test_every_word_in_chinese(make_dashboard, qtbot, chinese):
    from tests.ui.test_chinese_everywhere import english_in, visible_texts

    d = make_dashboard("zh_CN")
    assert d.windowTitle() == "店铺健康"
    assert d.tiles["ship_24h"].title.text() == "24 小时内发货率"
    def english(text: str) -> list[str]:
        return english_in(re.sub(r"<[^>]+>|\bSLA\b|顺丰速运", " ", text))  # SLA: the term the catalogue keeps

    found = [(where, text) for where, text in visible_texts(d) if english(text)]
    assert found == [], "\n".join(map(str, found))
    dialog = LightsDialog(d, d.report.lights)
    qtbot.addWidget(dialog)
    found = [(where, text) for where, text in visible_texts(dialog) if english(text)]
    assert found == [], "\n".join(map(str, found))


def test_a_tile_is_a_keyboard_button(make_dashboard, qtbot):
    d = make_dashboard()
    chosen = []
    d.sliceChosen.connect(chosen.append)
    tile: Tile = d.tiles["refund_rate"]
    tile.setFocus()
    QTest.keyClick(tile, Qt.Key.Key_Return)
    assert [s.figure for s in chosen] == ["refund_rate"] and chosen[0].channel is None
    assert chosen[0].start == d.report.period.start and chosen[0].end == d.report.period.end


def test_only_the_owner_sees_lights(qtbot, sqlite_db, tmp_path, clock, store):
    context = AppContext(sqlite_db, tmp_path, tmp_path / "backups", current_actor())
    d = HealthDashboard(context, "en", clock=lambda: clock.now, rights=lambda: {"order.ship", "settings.view"})
    qtbot.addWidget(d)
    d.show()
    settle(qtbot, d)
    assert not d.lights_button.isVisible() and d.pdf_button.isEnabled()


def test_export_pdf_asks_where_and_adds_the_suffix(make_dashboard, qtbot, tmp_path, monkeypatch):
    from shop_orders.ui.file_dialogs import FileDialog

    asked = []

    def ask_save(cls, parent, title, name_filter, **kw):
        asked.append((title, name_filter, kw["suggested_name"]))
        return tmp_path / "weekly"

    monkeypatch.setattr(FileDialog, "ask_save", classmethod(ask_save))
    d = make_dashboard()
    d.pdf_button.click()
    settle(qtbot, d)
    assert asked == [("Export the health page", "PDF document (*.pdf)", "health-2026-11-16-2026-11-22.pdf")]
    assert d.exported == tmp_path / "weekly.pdf" and (tmp_path / "weekly.pdf").read_bytes().startswith(b"%PDF")
    assert "weekly.pdf" in d.message.text()


def test_export_excel_writes_the_figures_shown(make_dashboard, qtbot, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from shop_orders.ui.file_dialogs import FileDialog
    from shop_orders.ui.store_actions import ExportOptionsDialog

    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: tmp_path / "figures"))
    monkeypatch.setattr(ExportOptionsDialog, "ask", classmethod(lambda cls, parent, lang: "zh_CN"))
    d = make_dashboard()
    d.excel_button.click()
    settle(qtbot, d)
    path = tmp_path / "figures.xlsx"
    assert d.exported == path and "figures.xlsx" in d.message.text()
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["指标", "分项", "每日"]  # the language chosen for the file
    cells = [str(c) for row in wb["指标"].iter_rows(values_only=True) for c in row if c is not None]
    assert "24 小时内发货率" in cells and "2026-11-16" in " ".join(cells)
