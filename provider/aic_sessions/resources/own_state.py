"""What the stack's own state tells a `RealmBaseline` about to adopt a realm.

Read once per deployment that adopts a realm (`pulumi stack export` of the running stack, as
`ownership` reads the other stacks; nothing is decrypted):

- another baseline of the same realm: the realm declared a second time, or the same one renamed
  (the stack program names a realm's resources after `aic-sessions:environment`). The new
  baseline would record the stack's own values as the originals, and deleting the old
  resources would put the originals back over the new values, so a restoring baseline refuses
  it at `preview`;
- the prior values recorded by settings resources of the realm declared without a baseline:
  when they move under a `RealmSessionSettings`, its new baseline takes those as the originals,
  since the realm now shows the stack's own values (`adopted_priors`).

`AIC_OWNER_CHECK=off` skips the other stacks only: this read needs nothing but the stack's own
backend. Where even that fails under the switch, a warning says what was not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from aic_sessions.domain.identity import canonical_realm, tenant_identity

from . import connection
from .base import BASELINE
from .connection import RealmKey
from .ownership import CLAIMING_TYPES, SKIP_VARIABLE, OwnerCheckError, export_state, skipped

PRIOR_OUTPUTS = ("priorForm", "priorEsvReference")  # a SigningSecret's prior, beside priorSettings


@dataclass(frozen=True)
class OwnState:
    """By realm: the name of the stack's baseline of it, and the priors its settings resources
    declared without a baseline recorded."""

    baselines: dict[RealmKey, str]
    priors: dict[RealmKey, dict[str, Any]]


def own_state(state: Any) -> OwnState:
    """The baselines and the standalone settings resources' priors of an exported state."""
    from .exports import type_token

    baseline_type = type_token("RealmBaseline")
    resources = ((state or {}).get("deployment") or {}).get("resources") or []
    baselines: dict[RealmKey, str] = {}
    priors: dict[RealmKey, dict[str, Any]] = {}
    for resource in resources:
        inputs, outputs = resource.get("inputs") or {}, resource.get("outputs") or {}
        props = {**inputs, **outputs}
        try:
            key = (tenant_identity(str(props["baseUrl"])), canonical_realm(str(props["realm"])))
        except (KeyError, ValueError):
            continue
        if resource.get("type") == baseline_type:
            # One pending replacement was deleted (its originals put back) by a delete-before-
            # replace whose new resource failed: it holds the realm no more.
            if not resource.get("pendingReplacement"):
                baselines[key] = str(resource.get("urn", "")).rsplit("::", 1)[-1]
        elif resource.get("type") in CLAIMING_TYPES and _standalone_writer(inputs, props):
            found = priors.setdefault(key, {})
            recorded = outputs.get("priorSettings")
            found.update(recorded if isinstance(recorded, dict) else {})
            found.update({k: outputs[k] for k in PRIOR_OUTPUTS if outputs.get(k) is not None})
    return OwnState(baselines, {k: v for k, v in priors.items() if v})


def _standalone_writer(inputs: dict[str, Any], props: dict[str, Any]) -> bool:
    """A settings resource declared without a baseline that writes (its priors are its own)."""
    return inputs.get(BASELINE) is None and props.get("assertOnly") is not True


def read_own_state(own_stack: str) -> OwnState:
    return own_state(export_state(own_stack))


def _read(own_stack: str) -> OwnState | None:
    """This deployment's read of its own state; None (with a warning) when it fails under
    `AIC_OWNER_CHECK=off`, else the failure."""
    try:
        return connection.current().read_once(own_stack, read_own_state)
    except OwnerCheckError as exc:
        if not skipped():
            raise
        pulumi.log.warn(
            f"{SKIP_VARIABLE}=off and this stack's own state could not be read ({exc}): a "
            "realm renamed or moved under RealmSessionSettings is not checked."
        )
        return None


def rename_failures(
    base_url: str, realm: str, own_stack: str, *, restores: bool
) -> list[CheckFailure]:
    """A failure when this stack's state holds another baseline of the realm and the new one
    `restores` (a retaining one puts nothing back, so nothing can be overwritten)."""
    if not restores:
        return []
    try:
        found = _read(own_stack)
    except OwnerCheckError as exc:
        return [CheckFailure("realm", f"could not read this stack's own state: {exc}.")]
    other = found.baselines.get(_key(base_url, realm)) if found else None
    if other is None:
        return []
    return [
        CheckFailure(
            "realm",
            f"realm {realm} of {base_url} is already managed by this stack as {other} (its "
            "state holds that baseline). Declared again under another name, or with its tenant "
            "written another way (localhost and 127.0.0.1 are one tenant; the stack program "
            "names a realm's resources after aic-sessions:environment, so a new environment "
            "name renames them all), the new resources would record this stack's own values as "
            "the realm's originals, and deleting the old ones would put the originals back "
            "over the new values. Keep the name and the URL it has (in the stack program: "
            "aic-sessions:environment as it was). To rename it in a program of your own, give "
            "the new component the old name as an alias (opts=pulumi.ResourceOptions(aliases="
            f"[pulumi.Alias(name='{other.removesuffix('-baseline')}')])): the engine then moves "
            "its resources without a write. Otherwise run pulumi destroy first (with onDelete "
            "restore it puts the originals back), then deploy under the new name.",
        )
    ]


def adopted_priors(base_url: str, realm: str, own_stack: str) -> dict[str, Any]:
    """The prior values this stack's settings resources of the realm, declared on their own,
    recorded (read once per deployment). None when the state could not be read: a restoring
    baseline has been refused for that already (`rename_failures`), and a retaining one
    restores nothing, so its priors change nothing."""
    try:
        found = _read(own_stack)
    except OwnerCheckError:
        return {}
    return dict(found.priors.get(_key(base_url, realm), {})) if found else {}


def _key(base_url: str, realm: str) -> RealmKey:
    return (tenant_identity(base_url), canonical_realm(realm))
