"""A levels file (`--levels FILE`, the shape of the shipped `environments.yaml`) checked before
it is used: a misspelt policy or setting would otherwise be ignored, and its rule silently not
enforced. Every policy and its settings come from the pack itself (its config schemas)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aic_sessions.domain.nearest import did_you_mean

LEVELS = ("advisory", "mandatory", "remediate", "disabled")  # Pulumi's enforcement levels


class LevelsError(ValueError):
    """The file's problems, one per line, each naming where and the fix."""


def known_settings() -> dict[str, tuple[str, ...]]:
    """Each policy of the pack and the settings its config schema takes."""
    from aic_sessions.policy_pack.pack import ALL_POLICIES

    found: dict[str, tuple[str, ...]] = {}
    for policy in ALL_POLICIES:
        schema = getattr(policy, "config_schema", None)
        found[policy.name] = tuple(schema.properties) if schema is not None else ()
    return found


def check_levels(settings: Any) -> None:
    """Raise `LevelsError` listing every unknown policy or setting, wrong level, and pair of
    bounds whose minimum exceeds its maximum (defaults merged into each environment)."""
    problems = list(_problems(settings))
    if problems:
        raise LevelsError("\n".join(problems))


def _problems(settings: Any) -> Iterator[str]:
    if not isinstance(settings, Mapping):
        yield "the file must hold `defaults:` and `environments:` mappings"
        return
    for key in settings:
        if key not in ("defaults", "environments"):
            yield f"{key}: unknown section{did_you_mean(str(key), ['defaults', 'environments'])}"
    known = known_settings()
    defaults = settings.get("defaults") or {}
    yield from _section("defaults", defaults, known)
    environments = settings.get("environments") or {}
    if not isinstance(environments, Mapping):
        yield "environments: must map environment names to policies"
        return
    yield from _bounds("defaults", {}, defaults)
    for name, policies in environments.items():
        yield from _section(f"environments.{name}", policies or {}, known)
        yield from _bounds(f"environments.{name}", defaults, policies or {})


def _section(where: str, policies: Any, known: dict[str, tuple[str, ...]]) -> Iterator[str]:
    if not isinstance(policies, Mapping):
        yield f"{where}: must map policy names to their settings"
        return
    for policy, values in policies.items():
        if policy not in known:
            hint = did_you_mean(str(policy), known) or f"; the pack's: {', '.join(known)}"
            yield f"{where}.{policy}: no such policy{hint}"
            continue
        if not isinstance(values, Mapping):
            yield f"{where}.{policy}: must map settings to values"
            continue
        for key, value in values.items():
            if key == "enforcementLevel":
                if value not in LEVELS:
                    yield (
                        f"{where}.{policy}.enforcementLevel: {value!r} is none of "
                        f"{', '.join(LEVELS)} (lowercase)"
                    )
            elif key not in known[policy]:
                names = ["enforcementLevel", *known[policy]]
                hint = did_you_mean(str(key), names) or f"; it takes: {', '.join(names)}"
                yield f"{where}.{policy}.{key}: not a setting of {policy}{hint}"


def _bounds(where: str, defaults: Any, policies: Any) -> Iterator[str]:
    """`minX` above `maxX` of one policy, the section's values over the defaults (what
    `_section` reports as malformed is skipped here)."""
    if not isinstance(policies, Mapping):
        return
    for policy, values in policies.items():
        base = defaults.get(policy) if isinstance(defaults, Mapping) else None
        if not isinstance(values, Mapping):
            continue
        merged = {**(base if isinstance(base, Mapping) else {}), **values}
        for key, low in merged.items():
            high = merged.get("max" + str(key)[3:]) if str(key).startswith("min") else None
            if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
                yield f"{where}.{policy}: {key} {low} is above max{str(key)[3:]} {high}"
