"""Finding the header row (under title rows, notes and merged cells) and the channel profile.

A layout is recognised from its columns wherever they stand: reordered, among extra columns, or
with optional ones missing. A profile fits a header row when the row has its order number column
and every column of its `identity` (the columns that tell its layout from the others); custom
profiles, which have no identity, fit when the row has at least 60% of their columns. Among the
profiles that fit, the one that uses the most columns of the row wins; two that use as many
columns each are both offered, and the person (or `--channel`) chooses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shop_orders.domain.messages import t
from shop_orders.services.importing.profiles import Profile, norm

SCAN_ROWS = 30
CUSTOM_SHARE = 0.6


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # 0-based index of the header row
    profile: Profile
    columns: dict[str, int]  # field -> column index
    headers: list[str]  # the header row as written
    known: int = 0  # how many fields the profile knows
    others: tuple[Profile, ...] = field(default=())  # profiles that fit as well: the person chooses

    @property
    def ambiguous(self) -> bool:
        return bool(self.others)

    def used(self) -> list[tuple[str, str]]:
        """(field, the header of the column it is read from), in the file's column order."""
        return sorted(((f, self.headers[i]) for f, i in self.columns.items() if i < len(self.headers)),
                      key=lambda x: self.columns[x[0]])

    def quality(self) -> str:
        """'14 of 22 columns': how many of the profile's fields the file has."""
        return t("{found} of {known} columns", found=len(self.columns), known=self.known or len(self.columns))


class HeaderNotFound(ValueError):
    """No row in the top of the file looks like the header of a known (or the chosen) profile."""


class HeaderAmbiguous(ValueError):
    """Two profiles fit the file equally well: the person chooses."""

    def __init__(self, message: str, match: HeaderMatch) -> None:
        super().__init__(message)
        self.match = match


def match_row(cells: list[str], profile: Profile) -> dict[str, int]:
    """field -> column index for the normalised header cells; a field's aliases are tried in order
    (one column may serve two fields: a layout whose one amount is both the total and the paid)."""
    index: dict[str, int] = {}
    for i, c in enumerate(cells):
        index.setdefault(c, i)
    mapped: dict[str, int] = {}
    for fld, aliases in profile.columns.items():
        for alias in aliases:
            at = index.get(norm(alias))
            if at is not None:
                mapped[fld] = at
                break
    return mapped


def fits(profile: Profile, mapped: dict[str, int]) -> bool:
    if "channel_order_no" not in mapped:
        return False
    if profile.identity:
        return all(f in mapped for f in profile.identity)
    if profile.custom:
        return len(mapped) >= CUSTOM_SHARE * len(profile.columns)
    return True


def detect(rows: list[list], profiles: list[Profile], file_name: str) -> HeaderMatch:
    """The header row and the profile that fits it best (see the module docstring). When only
    one profile is given (chosen by the person), its order number column is enough."""
    chosen = len(profiles) == 1
    best: list[HeaderMatch] = []
    best_score = 0
    for r, row in enumerate(rows[:SCAN_ROWS]):
        cells = [norm(c) for c in row]
        if sum(1 for c in cells if c) < 2:
            continue  # title rows and notes: one merged cell of text
        for profile in profiles:
            mapped = match_row(cells, profile)
            if not (fits(profile, mapped) or (chosen and "channel_order_no" in mapped)):
                continue
            score = len({i for i in mapped.values()})
            if score < best_score:
                continue
            headers = ["" if c is None else str(c).strip() for c in row]
            m = HeaderMatch(r, profile, mapped, headers, len(profile.columns))
            if score > best_score:
                best, best_score = [m], score
            elif all(b.row == r for b in best):
                best.append(m)
    if not best and not chosen and (near := nearest(rows, profiles)) is not None:
        profile, found, missing = near
        raise HeaderNotFound(t("{file}: looks like a {layout} ({count} of its columns); missing {missing}: choose the "
                               "channel or map the columns.", file=file_name, layout=profile.label, count=found,
                               missing=", ".join(missing)))
    if not best:
        names = ", ".join(p.label for p in profiles)
        raise HeaderNotFound(t(
            "{file}: no header row found; none of the first {rows} rows has the columns of {which} ({names}). "
            "Choose a profile or map the columns.", file=file_name, rows=SCAN_ROWS,
            which=t("the chosen profile") if chosen else t("a known channel export"), names=names))
    first = best[0]
    if len(best) > 1:
        return HeaderMatch(first.row, first.profile, first.columns, first.headers, first.known,
                           tuple(b.profile for b in best[1:]))
    return first


NEAR = 3  # columns of a layout a header row must have to be said to look like it


def nearest(rows: list[list], profiles: list[Profile]) -> tuple[Profile, int, list[str]] | None:
    """The layout a header row comes closest to without fitting it: (the profile, how many of its
    columns the row has, the header names it misses of those that tell it apart), or None when no
    row has NEAR columns of any layout."""
    best: tuple[int, int, Profile, dict[str, int]] | None = None
    for row in rows[:SCAN_ROWS]:
        cells = [norm(c) for c in row]
        if sum(1 for c in cells if c) < 2:
            continue
        for n, profile in enumerate(profiles):
            if profile.custom:
                continue
            mapped = match_row(cells, profile)
            found = len(set(mapped.values()))
            if found >= NEAR and (best is None or found > best[0]):
                best = (found, n, profile, mapped)
    if best is None:
        return None
    found, _, profile, mapped = best
    needed = ["channel_order_no", *profile.identity]
    missing = [profile.columns[f][0] for f in needed if f not in mapped]
    return profile, found, missing


def ambiguity_error(match: HeaderMatch, file_name: str) -> HeaderAmbiguous:
    names = ", ".join(f"{p.label} ({p.code})" for p in (match.profile, *match.others))
    return HeaderAmbiguous(t("{file}: the columns fit more than one profile equally well: {names}. Choose one "
                             "(on the command line: --channel CODE).", file=file_name, names=names), match)
