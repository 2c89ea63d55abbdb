"""`main.py --self-test` / `shop-orders-gui --self-test`: is this installation whole?

For a fresh install or a packaged bundle, where "it starts" is not enough: every step uses the
real code on a temporary store that is deleted afterwards (never the person's data folder, store,
audit key or settings). One line per step, then "self-test passed" (exit 0); on the first failure
one sentence naming the step (exit 1). Runs offscreen when there is no display (QT_QPA_PLATFORM is
set here, before Qt starts), so it also works over ssh and in CI.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from shop_orders import __version__
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import N_, t

if TYPE_CHECKING:  # imported where used: the first steps run without Qt
    from PySide6.QtWidgets import QApplication

    from shop_orders.services.context import AppContext
    from shop_orders.ui.main_window import MainWindow

SELF_TEST_ROWS = 40  # demo orders in the temporary store


class SelfTestFailed(Exception):
    """A step found the installation broken; the message says what, for a person."""


def _use_offscreen_without_display(environ=os.environ) -> bool:
    """On Linux with no display, Qt's default (xcb) would abort: render offscreen instead."""
    if sys.platform != "linux" or environ.get("QT_QPA_PLATFORM"):
        return False
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return False
    environ["QT_QPA_PLATFORM"] = "offscreen"
    return True


# Notes of Qt's offscreen plugin about what it cannot do (the same list as pytest's qt_log_ignore).
KNOWN_QT_NOTES = ("This plugin does not support propagateSizeHints",)


def _quiet_known_qt_notes() -> None:
    """Qt's messages go to stderr as usual, except the offscreen plugin's known notes."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind, _context, message: str) -> None:
        if not message.startswith(KNOWN_QT_NOTES):
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


class _Run:
    """The steps share one temporary folder, store, application and window."""

    def __init__(self, folder: Path, lang: str, qt_args: list[str]) -> None:
        self.folder, self.lang, self.qt_args = folder, lang, qt_args
        self.ctx: AppContext | None = None  # set by the steps, in order
        self.app: QApplication | None = None
        self.window: MainWindow | None = None
        self.order_no = ""

    # ---- steps: each returns the line printed when it passes -------------------------------
    def versions(self) -> str:
        import PySide6
        from PySide6.QtCore import qVersion

        return t("shop-orders {version}, Python {python}, PySide6 {pyside}, Qt {qt}", version=__version__,
                 python=platform.python_version(), pyside=PySide6.__version__, qt=qVersion())

    def store(self) -> str:
        from shop_orders.services.context import AppContext, current_actor
        from shop_orders.store import migrate
        from shop_orders.store.open import open_database

        data = self.folder / "data"
        db = open_database(self.folder / "self-test.sqlite3", data_dir=data, create=True)
        self.ctx = AppContext(db, data, self.folder / "backups", current_actor())
        with db.engine.connect() as conn:
            rev = migrate.current_revision(conn)
        if rev != migrate.head_revision():
            raise SelfTestFailed(t("the migrations stopped at schema {rev}, not the newest {head}", rev=rev,
                                   head=migrate.head_revision()))
        return t("temporary store created and migrated to schema {rev} (the newest): {where}", rev=rev,
                 where=db.where)

    def sign_in(self) -> str:
        import secrets
        import time

        from shop_orders.domain.roles import Role
        from shop_orders.services import auth

        ctx = self.ctx
        assert ctx is not None
        password = secrets.token_urlsafe(12)
        with ctx.uow() as uow:
            auth.create_user(uow, ctx.change(), "self-test", Role.OWNER, password)
            uow.commit()
        started = time.perf_counter()
        user = auth.authenticate(ctx.db, "self-test", password)  # argon2id must work in the installation
        took = time.perf_counter() - started
        ctx.actor = user.actor
        return t("owner account made and signed in (argon2id check {ms} ms)", ms=round(took * 1000))

    def orders(self) -> str:
        from shop_orders.domain.status import Status
        from shop_orders.services import demo
        from shop_orders.services import orders as service

        ctx = self.ctx
        assert ctx is not None
        with ctx.uow() as uow:
            demo.fill(uow, ctx.change("demo"), SELF_TEST_ROWS - 1, seed=7)
            draft = service.OrderDraft(
                channel="phone", channel_order_no="SELF-TEST-1", created_at=datetime.now(UTC),
                buyer="自检", recipient="王伟", phone="13800138000", address="浙江省杭州市西湖区文三路1号",
                status=Status.AWAITING_PAYMENT, lines=[service.LineDraft("TEA-1", "西湖龙井 250g", 2, 16800)])
            self.order_no = service.create_order(uow, ctx.change(), draft).order_no
            uow.commit()
        return t("{n} orders written through the services", n=SELF_TEST_ROWS)

    def statements(self) -> str:
        """Every statement format loads, with the libraries the bank formats need (mt-940,
        defusedxml): a packaged app that left one out fails here, not at the bookkeeper's import."""
        from shop_orders.adapters.statements import formats

        try:
            found = formats()
        except ImportError as exc:
            raise SelfTestFailed(t("a statement format cannot be loaded: {why}", why=exc)) from None
        return t("{n} statement formats ready: {codes}", n=len(found), codes=", ".join(found))

    def application(self) -> str:
        from PySide6.QtWidgets import QApplication

        from shop_orders.ui import i18n
        from shop_orders.ui.platform_check import check

        problem = check(qt_args=self.qt_args)
        if problem is not None:
            raise SelfTestFailed(problem.sentence)
        _quiet_known_qt_notes()
        # PySide6 types instance() as the QCoreApplication it may be
        self.app = cast("QApplication | None", QApplication.instance()) or QApplication(["shop-orders-gui", *self.qt_args])
        qt_own = i18n.install(self.app, "zh_CN")  # Qt's own translations must be in the installation
        if qt_own is None:
            raise SelfTestFailed(t("Qt's own Chinese translations (qtbase_zh_CN.qm) are missing"))
        self.app.removeTranslator(qt_own)
        i18n.install(self.app, self.lang)
        return t("Qt started on the {platform} platform; Qt's Chinese translations found",
                 platform=self.app.platformName())

    def icon(self) -> str:
        from shop_orders.ui.resources import app_icon

        pixmap = app_icon().pixmap(64, 64)
        if pixmap.isNull():
            raise SelfTestFailed(t("the app icon could not be drawn (resources/icons/app.svg or Qt's SVG support "
                                   "is missing)"))
        assert self.app is not None
        self.app.setWindowIcon(app_icon())
        return t("app icon drawn ({size} px)", size=pixmap.width())

    def window_(self) -> str:
        from PySide6.QtCore import QSettings, Qt

        from shop_orders.ui.main_window import MainWindow

        settings = QSettings(str(self.folder / "ui.ini"), QSettings.Format.IniFormat)
        assert self.ctx is not None and self.app is not None
        self.window = w = MainWindow(self.ctx, lang=self.lang, qsettings=settings)
        w.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # laid out and painted, never on screen
        w.show()
        # the grid reads its first page in a worker: wait for it (at most 10 s), as a person would
        import time

        deadline = time.monotonic() + 10
        while w.model.loading and time.monotonic() < deadline:
            self.app.processEvents()
            time.sleep(0.005)
        self.app.processEvents()
        rows = w.model.rowCount()
        if rows != SELF_TEST_ROWS:
            raise SelfTestFailed(t("the grid shows {rows} orders instead of {n}", rows=rows, n=SELF_TEST_ROWS))
        first = w.model.data(w.model.index(0, 0))
        image = w.view.grab().toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        if image.isNull() or not first or len(colours) < 3:
            raise SelfTestFailed(t("the main window's grid did not paint"))
        return t("main window painted offscreen: {rows} orders in the grid, {w}×{h} px", rows=rows,
                 w=image.width(), h=image.height())

    def change(self) -> str:
        from shop_orders.domain.status import Status
        from shop_orders.services import orders as service

        ctx = self.ctx
        assert ctx is not None and self.app is not None and self.window is not None
        with ctx.uow() as uow:
            order = service.record_payment(uow, ctx.change(), self.order_no, 33600, method="cash")
            order = service.edit(uow, ctx.change(reason="self-test"), self.order_no, {"recipient": "李娜"})
            status, version = Status(order.status).label(), order.version
            uow.commit()
        self.window.reload()
        self.app.processEvents()
        return t("order {order} paid and its recipient changed through the services (status {status}, "
                 "version {version})", order=self.order_no, status=status, version=version)

    def stock(self) -> str:
        """Stock reserves with the window functions of the bundled SQLite: the paid self-test order
        (2 × TEA-1) against 1 on hand is served 1 and short 1, with its out-of-stock ticket."""
        from shop_orders.services import changesets, stock, stock_settle

        ctx = self.ctx
        assert ctx is not None
        with ctx.uow() as uow:
            stock.add_sku(uow, ctx.change(), "TEA-1", "西湖龙井 250g", location="A-01")
            stock.receive(uow, ctx.change(), "TEA-1", 1, "self-test")
            uow.commit()
        with ctx.db.read_session() as s:
            short = stock_settle.short_of(s, changesets.order_ids(s, [self.order_no]))
        if not short:
            raise SelfTestFailed(t("the stock reservations did not flag the self-test order as short"))
        return t("stock reserved: order {order} is short of {missing}", order=self.order_no,
                 missing=next(iter(short.values())))

    def audit(self) -> str:
        from shop_orders.services.verification import verify_store

        assert self.ctx is not None
        result = verify_store(self.ctx.db)
        if not result.ok:
            raise SelfTestFailed(t("the audit trail does not verify: {problem}", problem=result.problem))
        return t("audit trail verified: {count}", count=result.count_text())

    def close(self) -> None:
        if self.window is not None:
            self.window.close()  # stops its timers and joins its workers
            self.window.deleteLater()
            self.window = None
        if self.ctx is not None:
            self.ctx.close()
            self.ctx = None

    def dashboard(self) -> str:
        """The health dashboard opens over the self-test store and draws its figures and its
        charts (pyqtgraph and numpy, which a bundle could leave out)."""
        import time

        from PySide6.QtCore import Qt

        from shop_orders.ui.health_dashboard import HealthDashboard

        assert self.ctx is not None and self.app is not None
        w = HealthDashboard(self.ctx, lang=self.lang)
        w.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        w.show()
        deadline = time.monotonic() + 20
        while not w.ready() and time.monotonic() < deadline:
            self.app.processEvents()
            time.sleep(0.005)
        try:
            if not w.ready() or w.report is None:
                raise SelfTestFailed(t("the health dashboard did not show its figures within 20 s"))
            orders = w.report.figure("orders").value
            return t("health dashboard drawn: {figures} figures, {charts} charts, {orders} orders this week",
                     figures=len(w.report.figures), charts=len(w.charts), orders=f"{orders:g}")
        finally:
            w.close()
            w.deleteLater()

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [(N_("versions"), self.versions), (N_("store and migrations"), self.store),
                (N_("sign-in"), self.sign_in), (N_("orders"), self.orders),
                (N_("statement formats"), self.statements), (N_("Qt"), self.application), (N_("icon"), self.icon),
                (N_("main window"), self.window_), (N_("health dashboard"), self.dashboard),
                (N_("order change"), self.change), (N_("stock"), self.stock),
                (N_("audit trail"), self.audit)]


def run(lang: str, qt_args: list[str] | None = None, out=None) -> int:
    """Run every step; 0 when all pass, 1 with one sentence on the first that fails."""
    out = out if out is not None else sys.stdout
    offscreen = _use_offscreen_without_display()
    with tempfile.TemporaryDirectory(prefix="shop-orders-self-test-", ignore_cleanup_errors=True) as folder:
        checks = _Run(Path(folder), lang, list(qt_args or []))
        step = ""
        try:
            if offscreen:
                print(t("no display: running offscreen (QT_QPA_PLATFORM=offscreen)"), file=out, flush=True)
            for name, do in checks.steps():
                step = name  # named in the failure sentence
                print(t("ok: {line}", line=do()), file=out, flush=True)
        except (SelfTestFailed, ShopOrdersError) as exc:
            print(t("self-test failed at '{step}': {problem}", step=t(step), problem=exc), file=sys.stderr)
            return 1
        except Exception as exc:  # noqa: BLE001 - whatever broke, the person reads one sentence
            print(t("self-test failed at '{step}': {problem}", step=t(step), problem=f"{type(exc).__name__}: {exc}"),
                  file=sys.stderr)
            return 1
        finally:
            checks.close()
    print(t("self-test passed"), file=out, flush=True)
    return 0
