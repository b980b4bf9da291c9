"""The typed stack configuration: environment, tenant and per-realm settings, with clear errors.

    aic-sessions:environment: staging
    aic-sessions:baseUrl: https://openam-acme-staging.forgeblocks.com/am
    aic-sessions:realms:
      - name: alpha
        journey: {stateManagement: CTS, maxDurationMinutes: 5}
        authenticated: {clientSideSessions: false, maxSessionTimeMinutes: 120}
        signingSecret: {source: given}          # value in aic-sessions:signingSecrets (secret)
      - name: bravo
        signingSecret: {source: esv, esvReference: esv-bravo-signing-secret}
      - name: charlie                           # stored in an ESV this stack manages:
        signingSecret: {source: esv-generated}  # esv-generated | esv-given (+ esvName)
    aic-sessions:esvRestart: {mode: restart, timeoutSeconds: 900}   # or mode: pending
    aic-sessions:platform: aic        # aic | am (self-managed AM, every environment mutable)
    aic-sessions:stage: staging       # aic: development | uat | staging | production
    aic-sessions:promotesFrom: dev    # upper stages: the stack of the environment below
    aic-sessions:promotion: {mode: automatic, allowedChanges: []}   # or mode: manual

An upper AIC stage (uat, staging, production) receives its static configuration by promotion:
its realms list no `journey` or `authenticated` section (the values are the stack below's) and
keep their signing secret in an ESV of their own (`esv-generated`, `esv-given` or `esv`).

Every section has the defaults of Ping's guide (CTS, 5 minutes, server-side sessions, a
generated secret). Secret values live in the secret object `aic-sessions:signingSecrets`
(realm -> base64).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from aic_sessions.client.realms import explicit_realm
from aic_sessions.domain import signing_secrets
from aic_sessions.domain.attributes import (
    AUTHENTICATED,
    JOURNEY,
    STATIC_SECTIONS,
    config_model,
)
from aic_sessions.domain.environments import (
    AIC_ROOT_REALM,
    PLATFORMS,
    STAGES,
    is_upper,
    unknown_name,
)
from aic_sessions.domain.identity import ROOT_REALM, canonical_base_url, canonical_realm
from aic_sessions.domain.nearest import did_you_mean, one_typo_from
from aic_sessions.domain.signing_secrets import default_esv_name
from aic_sessions.policy_pack import environment_names


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# The sections' fields, defaults and bounds are the resources' attribute tables.
JourneyConfig = config_model("JourneyConfig", JOURNEY)
AuthenticatedConfig = config_model("AuthenticatedConfig", AUTHENTICATED)


class SigningSecretConfig(_Strict):
    source: Literal["generated", "given", "esv", "esv-generated", "esv-given"] = "generated"
    esvReference: str | None = Field(None, max_length=256)
    esvName: str | None = Field(None, pattern=r"^esv-[a-z0-9][a-z0-9-]*$", max_length=124)
    rotationTrigger: str | None = Field(None, max_length=256)

    @model_validator(mode="after")
    def _esv_needs_reference(self) -> SigningSecretConfig:
        if (self.source == "esv") != (self.esvReference is not None):
            raise ValueError("esvReference is required with source 'esv' and only allowed with it")
        if self.esvName is not None and not self.stored_in_esv:
            raise ValueError("esvName is only allowed with source 'esv-generated' or 'esv-given'")
        return self

    @property
    def stored_in_esv(self) -> bool:
        """The secret lives in an ESV this stack manages (EsvSecret + TenantRestart)."""
        return self.source in ("esv-generated", "esv-given")

    @property
    def given(self) -> bool:
        return self.source in ("given", "esv-given")


class EsvRestartConfig(_Strict):
    """How the one tenant restart that loads this stack's ESV writes happens."""

    mode: Literal["restart", "pending"] = "restart"
    timeoutSeconds: float = Field(900, gt=0, le=7200)
    pollSeconds: float = Field(10, gt=0, le=300)


class PromotionConfig(_Strict):
    """How an upper AIC stage receives the configuration of the stage below."""

    mode: Literal["automatic", "manual"] = "automatic"
    # Reviewed widening: changes beyond the chain's realm settings that a promotion may carry,
    # as shell patterns over `<configItem>/<realm>/<name>` (e.g. `journeys/alpha/*`).
    allowedChanges: list[str] = Field(default_factory=list, max_length=200)
    ignoreEncryptedSecrets: bool = False
    timeoutSeconds: float = Field(1800, gt=0, le=14400)
    pollSeconds: float = Field(10, gt=0, le=300)


UPPER_SECRET_SOURCES = ("esv", "esv-generated", "esv-given")


class RealmConfig(_Strict):
    name: str = Field(max_length=512)
    if TYPE_CHECKING:  # built from the attribute tables: typed as what the tables say
        journey: Any
        authenticated: Any
    else:
        journey: JourneyConfig = JourneyConfig()  # or False: `_journey_unmanaged`
        authenticated: AuthenticatedConfig = AuthenticatedConfig()
    signingSecret: SigningSecretConfig = SigningSecretConfig()
    onDelete: Literal["restore", "retain"] = "restore"

    @field_validator("journey", mode="wrap")
    @classmethod
    def _journey_unmanaged(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """`false`: the realm's journey sessions are not managed (a self-managed AM without
        journey-session settings: OpenAM, AM before 6.5; platform 'am' only)."""
        return False if value is False else handler(value)

    @field_validator("name")
    @classmethod
    def _valid_realm(cls, value: str) -> str:
        explicit_realm(value)  # "" or "/" never silently means the root realm
        return canonical_realm(value)  # `/alpha`, `root/alpha`: the same realm `alpha`

    @property
    def slug(self) -> str:
        """The realm in its resources' names (`<environment>-<slug>-journey`, ...)."""
        return self.name.strip("/").replace("/", "-")

    @property
    def esv_name(self) -> str | None:
        """The ESV holding this realm's secret: `esvName`, or `esv-<realm>-signing-secret`."""
        if not self.signingSecret.stored_in_esv:
            return None
        return self.signingSecret.esvName or default_esv_name(self.name)


class StackConfig(_Strict):
    environment: str = Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")
    baseUrl: str = Field(max_length=2048)
    realms: list[RealmConfig] = Field(min_length=1)
    esvRestart: EsvRestartConfig = EsvRestartConfig()
    protect: bool = False  # Pulumi's `protect` on every realm's resources (prod: true)
    platform: str = "am"
    stage: str | None = None
    promotesFrom: str | None = Field(None, min_length=1, max_length=256)
    promotion: PromotionConfig | None = None

    @field_validator("environment")
    @classmethod
    def _environment(cls, value: str) -> str:
        typo = one_typo_from(value, environment_names())
        if typo:
            raise ValueError(
                f"unknown environment {value!r}; did you mean {typo!r}? (it has policy levels "
                "of its own in the pack's environments.yaml; a new environment needs a name of "
                "its own)"
            )
        return value

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        if value not in PLATFORMS:
            raise ValueError(unknown_name("platform", value, PLATFORMS))
        return value

    @field_validator("stage")
    @classmethod
    def _stage(cls, value: str | None) -> str | None:
        if value is not None and value not in STAGES:
            raise ValueError(unknown_name("stage", value, STAGES))
        return value

    @model_validator(mode="after")
    def _place(self) -> StackConfig:
        problems = _place_problems(self)
        if problems:
            raise ValueError("\n  ".join(problems))
        return self

    @property
    def upper(self) -> bool:
        """An upper AIC stage: static configuration is observed and asserted, never written."""
        return is_upper(self.platform, self.stage)

    @field_validator("baseUrl")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return canonical_base_url(value)  # the resources' rule: a trailing `/` is the same URL

    @field_validator("realms")
    @classmethod
    def _unique(cls, realms: list[RealmConfig]) -> list[RealmConfig]:
        names = [r.name for r in realms]  # canonical: alpha, /alpha and root/alpha are one
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"realm(s) listed twice: {', '.join(duplicates)} (alpha, /alpha and root/alpha "
                "are one realm); list each realm once"
            )
        by_slug: dict[str, list[str]] = {}
        for r in realms:
            by_slug.setdefault(r.slug, []).append(r.name)
        clashes = [names for names in by_slug.values() if len(names) > 1]
        if clashes:
            pairs = "; ".join(" and ".join(names) for names in clashes)
            raise ValueError(
                f"realms {pairs} would get the same resource names ('/' in a realm becomes '-' "
                "in them, e.g. <environment>-a-b-journey); manage one of them from another "
                "stack, or declare them with RealmSessionSettings under names of your own"
            )
        esvs = [r.esv_name for r in realms if r.esv_name is not None]
        shared = sorted({n for n in esvs if esvs.count(n) > 1})
        if shared:
            raise ValueError(
                f"ESV(s) {', '.join(shared)} hold the secret of more than one realm; "
                "give each realm its own signingSecret.esvName"
            )
        return realms


def _place_problems(stack: StackConfig) -> list[str]:
    """What contradicts the stack's platform and stage, each line naming its key and fix."""
    if stack.platform == "am":
        keys = [k for k in ("stage", "promotesFrom", "promotion") if getattr(stack, k) is not None]
        return [
            f"aic-sessions:{k}: only for platform 'aic' (self-managed AM has no promotions); "
            f"remove it or set aic-sessions:platform to aic"
            for k in keys
        ]
    root = [
        f"aic-sessions:realms[{index}].name: {AIC_ROOT_REALM}; manage the alpha and bravo "
        "realms instead"
        for index, realm in enumerate(stack.realms)
        if realm.name == ROOT_REALM
    ]
    if root:
        return root
    if stack.stage is None:
        return [f"aic-sessions:stage: required with platform 'aic'; one of {', '.join(STAGES)}"]
    if not stack.upper:
        keys = [k for k in ("promotesFrom", "promotion") if getattr(stack, k) is not None]
        return [
            f"aic-sessions:{k}: the {stack.stage} stage is written directly and promotes from "
            "nothing; remove it"
            for k in keys
        ] + [
            f"aic-sessions:realms[{index}].journey: false is for a self-managed AM without "
            "journey-session settings; an AIC tenant has them: give journey its "
            "stateManagement (CTS) and maxDurationMinutes"
            for index, realm in enumerate(stack.realms)
            if realm.journey is False
        ]
    problems = []
    if stack.promotesFrom is None:
        problems.append(
            f"aic-sessions:promotesFrom: required in the {stack.stage} stage: the stack of the "
            "environment below (e.g. dev or organization/<project>/dev)"
        )
    below = f"stack {stack.promotesFrom}" if stack.promotesFrom else "the stack below"
    for index, realm in enumerate(stack.realms):
        problems += _upper_realm_problems(stack.stage, index, realm, below)
    return problems


def _upper_realm_problems(stage: str, index: int, realm: RealmConfig, below: str) -> list[str]:
    problems = [
        f"aic-sessions:realms[{index}].{section}: the {stage} stage receives static "
        f"configuration by promotion, never by a write; remove it and set the value in {below}"
        for section in STATIC_SECTIONS
        if section in realm.model_fields_set
    ]
    if realm.signingSecret.source not in UPPER_SECRET_SOURCES:
        problems.append(
            f"aic-sessions:realms[{index}].signingSecret.source: {realm.signingSecret.source!r} "
            f"writes a literal secret, which the {stage} stage refuses; use 'esv-generated' or "
            "'esv-given' (this environment's own ESV value, loaded by a restart)"
        )
    return problems


class StackConfigError(ValueError):
    """The stack configuration is invalid; the message names each key and the fix."""


def _message(error: Any) -> str:
    """Pydantic's message without its "Value error, " prefix (ours already say what is wrong);
    an unknown key gets the nearest one its section has."""
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden" and error["loc"]:
        keys = _section_keys(StackConfig, error["loc"][:-1])
        return f"unknown key{did_you_mean(str(error['loc'][-1]), keys)}; valid: {', '.join(keys)}"
    return message


def _section_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys of the section at `loc` (list indexes skipped), [] when it is no model."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        current = _model_in(field.annotation) if field is not None else None
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds: itself, a list's item, an optional's value."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in get_args(annotation) if (m := _model_in(a)) is not None), None)


def load_stack_config(values: dict[str, Any], stack: str = "<stack>") -> StackConfig:
    """Validate strictly: `"5"`, `"false"` or `yes` where a number or boolean belongs is an
    error naming the key, never converted (`stack`: whose file to fix, when known)."""
    try:
        return StackConfig.model_validate_json(json.dumps(values, default=str), strict=True)
    except ValidationError as exc:
        lines = [
            f"  aic-sessions:{_path(err['loc'])}: {_message(err)}{_unquote_hint(err)}"
            if err["loc"]
            else f"  {_message(err)}"
            for err in exc.errors(include_url=False, include_input=False)
        ]
        raise StackConfigError(
            "Invalid stack configuration:\n"
            + "\n".join(lines)
            + f"\nFix the stack's file (Pulumi.{stack}.yaml, in the project's stackConfigDir)."
        ) from None


def check_given_secrets(stack: StackConfig, realms_with_values: Any) -> None:
    """Each value in `aic-sessions:signingSecrets` belongs to a realm whose secret is given (a
    value next to `source: esv` or `generated` would otherwise be silently dropped), and each
    such realm has one. Only keys and emptiness are read; a value never reaches a message."""
    if not isinstance(realms_with_values, dict):
        raise StackConfigError(
            "Invalid stack configuration:\n  aic-sessions:signingSecrets: must map realm names "
            "to base64 secrets (pulumi config set --secret --path "
            "'aic-sessions:signingSecrets.<realm>' ...)."
            "\nNothing was deployed."
        )
    sources = {realm.name: realm.signingSecret for realm in stack.realms}
    lines = []
    for name in sorted(realms_with_values):
        secret = sources.get(name)
        if secret is None:
            lines.append(
                f"  aic-sessions:signingSecrets.{name}: no realm {name!r} in aic-sessions:realms; "
                f"remove it (pulumi config rm --path 'aic-sessions:signingSecrets.{name}') or add "
                "the realm"
            )
        elif not secret.given:
            lines.append(
                f"  aic-sessions:signingSecrets.{name}: realm {name!r} has signingSecret.source "
                f"{secret.source!r}, which takes no value; remove the value (pulumi config rm "
                f"--path 'aic-sessions:signingSecrets.{name}') or set source to 'given' or "
                "'esv-given'"
            )
    for realm in stack.realms:
        value = realms_with_values.get(realm.name)
        if realm.signingSecret.given and not value:
            lines.append(
                f"  aic-sessions:signingSecrets.{realm.name}: realm {realm.name!r} has "
                f"signingSecret.source {realm.signingSecret.source!r} but no value; run: "
                "pulumi config set --secret --path "
                f"'aic-sessions:signingSecrets.{realm.name}' <base64>"
            )
        elif realm.signingSecret.given:
            # What the secret's `check` refuses, named by the key it comes from (never quoted).
            found = signing_secrets.problems(value) if isinstance(value, str) else ["is no string"]
            lines += [
                f"  aic-sessions:signingSecrets.{realm.name}: the signing secret {problem}; set "
                "another: pulumi config set --secret --path "
                f"'aic-sessions:signingSecrets.{realm.name}' \"$(openssl rand -base64 32)\""
                for problem in found
            ]
    if lines:
        raise StackConfigError(
            "Invalid stack configuration:\n" + "\n".join(lines) + "\nNothing was deployed."
        )


def _unquote_hint(err: Any) -> str:
    if err["type"] in ("int_type", "bool_type", "float_type"):
        return " (values are never converted: write numbers and true/false unquoted)"
    return ""


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
