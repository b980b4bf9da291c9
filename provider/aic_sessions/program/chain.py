"""The Pulumi program's promotion-chain part (AIC stacks only).

Every AIC stack exports what it holds of static configuration, per realm
(`staticConfiguration`: journey and authenticated settings, the signing secret's ESV
reference), its digest (`staticDigest`) and its `stage`. An upper stage reads these outputs of
the stack below through a stack reference: the values become the intent its realms assert, and
the digest drives its `Promotion` (a new digest since the last promotion promotes again).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
from pulumi.output import UNKNOWN

from aic_sessions.domain.attributes import STATIC_SECTIONS
from aic_sessions.domain.signing_secrets import esv_expression
from aic_sessions.program.stack_config import StackConfig


def digest(static: Mapping[str, Any]) -> str:
    """A stable digest of a stack's static configuration."""
    text = json.dumps(static, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def realm_static(settings: Any) -> pulumi.Output[dict[str, Any]]:
    """What one `RealmSessionSettings` holds of static configuration, from its outputs."""
    values = {
        section: {a.python_name: getattr(getattr(settings, section), a.python_name) for a in table}
        for section, table in STATIC_SECTIONS.items()
    }
    values["signingSecretEsv"] = settings.signing_secret.esv_reference
    return pulumi.Output.from_input(values)


def export_static(stack: StackConfig, realms: Mapping[str, pulumi.Output[dict[str, Any]]]) -> None:
    """The outputs the stack above reads."""
    static = pulumi.Output.all(**realms)
    pulumi.export("platform", stack.platform)
    pulumi.export("stage", stack.stage)
    pulumi.export("staticConfiguration", static)
    pulumi.export("staticDigest", static.apply(digest))


class ChainError(pulumi.RunError, ValueError):
    """A chain misconfigured (raised where an output resolves): a `RunError`, so the engine
    shows the message alone, without a Python traceback."""


class LowerStack:
    """The stack below an upper stage, as its last deployment exported it."""

    def __init__(self, stack: StackConfig) -> None:
        name = str(stack.promotesFrom)
        self.name = name
        self._warned = False
        if "/" not in name:  # a stack of this project
            name = f"{pulumi.get_organization()}/{pulumi.get_project()}/{name}"
        self.reference = pulumi.StackReference(f"{stack.environment}-promotes-from", name)
        self.stage = self.reference.get_output("stage").apply(self._required)
        self.digest = self.reference.get_output("staticDigest").apply(self._required)
        self.static = self.reference.get_output("staticConfiguration").apply(self._required)

    def _required(self, value: Any) -> Any:
        """The output's value; before the stack below is deployed, a preview shows it unknown
        (and says so) and `up` fails naming the fix."""
        if value is None and pulumi.runtime.is_dry_run():
            if not self._warned:
                self._warned = True
                pulumi.log.warn(
                    f"stack {self.name!r} (aic-sessions:promotesFrom) has not exported its "
                    "staticConfiguration yet: what this stack would promote and assert is "
                    f"unknown until it is deployed (pulumi up --stack {self.name})"
                )
            return UNKNOWN
        if value is None:
            raise ChainError(
                f"stack {self.name!r} (aic-sessions:promotesFrom) has no staticConfiguration "
                f"output: deploy it first (pulumi up --stack {self.name}); it must be an AIC "
                "stack (aic-sessions:platform aic)"
            )
        return value

    def realm(self, realm: str) -> pulumi.Output[dict[str, Any]]:
        return self.static.apply(lambda static: self._realm(static, realm))

    def _realm(self, static: Mapping[str, Any], realm: str) -> dict[str, Any]:
        if realm not in static:
            raise ChainError(
                f"realm {realm!r} is not in the static configuration of stack {self.name!r} "
                f"(it deploys {', '.join(sorted(static)) or 'no realm'}): add it there first "
                "(static configuration reaches this environment only by promotion), or remove "
                "it from this stack's aic-sessions:realms"
            )
        return dict(static[realm])

    def options(self, realm: str, section: str) -> dict[str, pulumi.Output[Any]]:
        """A realm section's values as the options' keyword arguments (snake_case)."""
        values = self.realm(realm)
        return {
            a.python_name: values.apply(_pick(section, a.python_name))
            for a in STATIC_SECTIONS[section]
        }

    def esv_reference(
        self, realm: str, own: str | None = None, by_default: bool = False
    ) -> pulumi.Output[str]:
        """The ESV the promoted realm references; `own`, the ESV this stack sets for the realm
        (`by_default`: the default name, no key set), must be that one (else the promoted
        placeholder would read an ESV nobody sets here)."""
        return self.realm(realm).apply(
            lambda v: self._same_esv(self._esv(v, realm), own, realm, by_default)
        )

    def _same_esv(self, reference: str, own: str | None, realm: str, by_default: bool) -> str:
        if own is not None and esv_expression(own) != esv_expression(reference):
            promoted = _esv_id(reference)
            fix = (
                f"set signingSecret.esvName to {promoted!r} here (this stack uses the default "
                f"name, esv-<realm>-signing-secret, as no esvName is set)"
                if by_default
                else f"set signingSecret.esvName (or esvReference) to {promoted!r}, or remove it "
                "if that is the default name"
            )
            raise ChainError(
                f"realm {realm!r}: this stack sets ESV {own!r}, but the configuration promoted "
                f"from stack {self.name!r} references {reference!r} (ESV {promoted!r}); {fix}"
            )
        return reference

    def _esv(self, values: Mapping[str, Any], realm: str) -> str:
        reference = values.get("signingSecretEsv")
        if not reference:
            raise ChainError(
                f"realm {realm!r} of stack {self.name!r} holds a literal signing secret, which a "
                "promotion would carry unchanged into every environment; in that stack set "
                "signingSecret.source to esv-generated (or esv-given) so each environment "
                "holds its own value in an ESV"
            )
        return str(reference)


def _esv_id(reference: str) -> str:
    """`&{esv.my.secret}` -> `esv-my-secret` (the ESV API's id); an id stays as it is."""
    inner = reference.strip().removeprefix("&{").removesuffix("}").split("|")[0]
    return inner.replace(".", "-") if inner.startswith("esv.") else reference


def _pick(section: str, key: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda values: values[section].get(key)


def declare_promotion(
    stack: StackConfig, lower: LowerStack, after: Sequence[pulumi.Resource]
) -> Any:
    """The upper stage's `Promotion`, after this environment's own ESV writes and restart."""
    from aic_sessions.resources import Promotion

    settings = stack.promotion
    project, name = pulumi.get_project(), pulumi.get_stack()
    return Promotion(
        f"{stack.environment}-promotion",
        base_url=stack.baseUrl,
        stage=str(stack.stage),
        promotes_from=lower.name,
        lower_stage=lower.stage,
        lower_digest=lower.digest,
        lower_configuration=lower.static,
        realms=sorted(realm.name for realm in stack.realms),  # what this stack asserts
        marker=f"aic-sessions {project}/{name}:",
        mode=settings.mode if settings else "automatic",
        allowed_changes=list(settings.allowedChanges) if settings else [],
        ignore_encrypted_secrets=settings.ignoreEncryptedSecrets if settings else False,
        timeout_seconds=settings.timeoutSeconds if settings else 1800,
        poll_seconds=settings.pollSeconds if settings else 10,
        opts=pulumi.ResourceOptions(depends_on=list(after), protect=stack.protect),
    )
