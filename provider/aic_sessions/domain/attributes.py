"""The declarative attribute tables of the realm-settings resources, and what derives from them.

One `Attribute` row per managed setting says where it lives on the server (the section of the
realm's authentication settings, or the realm Session service), its name on the server, type,
bounds, default and documentation. From a table come: the provider's input model (bounds
included), the `check` hints, observation (what the server shows), the partial updates and
restores, the stack-configuration schema of the section, the resource's constructor parameter
docs and the table of docs/resources.md. Adding a setting is one row plus its typed key in the
resource's options (`JourneyOptions`, `AuthenticatedOptions`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from aic_sessions.client.values import StateManagement
from aic_sessions.domain.names import to_snake

if TYPE_CHECKING:  # the wire models load where a document is read or written (`patches`)
    from aic_sessions.client.models import (
        AuthenticationSettings,
        AuthenticationSettingsPatch,
        SessionServicePatch,
        SessionServiceSettings,
    )

Section = Literal["trees", "general", "session"]
"""`trees` / `general`: sections of the realm's authentication settings; `session`: the realm
Session service (which a realm may not have: see `SESSION_SERVICE`)."""
SESSION_SERVICE = "sessionService"  # priorSettings key: "absent" when the realm had none
ABSENT = "absent"


@dataclass(frozen=True)
class Attribute:
    """One managed setting. `default=None`: unmanaged unless set."""

    name: str  # camelCase: input, state, stack config and policies
    section: Section
    wire: str  # the AM attribute's name in its section (`dynamic` for the Session service)
    kind: type  # int, bool or an enum
    doc: str  # one sentence for the constructor and the docs
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    note: str = ""  # doc-table constraints after the bounds, e.g. the AM attribute
    hint: str = ""  # the fix in a `check` failure; derived from minute bounds when empty

    @property
    def python_name(self) -> str:
        return to_snake(self.name)

    @property
    def optional(self) -> bool:
        return self.default is None

    def fix(self) -> str:
        if self.hint:
            return self.hint
        if self.minimum is not None and self.maximum is not None:
            tail = (
                f" (the default is {self.default})" if not self.optional else ", or leave it unset"
            )
            return f"Use whole minutes from {self.minimum} to {self.maximum}{tail}."
        return ""

    def coerce(self, value: Any) -> Any:
        """Numbers arrive from the engine as floats; AM wants integers."""
        return int(value) if self.kind is int and value is not None else value


Table = tuple[Attribute, ...]

# The tables ------------------------------------------------------------------------------------

JOURNEY: tuple[Attribute, ...] = (
    Attribute(
        "stateManagement",
        "trees",
        "authenticationSessionsStateManagement",
        StateManagement,
        "Where journey sessions live: `CTS` (server-side), `JWT` (client-side) or `IN_MEMORY` "
        "(self-managed AM only)",
        default=StateManagement.CTS,
        note="`CTS` (server-side), `JWT` (client-side), `IN_MEMORY` (self-managed AM only: "
        "refused at `preview` for an AIC host name, or where the deployment signs in with a "
        "service account)",
        hint="Use 'CTS' (server-side, required by policy), 'JWT' or 'IN_MEMORY'.",
    ),
    Attribute(
        "maxDurationMinutes",
        "trees",
        "authenticationSessionsMaxDuration",
        int,
        "Maximum journey duration in minutes",
        default=5,
        minimum=1,
        maximum=1440,
    ),
    Attribute(
        "suspendedTimeoutMinutes",
        "trees",
        "suspendedAuthenticationTimeout",
        int,
        "Suspended-journey timeout in minutes",
        minimum=1,
        maximum=43200,
    ),
    Attribute(
        "allowlisting",
        "trees",
        "authenticationSessionsWhitelist",
        bool,
        "Journey-session allowlisting",
    ),
)

AUTHENTICATED: tuple[Attribute, ...] = (
    Attribute(
        "clientSideSessions",
        "general",
        "statelessSessionsEnabled",
        bool,
        '`False` for server-side sessions ("Use Client-Side Sessions" cleared), `True` for '
        "client-side sessions",
        default=False,
        note='`False` = server-side sessions ("Use Client-Side Sessions" cleared)',
        hint="Use false for server-side sessions (required by policy) or true.",
    ),
    Attribute(
        "maxSessionTimeMinutes",
        "session",
        "maxSessionTime",
        int,
        "Session service `maxSessionTime`, in minutes",
        minimum=1,
        maximum=525600,
        note="(Session service `maxSessionTime`)",
    ),
    Attribute(
        "maxIdleTimeMinutes",
        "session",
        "maxIdleTime",
        int,
        "Session service `maxIdleTime`, in minutes",
        minimum=1,
        maximum=525600,
        note="(Session service `maxIdleTime`)",
    ),
    Attribute(
        "quotaLimit",
        "session",
        "quotaLimit",
        int,
        "Session service `quotaLimit`: the most sessions one user may have at once",
        minimum=1,
        maximum=2147483647,  # AM stores it as a Java int
        note="(Session service `quotaLimit`)",
        hint=(
            "Use a whole number of sessions, at least 1 and at most 2147483647 (AM stores an "
            "int), or leave it unset."
        ),
    ),
    Attribute(
        "maxCachingTimeMinutes",
        "session",
        "maxCachingTime",
        int,
        "Session service `maxCachingTime`: how long a client may cache a session's details, "
        "in minutes",
        minimum=1,
        maximum=525600,
        note="(Session service `maxCachingTime`)",
    ),
)

# Every row by its name: where the client's typed views take the attributes' AM names from.
BY_NAME: dict[str, Attribute] = {a.name: a for a in (*JOURNEY, *AUTHENTICATED)}

# The stack configuration's section of each table (`journey:`, `authenticated:` of a realm).
STATIC_SECTIONS: dict[str, Table] = {"journey": JOURNEY, "authenticated": AUTHENTICATED}


# Derivations -------------------------------------------------------------------------------------


def hints(table: Table) -> dict[str, str]:
    return {a.name: a.fix() for a in table if a.fix()}


def input_model(name: str, base: type[BaseModel], table: Table) -> type[BaseModel]:
    """The provider's inputs: the table's attributes (bounds included) and `onDelete` (the
    realm's baseline travels under an engine-internal key: `resources.base.BASELINE`)."""
    fields: dict[str, Any] = {
        a.name: (
            a.kind | None if a.optional else a.kind,
            Field(None if a.optional else ..., ge=a.minimum, le=a.maximum),
        )
        for a in table
    }
    fields["onDelete"] = (Literal["restore", "retain"], "restore")
    model: type[BaseModel] = create_model(name, __base__=base, **fields)
    return model


class ConfigSection(BaseModel):
    """A stack-configuration section (`journey:`, `authenticated:`); fields come from a table."""

    model_config = ConfigDict(defer_build=True, extra="forbid", populate_by_name=True)

    def options(self) -> dict[str, Any]:
        """The section as the resource's keyword arguments (snake_case)."""
        return {to_snake(name): _plain(value) for name, value in self}


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def config_model(name: str, table: Table) -> type[ConfigSection]:
    """The stack-configuration schema of one section: the table's defaults and bounds."""
    fields: dict[str, Any] = {
        a.name: (
            a.kind | None if a.optional else a.kind,
            Field(a.default, ge=a.minimum, le=a.maximum),
        )
        for a in table
    }
    model: type[ConfigSection] = create_model(name, __base__=ConfigSection, **fields)
    return model


class UnknownKeyword(TypeError):
    """A keyword no attribute of the table has (a TypeError, as Python's own keyword checks)."""


def keyword_values(owner: str, table: Table, given: Mapping[str, Any]) -> dict[str, Any]:
    """A resource's attribute keywords (snake_case), the table's defaults where not given; an
    unknown keyword fails naming the nearest valid one (`owner`: who was given it)."""
    from aic_sessions.domain.nearest import did_you_mean

    names = [a.python_name for a in table]
    for name in given:
        if name not in names:
            raise UnknownKeyword(
                f"{owner} got an unknown keyword argument '{name}'{did_you_mean(name, names)}; "
                f"the valid ones: {', '.join(names)}"
            )
    return {a.python_name: given.get(a.python_name, _plain(a.default)) for a in table}


def managed(table: Table, props: Mapping[str, Any]) -> list[Attribute]:
    """The attributes `props` manages: the required ones and the optional ones it sets."""
    return [a for a in table if not a.optional or props.get(a.name) is not None]


def uses_session_service(attributes: Iterable[Attribute]) -> bool:
    return any(a.section == "session" for a in attributes)


def observe(
    attributes: Iterable[Attribute],
    settings: AuthenticationSettings | None,
    service: SessionServiceSettings | None,
) -> dict[str, Any]:
    """What the server shows of `attributes`; None where it shows nothing (a missing section,
    attribute or Session service is unknown, not a default)."""
    sections: dict[str, Any] = {
        "trees": settings.trees if settings else None,
        "general": settings.general if settings else None,
        "session": service,
    }
    values = {}
    for a in attributes:
        section = sections[a.section]
        values[a.name] = section.wire_value(a.wire) if section is not None else None
    return values


def shown(values: Mapping[str, Any]) -> dict[str, Any]:
    """Only what the server showed: an unknown prior value is never recorded."""
    return {k: v for k, v in values.items() if v is not None}


def patches(
    table: Table, values: Mapping[str, Any]
) -> tuple[AuthenticationSettingsPatch, SessionServicePatch]:
    """Partial updates of the authentication settings and of the Session service for `values`
    (attribute name -> value; None is not sent), by the attributes' AM names. Bounds are the
    input model's: restored values are the tenant's own and are put back as they were."""
    from aic_sessions.client.models import AuthenticationSettingsPatch, SessionServicePatch

    by_name = {a.name: a for a in table}
    auth: dict[str, dict[str, Any]] = {}
    session: dict[str, Any] = {}
    for name, value in values.items():
        attribute = by_name.get(name)
        if attribute is None or value is None:
            continue
        wire_value = _plain(attribute.coerce(value))
        if attribute.section == "session":
            session[attribute.wire] = wire_value
        else:
            auth.setdefault(attribute.section, {})[attribute.wire] = wire_value
    return AuthenticationSettingsPatch(attributes=auth), SessionServicePatch(attributes=session)


def has_session_values(patch: SessionServicePatch) -> bool:
    return bool(patch.to_api()["dynamic"])


# Documentation --------------------------------------------------------------------------------


def _type_name(a: Attribute) -> str:
    return {int: "int", bool: "bool"}.get(a.kind, "string")


def _default_text(a: Attribute) -> str:
    if a.optional:
        return "unmanaged"
    return f"`{a.default.value if isinstance(a.default, StateManagement) else a.default}`"


def _bounds(a: Attribute) -> str:
    if a.minimum is not None and a.maximum is not None:
        return f"{a.minimum} to {a.maximum}"
    return f"at least {a.minimum}" if a.minimum is not None else ""


def _constraints(a: Attribute) -> str:
    bounds = _bounds(a)
    return " ".join(part for part in (bounds, a.note) if part)


ON_DELETE_ROW = (
    "| `on_delete` | string | `restore` | `restore`: `destroy` writes the prior values back; "
    "`retain`: leaves the realm as it is (as Pulumi's `retain_on_delete` does) |"
)


def _row(*cells: str) -> str:
    return ("| " + " | ".join(cells) + " |").replace("|  |", "| |")


def readme_table(table: Table) -> str:
    """A property table of docs/resources.md (`python -m aic_sessions.domain.attributes`)."""
    rows = [
        "| property | type | default | constraints |",
        "|---|---|---|---|",
        *(
            _row(f"`{a.python_name}`", _type_name(a), _default_text(a), _constraints(a))
            for a in table
        ),
        ON_DELETE_ROW,
    ]
    return "\n".join(rows)


def param_docs(table: Table) -> str:
    """`:param` lines of the table's constructor parameters."""
    lines = []
    for a in table:
        bounds = f", {_bounds(a)}" if _bounds(a) else ""
        tail = "; `None` leaves it unmanaged" if a.optional else f" (default {_default_text(a)})"
        lines.append(f"        :param {a.python_name}: {a.doc}{bounds}{tail}.")
    return "\n".join(lines)


def constructor_doc(summary: str, table: Table) -> str:
    """The docstring of a settings resource's `__init__`, its parameters from the table."""
    return f"""{summary}

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param base_url: The tenant's AM URL, e.g. `https://tenant.forgeblocks.com/am` (the
            same URL in another spelling, e.g. a trailing `/`, is the same tenant). Changing
            it replaces the resource.
        :param realm: The realm, e.g. `alpha` (nested: `parent/child`; `/alpha` and
            `root/alpha` are `alpha`). Changing it replaces the resource.
{param_docs(table)}
        :param baseline: The realm's observed values before this deployment's first write
            (camelCase keys as in `prior_settings`); when given, the prior values of the
            managed attributes are taken from it instead of being read from the realm.
        :param on_delete: `restore` (default): `pulumi destroy` writes the prior values
            back; `retain`: the realm keeps the managed values (the same as Pulumi's
            `retain_on_delete=True` resource option).
        :param assert_only: Never write (an environment that refuses static writes, such as
            an AIC staging tenant): create and update fail, naming the missing promotion, when
            the realm differs from these values; destroy writes nothing back.
        :param promotes_from: The stack of the environment below, named in those failures.
        :param promotion_id: The promotion that brought the values (`Promotion.promotion_id`):
            when it changes, the realm is read and asserted again.
        :param opts: Pulumi resource options.
        """


if __name__ == "__main__":  # `python -m aic_sessions.domain.attributes`: the docs' tables
    for title, table in (
        ("JourneySessionSettings", JOURNEY),
        ("AuthenticatedSessionSettings", AUTHENTICATED),
    ):
        print(f"{title}:\n{readme_table(table)}\n")
