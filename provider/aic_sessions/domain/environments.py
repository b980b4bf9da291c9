"""The environment model: which platform a stack's tenant runs on, and its place in a chain.

Self-managed AM (`am`): every environment is mutable; each stack writes its own tenant.
Advanced Identity Cloud (`aic`): a promotion group whose development stage is mutable, while
UAT, staging and production change their static configuration (realm settings, the Session
service, journeys...) only by a promotion from the stage below; their dynamic configuration
(ESV values, the restart that loads them) is written by their own stack. One table of truth for
the stage names, their order and which stage may promote into which.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from aic_sessions.domain.nearest import nearest

Platform = Literal["am", "aic"]
Stage = Literal["development", "uat", "staging", "production"]

PLATFORMS: Final[tuple[Platform, ...]] = ("am", "aic")
STAGES: Final[tuple[Stage, ...]] = ("development", "uat", "staging", "production")
MUTABLE_STAGES: Final[tuple[Stage, ...]] = ("development",)
# Advanced Identity Cloud refuses realm configuration under its root realm (aic-api reference:
# 403, "This operation is not available in PingOne Advanced Identity Cloud."): one wording for
# the stack config's refusal, the client's error and verify's cause.
AIC_ROOT_REFUSAL: Final = "not available in PingOne Advanced Identity Cloud"
AIC_ROOT_REALM: Final = (
    "on Advanced Identity Cloud the root realm's configuration is not yours to change (its "
    f"admin API answers 403, '{AIC_ROOT_REFUSAL}')"
)
# The stage below each upper stage: a promotion never skips an environment.
PROMOTES_FROM: Final[dict[Stage, tuple[Stage, ...]]] = {
    "uat": ("development", "uat"),
    "staging": ("development", "uat"),
    "production": ("staging",),
}


def is_upper(platform: str, stage: str | None) -> bool:
    """Whether static configuration is immutable there (it arrives only by promotion)."""
    return platform == "aic" and stage is not None and stage not in MUTABLE_STAGES


def sequential(stage: str, lower_stage: str | None) -> bool:
    """Whether `stage` may promote from an environment at `lower_stage`."""
    return lower_stage in PROMOTES_FROM.get(stage, ())  # type: ignore[call-overload]


def unknown_name(what: str, value: str, choices: Sequence[str]) -> str:
    """The message for a name outside `choices`, with the nearest valid one."""
    guess = nearest(value, choices, cutoff=0.5)
    hint = f"; did you mean {guess!r}?" if guess else ""
    return f"unknown {what} {value!r}{hint} (valid: {', '.join(choices)})"
