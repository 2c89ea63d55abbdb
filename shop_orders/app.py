"""The desktop app's composition root: options, the platform check, Qt, the language, the store
(services/context.py builds it, as for the command line) and the window.

Nothing is created at import time.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import cast

from shop_orders import paths
from shop_orders.domain import messages
from shop_orders.domain.messages import t
from shop_orders.services.context import DB_ENV, open_context


def run_gui(argv: Sequence[str] | None = None) -> int:
    """The desktop app (`python3 main.py`, `shop-orders-gui`): `--db`, `--lang`, `--version` and
    `--help` as on the command line, `--self-test`; Qt's own options (-platform, -style, ...) go
    to Qt. Opens the default database (created on first start) unless --db names another."""
    from shop_orders.cli import build_gui_parser, parse_gui_args

    args, qt_args = parse_gui_args(sys.argv[1:] if argv is None else argv)
    paths.restrict_umask()  # what this process writes is the owner's alone (issue 23)
    lang = getattr(args, "lang", None)  # None: the seat's setting, else the system's
    from shop_orders.cli import DB_PASSWORD_ENV, _url_has_password

    if args.db and _url_has_password(args.db):
        print(t("warning: the password in --db can be read by anyone on this PC (ps shows it); put it in "
                "~/.pgpass or {env} instead.", env=DB_PASSWORD_ENV), file=sys.stderr)
    if args.self_test:
        from shop_orders import selftest

        return selftest.run(lang or messages.language(), qt_args)

    from shop_orders.ui.platform_check import check

    problem = check(qt_args=qt_args)  # before Qt, which would abort the process instead
    if problem is not None:
        print(problem.sentence, file=sys.stderr)
        return 1

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from shop_orders.domain.errors import ShopOrdersError
    from shop_orders.ui import i18n
    from shop_orders.ui.main_window import MainWindow
    from shop_orders.ui.resources import app_icon

    # PySide6 types instance() as the QCoreApplication it may be
    app = cast("QApplication | None", QApplication.instance()) or QApplication(["shop-orders-gui", *qt_args])
    leftover = app.arguments()[1:]  # what neither we nor Qt understood
    if leftover:
        build_gui_parser().error(t("unrecognised arguments: {args}", args=" ".join(leftover)))
    app.setApplicationName("Shop Orders")
    app.setOrganizationName("ShopOrders")
    app.setWindowIcon(app_icon())
    qsettings = QSettings()
    lang = messages.normalise(lang) if lang else i18n.choose_language(qsettings)
    i18n.install(app, lang)
    from shop_orders.ui.first_run import TARGET_SETTING

    # --db, else $SHOP_ORDERS_DB, else the shop server this seat was connected to, else the local file
    target = args.db or os.environ.get(DB_ENV) or str(qsettings.value(TARGET_SETTING, "") or "") or None
    try:
        ctx = _open_asking_password(target)
    except ShopOrdersError as exc:
        QMessageBox.critical(None, "Shop Orders", str(exc))
        return 1
    ctx.join_seat("gui")  # a restore elsewhere names this seat or waits for it
    from shop_orders.ui.users import sign_in_at_start

    user = sign_in_at_start(ctx, qsettings)  # the last user of this seat preselected
    if user is None:  # nobody signed in (or the owner's account was not made): the app does not open
        ctx.close()
        return 0
    ctx.actor = user.actor
    window = MainWindow(ctx, lang=lang, qsettings=qsettings)
    window.show()
    if ctx.notice:  # e.g. a restore that was interrupted: finished or undone, and where its data is
        QMessageBox.information(window, "Shop Orders", ctx.notice)
    app.aboutToQuit.connect(window.stop_workers)  # quitting by any path joins the workers first
    try:
        return app.exec()
    finally:
        ctx.close()


def _open_asking_password(target: str | None):
    """Open the store; when the shop's server asks for a password that neither ~/.pgpass nor
    $SHOP_ORDERS_DB_PASSWORD gave, ask for it once (kept in this process only)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from shop_orders.services.context import DB_PASSWORD_ENV, NoPassword

    try:
        return open_context(target, create=True)
    except NoPassword as exc:
        password, ok = QInputDialog.getText(None, t("Database password"), str(exc), QLineEdit.EchoMode.Password)
        if not ok or not password:
            raise
        os.environ[DB_PASSWORD_ENV] = password
        return open_context(target, create=True)
