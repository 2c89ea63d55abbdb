"""The import use case: prepare a plan (read, detect, parse, compare: nothing written), then apply
it in ONE unit of work. An error (unless invalid rows are skipped), a cancel or the process being
killed leaves the store exactly as it was."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from shop_orders.adapters import readers
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import t
from shop_orders.services import orders, rules, settings
from shop_orders.services.importing import header, layouts, plan, profiles
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.bulk import collector_paused, indexes_deferred
from shop_orders.store.db import Database
from shop_orders.store.models import Order

Progress = Callable[[str, int, int], None]  # (stage, done, total)
MAX_LISTED = 20
CHUNK = 5000


class ImportFileError(ShopOrdersError):
    """The file cannot be imported as it is; nothing was written."""


class ImportCancelled(ShopOrdersError):
    """The person cancelled; the transaction was rolled back."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    refused: int
    skipped_invalid: int


class ImportAmbiguous(ImportFileError):
    """Two profiles fit the file equally well; `match` holds them for the person to choose."""

    def __init__(self, message: str, match: header.HeaderMatch) -> None:
        super().__init__(message)
        self.match = match


def prepare(db: Database, path: Path, channel: str = "auto", progress: Progress | None = None,
            cancelled: Callable[[], bool] | None = None, *, choose_first: bool = False,
            currency: str | None = None, actor: Actor | None = None) -> plan.ImportPlan:
    """Read and check a file against the store; writes nothing. `cancelled` is asked at every
    progress report (each block of rows): True stops with ImportCancelled. When two profiles fit
    equally well, ImportAmbiguous names them (the person chooses with `channel`), unless
    `choose_first`, which takes the first and keeps the others in `plan.match.others`.
    `currency` is the currency of the amounts of a file that has no currency column (default:
    the layout's usual one). `actor` is who imports: what their role may not do (ship or complete
    orders) is left out and reported (plan.refused); the write checks it again."""
    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)
        if cancelled is not None and cancelled():
            raise ImportCancelled(t("Checking the file was cancelled; nothing was written."))

    if currency is not None and not re.fullmatch(r"[A-Za-z]{3}", currency.strip()):
        raise ImportFileError(t("'{text}' is not a three-letter currency code", text=currency[:20]))
    with collector_paused():
        return _prepare(db, path, channel, report, choose_first, currency.strip().upper() if currency else None,
                        actor)


def candidate_profiles(session: Session, channel: str = "auto") -> list[profiles.Profile]:
    """The profiles a file may be read with: custom ones first, then the built-in layouts, each
    with the status words the shop mapped for it; one profile when `channel` names it."""
    words = settings.get_status_words(session)
    custom = settings.get_custom_profiles(session)
    found = [*custom, *layouts.BUILT_IN] if channel == "auto" else [layouts.by_code(channel, custom)]
    return [p.with_words(words.get(p.code, {})) for p in found]


def _prepare(db: Database, path: Path, channel: str, progress: Progress, choose_first: bool,
             currency: str | None, actor: Actor | None) -> plan.ImportPlan:
    with db.read_session() as s:
        try:
            candidates = candidate_profiles(s, channel)
        except ValueError as exc:
            raise ImportFileError(str(exc)) from None
        shop_tz = settings.get_timezone(s)
    progress("read", 0, 1)
    now = datetime.now(UTC)
    try:
        src = readers.stream(path)
        top = list(itertools.islice(src.rows, header.SCAN_ROWS))
        match = header.detect(top, candidates, path.name)
        if currency is not None:
            match = dataclasses.replace(match, profile=dataclasses.replace(match.profile, currency=currency))
        if match.ambiguous and not choose_first:
            raise ImportAmbiguous(str(header.ambiguity_error(match, path.name)), match)
        p = plan.ImportPlan(path.name, match.profile, match.row + 1, match=match)
        p.orders, p.problems, p.skipped_rows = plan.check(
            itertools.chain(top, src.rows), match, path.name, shop_tz, now, total=src.total,
            progress=lambda d, t_: progress("check", d, t_))
    except (readers.ReadError, header.HeaderNotFound) as exc:
        raise ImportFileError(str(exc)) from None
    plan.compare(db, p, actor)
    return p


def describe_problems(p: plan.ImportPlan) -> str:
    lines = [str(x) for x in p.problems[:MAX_LISTED]]
    if len(p.problems) > MAX_LISTED:
        lines.append(t("... and {count} more problems", count=len(p.problems) - MAX_LISTED))
    return "\n".join(lines)


def kept(p: plan.ImportPlan, skip_invalid: bool) -> tuple[list[plan.ImportedOrder], list[plan.Update]]:
    """The planned creates and updates that an import writes: all of them, or, skipping the
    rows with problems, those not on such a row. The preview and the import both count these."""
    bad = p.invalid_rows() if skip_invalid else set()
    return [o for o in p.creates if o.first_row not in bad], [u for u in p.updates if u.row not in bad]


def outcome(p: plan.ImportPlan, skip_invalid: bool) -> ImportResult:
    """What applying the plan does, counted before it is done (the dialog's preview) and the
    result an import reports after it (apply returns this for the plan it wrote)."""
    creates, updates = kept(p, skip_invalid)
    skipped = len(p.creates) - len(creates) + len(p.updates) - len(updates)
    return ImportResult(len(creates), len(updates), p.unchanged, len(p.refused), skipped)


def apply(db: Database, ctx: ChangeContext, p: plan.ImportPlan, *, skip_invalid: bool = False,
          progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Create and update the planned orders in one transaction through the order services."""
    with collector_paused():
        return _apply(db, ctx, p, skip_invalid, progress, cancelled)


def _apply(db: Database, ctx: ChangeContext, p: plan.ImportPlan, skip_invalid: bool, progress: Progress | None,
           cancelled: Callable[[], bool] | None) -> ImportResult:
    if p.problems and not skip_invalid:
        raise ImportFileError(t("{count} problems in {file}; nothing was imported:", count=len(p.problems),
                                file=p.file) + "\n" + describe_problems(p))
    creates, updates = kept(p, skip_invalid)
    total = len(creates) + len(updates)
    done = 0
    with UnitOfWork(db) as uow:
        with indexes_deferred(uow.session, (Order.__table__,), len(creates)):  # rebuilt before commit
            for i in range(0, len(creates), CHUNK):
                drafts = [imp.to_draft() for imp in creates[i:i + CHUNK]]
                try:
                    orders.create_orders_bulk(uow, ctx, drafts)
                except ShopOrdersError as exc:
                    raise ImportFileError(t("{file}: {problem}", file=p.file, problem=exc)) from None
                done += len(drafts)
                _tick(progress, cancelled, done, total, force=True)
        def each() -> None:
            nonlocal done
            done += 1
            _tick(progress, cancelled, done, total)

        orders.apply_channel_updates(uow, ctx, [(u.order_id, {k: v[1] for k, v in u.changes.items()}, u.version)
                                                for u in updates], each)
        if p.cancelled_on_channel:  # the customer cancelled on the channel what has shipped here
            rules.channel_cancelled(uow, ctx, p.cancelled_on_channel)
        if cancelled is not None and cancelled():
            raise ImportCancelled(t("The import was cancelled; nothing was written."))
        uow.commit()
    return outcome(p, skip_invalid)


def _tick(progress: Progress | None, cancelled: Callable[[], bool] | None, done: int, total: int,
          force: bool = False) -> None:
    if force or done % 200 == 0 or done == total:
        if progress is not None:
            progress("write", done, total)
        if cancelled is not None and cancelled():
            raise ImportCancelled(t("The import was cancelled; nothing was written."))
