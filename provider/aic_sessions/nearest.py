"""The nearest valid name to a misspelt one, for messages that say "did you mean ...?"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `name` (a different case first), or None if none is close."""
    choices = list(candidates)
    by_case = {c.lower(): c for c in choices}
    if name.lower() in by_case:
        return by_case[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(by_case), n=1, cutoff=0.6)
    return by_case[close[0]] if close else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """` (did you mean X?)`, or "" when nothing is close."""
    found = nearest(name, candidates)
    return f" (did you mean {found}?)" if found else ""
