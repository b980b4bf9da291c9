"""The nearest valid name to a misspelt one, for messages that say "did you mean ...?"."""

from __future__ import annotations

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
    import difflib  # only for a misspelt name

    close = difflib.get_close_matches(lowered, list(by_case), n=1, cutoff=cutoff)
    return by_case[close[0]] if close else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """` (did you mean X?)`, or "" when nothing is close."""
    found = nearest(name, candidates)
    return f" (did you mean {found}?)" if found else ""


def one_typo_from(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate `name` misspells by one typo: two neighbouring letters swapped, one letter
    changed, or one left out (`prdo`, `prid`, `prd` -> `prod`). A longer name (`prod2`) is not a
    typo: it may well be a name of its own. None when there is none."""
    for candidate in candidates:
        if name == candidate:
            return None
    for candidate in candidates:
        if _one_typo(name, candidate):
            return candidate
    return None


def _one_typo(name: str, candidate: str) -> bool:
    if len(name) == len(candidate):
        diffs = [i for i, (a, b) in enumerate(zip(name, candidate, strict=True)) if a != b]
        swapped = (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and name[diffs[0]] == candidate[diffs[1]]
            and name[diffs[1]] == candidate[diffs[0]]
        )
        return len(diffs) == 1 or swapped
    if len(name) == len(candidate) - 1:
        return any(candidate[:i] + candidate[i + 1 :] == name for i in range(len(candidate)))
    return False
