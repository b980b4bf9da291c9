"""What a stack intends for each realm: the tenant, its realms and their session settings.

With a stack, the intent is what Pulumi resolves for it (project defaults and ESC environments
applied), read through the `pulumi` CLI without decrypting secrets
(`aic_sessions.program.stack_reader`): its configuration (`source="config"`, this repository's
program's schema, validated with `load_stack_config`), what this program deployed, its `baseUrl`
and `realms` outputs (`source="outputs"`), or, for any project, the session resources in the
stack's state (`source="resources"`: their tenant, realms and inputs, read without the
passphrase). By default a stack whose config lists `aic-sessions:realms` is read from its config,
any other from its resources. Without a stack, every realm gets the intended server-side setup:
journeys on CTS, server-side sessions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import SecretStr

from aic_sessions.client.realms import realm_display
from aic_sessions.client.values import StateManagement
from aic_sessions.domain.identity import ALLOW_INSECURE_HTTP, cleartext_off_machine
from aic_sessions.program import stack_reader
from aic_sessions.program.stack_config import load_stack_config
from aic_sessions.program.stack_reader import StackReadError
from aic_sessions.resources.exports import TYPE_PREFIX

STACK_KEYS = ("environment", "baseUrl", "realms")
Source = Literal["config", "outputs", "resources"]
T = TypeVar("T")


class IntentError(ValueError):
    """The stack or the flags do not say what to verify; the message says how to fix it."""


@dataclass(frozen=True)
class RealmIntent:
    """The session settings a realm should have."""

    realm: str
    # None: the stack leaves the realm's journeys unmanaged (`journey: false`, no journey
    # resource: a server without journey-session settings); the journey check then judges
    # what a journey's authId shows, as no scheme is declared.
    state_management: StateManagement | None = StateManagement.CTS
    client_side_sessions: bool = False
    signing_secret: SecretStr | None = None  # base64; checked against journeys when given
    esv_name: str | None = None  # the ESV storing the realm's signing secret (esv_loaded.py)


@dataclass(frozen=True)
class Target:
    """The tenant (None: take it from the environment) and the realms to verify."""

    base_url: str | None
    realms: tuple[RealmIntent, ...]
    stack: str | None = None
    allows_insecure_http: bool = False  # the stack's own `aic-sessions:allowInsecureHttp`


def from_flags(
    base_url: str | None, realms: Sequence[str], signing_secret: SecretStr | None = None
) -> Target:
    """The default intent (CTS, server-side) for each realm named on the command line; with a
    signing secret, journeys must be signed with it too."""
    if not realms:
        raise IntentError("Name the realms to verify with --realm (repeatable), or use --stack.")
    return Target(
        base_url,
        tuple(RealmIntent(_checked(name), signing_secret=signing_secret) for name in realms),
    )


def from_stack(
    project_dir: Path, stack: str, only: Sequence[str] = (), source: Source | None = None
) -> Target:
    """The tenant and realms of `stack` as Pulumi resolves it, optionally only some realms."""
    needs_config = source in (None, "config")
    config = _read(stack_reader.public_config, project_dir, stack) if needs_config else {}
    if source is None:
        source = "config" if "realms" in config else "resources"
    if source == "config":
        base_url, intents = _from_config(config)
    else:
        readers = {"outputs": _from_outputs, "resources": _from_resources}
        base_url, intents = readers[source](project_dir, stack)
    wanted = [realm_display(_checked(name)) for name in only] or list(intents)
    unknown = [name for name in wanted if name not in intents]
    if unknown:
        raise IntentError(
            f"Realm(s) {', '.join(unknown)} are not in stack {stack!r} "
            f"(it lists {', '.join(intents)})."
        )
    if cleartext_off_machine(base_url):  # the stack's switch counts here as for its resources
        config = config or _read(stack_reader.public_config, project_dir, stack)
    allows_http = config.get(ALLOW_INSECURE_HTTP) == "true"  # what the resources accept
    return Target(base_url, tuple(intents[name] for name in wanted), stack, allows_http)


def _from_config(values: dict[str, Any]) -> tuple[str, dict[str, RealmIntent]]:
    """The tenant and realm intents the stack's public config declares."""
    config = load_stack_config({key: values[key] for key in STACK_KEYS if key in values})
    intents = {
        realm_display(r.name): RealmIntent(
            r.name,
            None if r.journey is False else r.journey.stateManagement,
            r.authenticated.clientSideSessions,
            esv_name=r.esv_name,
        )
        for r in config.realms
    }
    return config.baseUrl, intents


def _from_outputs(project_dir: Path, stack: str) -> tuple[str, dict[str, RealmIntent]]:
    """The deployed `baseUrl` and `realms` outputs; a missing or unreadable one is an error."""
    found = _read(stack_reader.outputs, project_dir, stack)
    base_url, realms = found.get("baseUrl"), found.get("realms")
    if not isinstance(base_url, str) or not isinstance(realms, dict) or not realms:
        raise IntentError(
            f"Stack {stack!r} has no deployed baseUrl and realms outputs; run `pulumi up` "
            "first, or verify against its configuration (--intent config)."
        )
    return base_url, {
        realm_display(_checked(name)): _deployed(stack, name, values)
        for name, values in realms.items()
    }


def _from_resources(project_dir: Path, stack: str) -> tuple[str, dict[str, RealmIntent]]:
    """The tenant and realms of the session resources in the stack's state, any program's."""
    resources = _read(stack_reader.deployed_inputs, project_dir, stack)
    by_realm: dict[str, dict[str, dict[str, Any]]] = {}
    tenants: set[str] = set()
    for kind, inputs in resources:
        name = kind.removeprefix(TYPE_PREFIX)
        if (
            kind.startswith(TYPE_PREFIX)
            and name in SESSION_KINDS
            and isinstance(inputs.get("realm"), str)
        ):
            by_realm.setdefault(realm_display(inputs["realm"]), {})[name] = inputs
            tenants.add(str(inputs.get("baseUrl")))
    if not by_realm:
        raise IntentError(
            f"Stack {stack!r} has no deployed session resources; run `pulumi up` first, or "
            "verify with --base-url and --realm."
        )
    if len(tenants) > 1:
        raise IntentError(
            f"Stack {stack!r} manages realms of several tenants ({', '.join(sorted(tenants))}); "
            "verify each with --base-url and --realm."
        )
    # By name: the state lists resources in the order the engine registered them, which varies.
    realms = {realm: _declared(realm, by_realm[realm]) for realm in sorted(by_realm)}
    return tenants.pop(), realms


SESSION_KINDS = ("JourneySessionSettings", "AuthenticatedSessionSettings", "EsvSecret")


def _declared(realm: str, kinds: Mapping[str, Mapping[str, Any]]) -> RealmIntent:
    """A realm's intent from its resources' inputs; an undeclared part keeps the page's intent
    (the resources' own defaults: CTS, server-side)."""
    journey = kinds.get("JourneySessionSettings", {})
    authenticated = kinds.get("AuthenticatedSessionSettings", {})
    esv = kinds.get("EsvSecret", {})
    client_side = authenticated.get("clientSideSessions")
    scheme = journey.get("stateManagement")
    return RealmIntent(
        realm,
        StateManagement(scheme or StateManagement.CTS) if journey else None,
        client_side if isinstance(client_side, bool) else False,
        esv_name=esv.get("name") if isinstance(esv.get("name"), str) else None,
    )


def _deployed(stack: str, realm: str, values: Any) -> RealmIntent:
    outputs = values if isinstance(values, Mapping) else {}
    scheme, client_side = outputs.get("journeyStateManagement"), outputs.get("clientSideSessions")
    unmanaged = scheme is None and "journeyStateManagement" in outputs  # journey: false
    known = unmanaged or scheme in {s.value for s in StateManagement}
    if not known or not isinstance(client_side, bool):
        raise IntentError(
            f"Stack {stack!r}, realm {realm}: the deployed outputs journeyStateManagement and "
            "clientSideSessions are missing or not readable (secret?); run `pulumi up` again, "
            "or verify against the configuration (--intent config)."
        )
    esv_name = outputs.get("esvName")
    return RealmIntent(
        realm,
        StateManagement(scheme) if isinstance(scheme, str) else None,
        client_side,
        esv_name=esv_name if isinstance(esv_name, str) else None,
    )


def _read(what: Callable[[Path, str], T], project_dir: Path, stack: str) -> T:
    try:
        return what(project_dir, stack)
    except StackReadError as exc:
        raise IntentError(
            f"Cannot read stack {stack!r} in {str(project_dir)!r}: {exc}. Run from the project "
            "folder (or give --project-dir) with the stack's backend (PULUMI_BACKEND_URL)."
        ) from None


def _checked(realm: str) -> str:
    try:
        realm_display(realm)
    except ValueError as exc:
        raise IntentError(str(exc)) from None
    return realm
