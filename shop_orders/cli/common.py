"""What every command of the command line shares: argument types (a status, a channel, a
language, a whole number, a date), times for people (local, `when`, `iso`), tables that line up
with Chinese text, the progress bar, an order's or a ticket's history, and secrets (passwords,
PINs) from the environment or a terminal prompt, never from an argument."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from shop_orders.domain import messages, trail
from shop_orders.domain.channels import parse_channel
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.status import Status


def status_arg(text: str) -> Status:
    try:
        return Status.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def channel_arg(text: str) -> str:
    try:
        return parse_channel(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def language_arg(text: str) -> str:
    if text.replace("-", "_").lower() in ("en", "zh", "zh_cn"):
        return messages.normalise(text)
    raise argparse.ArgumentTypeError(t("unknown language '{text}'; expected zh_CN or en", text=text))


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("'{text}' is not a whole number", text=text)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(t("'{text}' must not be negative", text=text))
    return value


def hours_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("'{text}' is not a number of hours", text=text)) from None
    if not value > 0:
        raise argparse.ArgumentTypeError(t("hours must be more than 0"))
    return value


def status_hours_arg(text: str) -> tuple[Status, str]:
    """STATUS=HOURS; the hours are checked with the setting's rule in cmd_thresholds (exit 1)."""
    status, sep, hours = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(t("'{text}' should look like STATUS=HOURS", text=text))
    return status_arg(status), hours


def day_option(text: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option (checked in the command, so a bad date exits 1 like any error)."""
    if text is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(t("{option} '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01.",
                                option=option, text=text)) from None


def local_midnight(day: date) -> datetime:
    """The start of `day` in this computer's time zone, as an aware time (UTC in the store)."""
    return datetime(day.year, day.month, day.day).astimezone()


def local(dt: datetime) -> datetime:
    return dt.astimezone()


def text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad_to(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]], out=sys.stdout) -> None:
    rows = list(rows)
    widths = [max([text_width(h)] + [text_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    out.write("  ".join(pad_to(h, w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(pad_to(c, w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


class ProgressBar:
    """`[#####-----] 45% 45,000/100,000 orders` on an interactive stderr, redrawn in place (\\r)
    at most ten times a second, ended with a newline by finish(); nothing at all when stderr is
    not a terminal (a pipe, a log file, a test). A new label (a stage) or the end is always drawn."""

    WIDTH = 20
    INTERVAL = 0.1  # seconds between redraws

    def __init__(self, unit: str = N_("{done}/{total} orders"), label: str = "", stream=None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = sys.stderr if stream is None else stream
        try:
            self.active = bool(self.stream.isatty())
        except (AttributeError, ValueError):  # no isatty, or a closed stream
            self.active = False
        self.unit, self.label, self.clock = unit, label, clock
        self._last: float | None = None
        self._shown = ""

    def __call__(self, done: int, total: int) -> bool:
        """progress(done, total) for the services; True: carry on."""
        self.update(done, total)
        return True

    def update(self, done: int, total: int, label: str | None = None, unit: str | None = None) -> None:
        if not self.active:
            return
        changed = (label is not None and label != self.label) or (unit is not None and unit != self.unit)
        self.label, self.unit = label if label is not None else self.label, unit or self.unit
        now = self.clock()
        if not changed and done < total and self._last is not None and now - self._last < self.INTERVAL:
            return
        self._last = now
        self._draw(self.text(done, total))

    def text(self, done: int, total: int) -> str:
        total = max(total, 0)
        part = min(max(done / total, 0.0), 1.0) if total else 0.0
        filled = int(part * self.WIDTH)
        bar = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {int(part * 100):3d}% "
        count = t(self.unit, done=f"{done:,}", total=f"{total:,}")
        return f"{self.label} {bar}{count}" if self.label else bar + count

    def _draw(self, text: str) -> None:
        pad = " " * max(0, text_width(self._shown) - text_width(text))  # wipe a longer earlier line
        self.stream.write("\r" + text + pad)
        self.stream.flush()
        self._shown = text

    def finish(self) -> None:
        """End the bar's line (only if one was drawn), so the next output starts on its own line."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = ""
        self._last = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self.finish()


def when(dt: datetime | None) -> str:
    return f"{local(dt):%Y-%m-%d %H:%M}" if dt is not None else ""


def iso(dt: datetime | None) -> str | None:
    return local(dt).isoformat(timespec="seconds") if dt is not None else None


def print_history(history, hashes: bool = False) -> None:
    """An order's (or a ticket's) audit events, newest first, named in the language (domain/trail.py,
    as the window's trust chain and the export name them): who with who approved, the source, the
    change; an attachment by its file name, with its SHA-256 when `hashes`."""
    describe = trail.Describer(hashes=hashes)
    print(t("  history (newest first):"))
    for e in history:
        r = describe.row(e)
        change = f"{r.old} → {r.new}" if r.old is not None else (r.new or "")
        print(t("    {time}  {who}  [{source}]  {action} {field}: {change}{reason}",
                time=f"{local(e.at):%Y-%m-%d %H:%M}", who=r.who, source=r.source,
                action=r.action, field=r.field, change=change,
                reason=t("  ({reason})", reason=e.reason) if e.reason else ""))


def role_arg(text: str):
    from shop_orders.domain.roles import Role

    try:
        return Role.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# ---- who is at the keyboard: secrets from the environment or a terminal, never an argument -----

PASSWORD_ENV = "SHOP_ORDERS_PASSWORD"
NEW_PASSWORD_ENV = "SHOP_ORDERS_NEW_PASSWORD"
NEW_PIN_ENV = "SHOP_ORDERS_NEW_PIN"


def on_terminal() -> bool:
    try:
        return bool(sys.stdin.isatty())
    except (AttributeError, ValueError):  # no stdin, or a closed one
        return False


class Secret:
    """The signing-in user's password or PIN: $SHOP_ORDERS_PASSWORD, else asked once on a
    terminal (getpass, not echoed); never an argument (it would show in `ps` and the shell's
    history). Asked only when the store has users."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._value: str | None = None

    def __call__(self) -> str:
        if self._value is None:
            value = os.environ.get(PASSWORD_ENV)
            if value is None:
                if not on_terminal():
                    raise ValidationError(t("{name} must sign in: run this on a terminal to be asked for the "
                                            "password, or set {env}.", name=self.name, env=PASSWORD_ENV))
                value = getpass.getpass(t("Password or PIN for {name}: ", name=self.name))
            self._value = value
        return self._value


def new_secret(env: str, prompt: str) -> str | None:
    """A new password or PIN: from `env`, else typed twice on a terminal; None when neither
    (or Enter alone on the terminal)."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not on_terminal():
        return None
    first = getpass.getpass(prompt)
    if not first:
        return None
    if getpass.getpass(t("Again: ")) != first:
        raise ValidationError(t("The two entries differ; nothing was changed."))
    return first


def required_secret(env: str, prompt: str) -> str:
    value = new_secret(env, prompt)
    if not value:
        raise ValidationError(t("Type it on a terminal when asked, or set {env}; nothing was changed.", env=env))
    return value


def xlsx_path(text: str | Path) -> Path:
    """Where an export goes: a .xlsx file in a folder that exists, or ValidationError (one sentence)."""
    path = Path(text)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(t("{name}: exports are Excel workbooks; name the file .xlsx", name=path.name))
    if not path.parent.is_dir():
        raise ValidationError(t("The folder {folder} does not exist.", folder=path.parent))
    return path
