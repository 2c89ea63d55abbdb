"""Finding the header row (under title rows, notes and merged cells) and the channel profile."""

from __future__ import annotations

from dataclasses import dataclass

from shop_orders.services.importing.profiles import Profile, norm

SCAN_ROWS = 30


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # 0-based index of the header row
    profile: Profile
    columns: dict[str, int]  # field -> column index
    headers: list[str]  # the header row as written


class HeaderNotFound(ValueError):
    """No row in the top of the file looks like the header of a known (or the chosen) profile."""


def match_row(cells: list[str], profile: Profile) -> dict[str, int]:
    index = {}
    for i, c in enumerate(cells):
        index.setdefault(c, i)
    mapped = {}
    for fld, aliases in profile.columns.items():
        for alias in aliases:
            i = index.get(norm(alias))
            if i is not None:
                mapped[fld] = i
                break
    return mapped


def detect(rows: list[list], profiles: list[Profile], file_name: str) -> HeaderMatch:
    best: tuple[int, HeaderMatch] | None = None
    for r, row in enumerate(rows[:SCAN_ROWS]):
        cells = [norm(c) for c in row]
        if sum(1 for c in cells if c) < 2:
            continue  # title rows and notes: one merged cell of text
        for profile in profiles:
            mapped = match_row(cells, profile)
            if "channel_order_no" not in mapped:
                continue
            sig = sum(1 for s in profile.signature if norm(s) in cells)
            if profile.signature and sig < len(profile.signature) and len(profiles) > 1:
                continue
            score = len(mapped) + 3 * sig
            if best is None or score > best[0]:
                headers = ["" if c is None else str(c).strip() for c in row]
                best = (score, HeaderMatch(r, profile, mapped, headers))
    if best is None:
        names = ", ".join(p.name for p in profiles)
        raise HeaderNotFound(
            f"{file_name}: no header row found; none of the first {SCAN_ROWS} rows has the columns of "
            f"{'the chosen profile' if len(profiles) == 1 else 'a known channel export'} ({names}). "
            "Choose a profile or map the columns."
        )
    return best[1]
