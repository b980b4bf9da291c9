"""The nearest valid name to a misspelt one, for messages that say "did you mean ...?"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to `name`: a different case first, then one that extends it or
    that it extends (`prod` -> `production`), then the closest spelling; None if none is close."""
    choices = list(candidates)
    by_case = {c.lower(): c for c in choices}
    lowered = name.strip().lower()
    if lowered in by_case:
        return by_case[lowered]
    prefixed = [c for c in by_case if lowered and (c.startswith(lowered) or lowered.startswith(c))]
    if prefixed:
        return by_case[prefixed[0]]
    close = difflib.get_close_matches(lowered, list(by_case), n=1, cutoff=cutoff)
    return by_case[close[0]] if close else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """` (did you mean X?)`, or "" when nothing is close."""
    found = nearest(name, candidates)
    return f" (did you mean {found}?)" if found else ""
