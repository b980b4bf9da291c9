"""A promotion group: development, optional UAT(s), staging and production tenants in order.

Each member is an `aic`-flavour `Emulator` on its own port; the group knows the order, gives
every upper tenant a `Promotions` that pulls from the tenant below, and decides which requests
a member refuses (`refusal`), checked after faults by the app's request hook:

- an upper tenant (every role but development) refuses static-configuration writes (realm
  settings, the Session service, journeys, scripts, any other realm or global config, IDM
  config) with the inferred immutable answer;
- a tenant locked for a promotion (as the upper or the lower side of a pair) refuses those
  writes and every ESV call with the inferred locked answer; logins and reads keep working.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from aic_sessions.client import inferred

from aic_emulator.errors import EmulatorError, StatusError
from aic_emulator.promotion import UNLOCKED, Promotions

ROLES = ("development", "uat", "staging", "production")
WRITE_METHODS = {"PUT", "POST", "DELETE", "PATCH"}
READ_ACTIONS = {"schema", "template", "nextdescendents", "getAllTypes", "getCreatableTypes"}
STATIC_MARKERS = ("/realm-config/", "/global-config/", "/scripts", "/authenticationtrees/")
ESV_PREFIXES = ("/environment/secrets", "/environment/variables", "/environment/startup")


def is_static_write(method: str, path: str, action: str | None) -> bool:
    """A write of static configuration (AM realm/global config, scripts, journeys, IDM config)."""
    if method not in WRITE_METHODS or action in READ_ACTIONS:
        return False
    if path.startswith("/openidm/config"):
        return True
    return path.startswith("/am/json/") and any(m in path for m in STATIC_MARKERS)


@dataclass
class Member:
    name: str
    role: str
    emulator: Any


class PromotionGroup:
    """The ordered tenants of one promotion group (lowest first)."""

    def __init__(self, members: list[tuple[str, str, Any]]) -> None:
        self.members = [Member(*m) for m in members]
        check_order([(m.name, m.role) for m in self.members])
        self.promotions: dict[str, Promotions] = {}
        for lower, upper in itertools.pairwise(self.members):
            self.promotions[upper.name] = Promotions(lower.emulator, upper.emulator)
        for member in self.members:
            if member.emulator.store.flavour != "aic":
                raise ValueError(f"tenant {member.name!r}: a promotion group is AIC only")
            member.emulator.group, member.emulator.tenant = self, member

    def member(self, emulator: Any) -> Member:
        return next(m for m in self.members if m.emulator is emulator)

    def promotions_of(self, emulator: Any) -> Promotions | None:
        """The promotions API of a tenant (None for the lowest one)."""
        return self.promotions.get(self.member(emulator).name)

    def settle(self) -> None:
        for promotions in self.promotions.values():
            promotions.settle()

    def pairs_of(self, emulator: Any) -> list[Promotions]:
        """The pairs a tenant is part of (as upper or lower)."""
        return [p for p in self.promotions.values() if emulator in (p.lower, p.upper)]

    def locked(self, emulator: Any) -> bool:
        return any(p.lock_value() != UNLOCKED for p in self.pairs_of(emulator))

    def busy(self, promotions: Promotions) -> bool:
        """Another pair holds one of this pair's tenants."""
        others = [p for p in self.promotions.values() if p is not promotions]
        tenants = (promotions.lower, promotions.upper)
        return any(p.lock_value() != UNLOCKED and {p.lower, p.upper} & set(tenants) for p in others)

    def refusal(
        self, emulator: Any, method: str, path: str, action: str | None
    ) -> EmulatorError | None:
        static = is_static_write(method, path, action)
        if static and self.member(emulator).role != "development":
            return StatusError(inferred.IMMUTABLE_WRITE_STATUS, inferred.IMMUTABLE_WRITE_MESSAGE)
        esv = path.startswith(ESV_PREFIXES) and (
            method in WRITE_METHODS or inferred.LOCKED_REFUSES_ESV_READS
        )
        if (static or esv) and self.locked(emulator):
            return StatusError(inferred.LOCKED_STATUS, inferred.LOCKED_MESSAGE)
        return None


def check_order(members: list[tuple[str, str]]) -> None:
    """Development first, then any UATs, then at most one staging and one production."""
    if not members or members[0][1] != "development":
        raise ValueError("a promotion group starts with its development tenant")
    ranks = [ROLES.index(role) if role in ROLES else -1 for _, role in members]
    if -1 in ranks:
        raise ValueError(f"roles must be among {', '.join(ROLES)}")
    names = [name for name, _ in members]
    if len(set(names)) != len(names):
        raise ValueError("tenant names must be unique")
    for before, after in itertools.pairwise(ranks):
        if after < before or (after == before and ROLES[after] != "uat"):
            raise ValueError(
                "roles must go up the order development, uat (any number), staging, production"
            )
