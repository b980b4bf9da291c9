"""Shared machinery of the session resources' dynamic providers.

Each resource module defines a pydantic input model and the owned attributes (the settings
resources through their attribute tables, `attributes.py`). This base turns validation errors
into `CheckFailure`s that name the property and the fix, computes diffs over owned inputs only
(tenant or realm changes replace), and wraps writes in the per-realm lock.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, get_args

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, DiffResult, ResourceProvider
from pulumi.runtime import config as runtime_config
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from aic_sessions.client.dialects import is_no_route
from aic_sessions.client.errors import (
    AdminApiError,
    AuthenticationError,
    EnvironmentLockedError,
    NotFoundError,
    UnsupportedApiVersion,
)
from aic_sessions.client.realms import explicit_realm
from aic_sessions.domain.identity import (
    ALLOW_INSECURE_HTTP,
    canonical,
    canonical_base_url,
    canonical_realm,
    cleartext_off_machine,
    same_identity,
)

from . import connection, credentials, lifetime, moving, ownership, plain_errors
from .wire import UNKNOWN, is_secret

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient

_SOUND_CONFIGS: set[int] = set()
REPLACE_ON = ("baseUrl", "realm")

MAX_URL_CHARS = 2048
MAX_REALM_CHARS = 512

COMMON_HINTS = {
    "baseUrl": "Give the tenant's AM URL with its path, e.g. https://tenant.example.com/am.",
    "realm": "Use the realm name, e.g. 'alpha' (nested: 'parent/child'; 'root' for the root).",
    "onDelete": "Use 'restore' (put the prior values back) or 'retain'.",
}


# The realm's baseline (`RealmBaseline.observed`) as an input of a resource: an engine-internal
# key (`__` prefix), so `preview --diff` never prints the unchanged object beside every change,
# and kept out of the outputs (`public`).
BASELINE = "__baseline"


def require_sound_config() -> None:
    """The program's checks of the stack configuration (no plaintext credential, no unknown
    key), once per configuration: each reads the whole of PULUMI_CONFIG, and a program declares
    four resources per realm. A configuration that fails is checked (and fails) every time."""
    from aic_sessions.program.config_keys import require_known_keys  # imports this package

    config, environ = runtime_config.CONFIG.get(), os.environ
    read = (  # what the checks read: PULUMI_CONFIG, its secret keys and per-key variables
        tuple(sorted((k, environ[k]) for k in environ if k.startswith("PULUMI_CONFIG"))),
        tuple(sorted((k, str(v), runtime_config.is_config_secret(k)) for k, v in config.items())),
    )
    # Only a hash is kept (no config value stays in memory), and Python's own: a digest of the
    # repr cost 10 times as much, and a stack of 200 realms declares 800 resources.
    state = hash(read)
    if state in _SOUND_CONFIGS:
        return
    credentials.require_secret_credentials()
    require_known_keys()
    _SOUND_CONFIGS.add(state)


class RealmInputs(BaseModel):
    """Inputs every session resource has: the tenant and the realm (both replace on change)."""

    model_config = ConfigDict(defer_build=True, extra="ignore", populate_by_name=True)

    baseUrl: str = Field(max_length=MAX_URL_CHARS)
    realm: str = Field(max_length=MAX_REALM_CHARS)

    @field_validator("baseUrl")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return canonical_base_url(value)

    @field_validator("realm")
    @classmethod
    def _realm(cls, value: str) -> str:
        explicit_realm(value)  # "" or "/" never silently means the root realm
        return canonical_realm(value)


def adopted(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    """Whether the stack's state holds this resource on this very tenant and realm already
    (its ownership was checked then)."""
    return bool(olds) and all(same_identity(k, olds.get(k), news.get(k)) for k in REPLACE_ON)


def is_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    # The SDK hands unknowns to `check` as `pulumi.output.Unknown` objects (keep_unknowns).
    return bool(value == UNKNOWN) or type(value).__name__ == "Unknown"


STRICT_TYPES = ("int_type", "bool_type", "float_type", "string_type")


def _wire_value(value: Any) -> Any:
    """An input as JSON: numbers arrive from the engine as floats (5.0 -> 5; 5.5 stays a float
    and fails as not whole), secrets in their wire form are unwrapped."""
    if is_secret(value):
        return _wire_value(value["value"])
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _wire_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire_value(v) for v in value]
    return value


def _holds_secret(annotation: Any) -> bool:
    return annotation is SecretStr or SecretStr in get_args(annotation)


class ProviderError(plain_errors.PlainError):
    """An admin-API failure as the user should read it: the client's message, none of its stack."""


STORED_CREDENTIALS = (
    " Refresh and destroy use the provider configuration stored by the last deployment: if "
    "you changed credentials in stack config since, run `pulumi refresh --run-program` (or "
    "`pulumi destroy --run-program`), or `pulumi up` without --refresh, so the new ones are "
    "stored."
)

OWN_LOCK = (
    " While a promotion runs, both of its environments refuse these changes. If it is this "
    "stack's own promotion, interrupted (the lock's description starts with "
    "`aic-sessions <project>/<stack>:`), run `pulumi up` without --refresh: its Promotion "
    "finishes that promotion and unlocks. Otherwise another stack holds it (the stage above "
    "promoting from this environment, or the one below promoting into it) or someone "
    "promoting by hand: wait until it ends and is unlocked, then run again."
)


def _concise(method: Callable[..., Any], name: str) -> Callable[..., Any]:
    stored_config = name in ("read", "delete")  # refresh and destroy

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except AdminApiError as exc:
            message = str(exc)
            if (
                stored_config
                and isinstance(exc, AuthenticationError)
                and connection.uses_stack_credentials()
            ):
                message += STORED_CREDENTIALS
            if isinstance(exc, EnvironmentLockedError):
                message += OWN_LOCK
            raise ProviderError(message) from None

    return wrapper


M = TypeVar("M", bound=BaseModel)


class SessionProvider(ResourceProvider, Generic[M]):
    """Base provider over its input model `M`: subclasses set `inputs_model`, `owned` and
    `hints`.

    `check` validates the user's inputs and returns them as dicts (what the engine stores).
    Methods that need typed inputs take the validated model (`parse`: the settings, baseline,
    promotion and restart providers' `create`/`update`) or the state as the model, not validated
    again (`recorded`: promotion's `read`, the secrets' `delete`); the secrets keep dicts where
    their checked inputs carry computed fields (`valueSource`, `fingerprint`). `diff` compares
    the engine's values of the owned inputs as they are: they may be unknown at preview, and it
    runs for every resource of every preview, where building a model would only add cost.
    """

    inputs_model: type[M]
    owned: ClassVar[tuple[str, ...]]
    hints: ClassVar[dict[str, str]] = {}
    # The pickled provider (`__provider`) is a reference to this class and nothing else (no
    # instance data; `tests/reliability/test_secret_leaks.py` decodes it), so it need not be
    # encrypted: a plain string in state instead of two ciphertexts per resource, which every
    # checkpoint of every command writes. The SDK still makes it secret if a secret is captured.
    serialize_as_secret_always = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """API errors surface as their message after the SDK's few frames, not the client's."""
        super().__init_subclass__(**kwargs)
        for name in ("create", "read", "update", "delete"):
            if name in cls.__dict__:
                setattr(cls, name, _concise(cls.__dict__[name], name))

    def __init__(self) -> None:
        # Runs in the program, once per declared resource (the provider process unpickles the
        # provider without calling this): a credential in plaintext stack config stops the
        # deployment before anything is registered, so it never reaches state.
        require_sound_config()

    def configure(self, req: ConfigureRequest) -> None:
        lifetime.exit_with_engine()
        plain_errors.install()
        # Every command, refresh and destroy too (they run no program): the stack file as written.
        credentials.refuse_plaintext_stack_files()
        # Fully qualified: a bare key would be read under the *consuming* project's name.
        values = {key: req.config.get(connection.config_key(key)) for key in connection.CONFIG_KEYS}
        connection.remember_stack_config(values)

    # check ---------------------------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """The inputs' checks (`check_inputs`); then a resource declared without a baseline
        that is about to adopt its realm, its inputs sound, checks that no other stack owns
        the realm (`ownership`: it asks the engine's CLI, so it comes last)."""
        result = self.check_inputs(olds, news)
        news, failures = result.inputs, list(result.failures)
        claimant = news.get(ownership.CLAIMANT)
        identity = all(isinstance(news.get(k), str) for k in REPLACE_ON)
        writes = news.get("assertOnly") is not True
        # An old state that only asserted was never checked: it becomes a claim now.
        checked = adopted(olds, news) and olds.get("assertOnly") is not True
        if not failures and writes and isinstance(claimant, str) and identity and not checked:
            failures += ownership.owner_failures(news["baseUrl"], news["realm"], claimant)
        # The old resource's delete, which runs first, is the state's (`olds`) as much as ours.
        delete_writes = self.restores_on_delete(olds) or self.restores_on_delete(news)
        if not failures and writes and identity and delete_writes and moving.moves(olds, news):
            failures += moving.unreachable_failures(olds, news)
        return CheckResult(news, failures)

    def restores_on_delete(self, news: dict[str, Any]) -> bool:
        """Whether `delete` writes to the tenant (`onDelete` other than `retain`)."""
        field = self.inputs_model.model_fields.get("onDelete")
        return field is not None and (news.get("onDelete") or field.default) != "retain"

    def check_inputs(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate what the user wrote (`""` must not pass as the root realm), then store the
        tenant and realm in their one spelling."""
        known = {k: v for k, v in news.items() if not k.startswith("__") and not is_unknown(v)}
        failures = self.validate(known, partial=len(known) < len(self.public(news)))
        # The stack's settings are no property of the resource: named in the reason, so the
        # engine does not print the resource's (absent) value of that name beside it.
        failures += [CheckFailure("", f"{k} {why}") for k, why in connection.config_problems()]
        failures += insecure_http(known.get("baseUrl"))
        return CheckResult(canonical_identity(news), failures)

    def validate(self, inputs: dict[str, Any], partial: bool) -> list[CheckFailure]:
        """Strict types: a quoted number or boolean is an error, never converted."""
        try:
            document = json.dumps({k: _wire_value(v) for k, v in inputs.items()}, default=str)
            self.inputs_model.model_validate_json(document, strict=True)
        except ValidationError as exc:
            return [
                failure
                for error in exc.errors(include_url=False, include_input=False)
                if (failure := self._failure(error, inputs, partial)) is not None
            ]
        return []

    def _failure(self, error: Any, inputs: dict[str, Any], partial: bool) -> CheckFailure | None:
        prop = str(error["loc"][0]) if error["loc"] else "inputs"
        if partial and error["type"] == "missing" and prop not in inputs:
            return None  # unknown during preview: checked again once known
        reason = f"{error['msg'].removeprefix('Value error, ')}."
        defaults = {a.name: a.default for a in getattr(self, "table", ())}
        if error["type"] == "missing" and defaults.get(prop) is not None:
            # The constructors give a left-out keyword its default: this one was given None.
            reason = "It was given as None, which does not mean its default; leave it out."
        given = inputs.get(prop)
        if error["type"] in STRICT_TYPES and isinstance(given, str):
            reason += " It is a string, and values are never converted (write it unquoted)."
        elif error["type"] in STRICT_TYPES and isinstance(given, bool):
            reason += " It is a boolean (True or False), and values are never converted."
        hint = self.hints.get(prop) or COMMON_HINTS.get(prop)
        return CheckFailure(prop, f"{reason} {hint}" if hint else reason)

    def parse(self, props: dict[str, Any]) -> M:
        """Known inputs as the validated model (`check` validated them strictly): what `create`
        and `update` work on; the wire dicts stay at the client's boundary."""
        return self.inputs_model.model_validate(
            {k: _wire_value(v) for k, v in self.public(props).items()}
        )

    def recorded(self, props: dict[str, Any]) -> M:
        """The inputs recorded in state as the model, not validated again (`model_construct`):
        `check` validated them when they were written, and a bound tightened since must not
        stop `refresh` or `destroy`. A None is unset (the field's default, as the program
        declares it); keys the model does not know (outputs) and secret inputs are left out (a
        model built without validation would hold a secret unwrapped, and none is needed)."""
        fields = self.inputs_model.model_fields
        known = {
            k: _wire_value(v)
            for k, v in props.items()
            if k in fields
            and v is not None
            and not is_secret(v)
            and not _holds_secret(fields[k].annotation)
        }
        return self.inputs_model.model_construct(**known)

    @staticmethod
    def public(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if not k.startswith("__")}

    # diff ----------------------------------------------------------------------------------

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in REPLACE_ON if not same_identity(k, olds.get(k), news.get(k))]
        changed = [k for k in self.owned if olds.get(k) != news.get(k)]
        return DiffResult(
            changes=bool(replaces or changed),
            replaces=replaces,
            delete_before_replace=True,
        )

    # helpers -------------------------------------------------------------------------------

    @contextmanager
    def realm(self, props: dict[str, Any]) -> Iterator[AdminClient]:
        """The tenant's client, holding the realm's write lock."""
        with connection.realm_lock(props["baseUrl"], props["realm"]):
            yield connection.client_for(props["baseUrl"])

    @staticmethod
    def reader(props: dict[str, Any]) -> AdminClient:
        """The tenant's client for reads, without the realm's lock: the deployment's read
        cache already gives the realm's resources one read, and a reader waiting for the lock
        would hold one of the provider's few threads (refresh writes nothing)."""
        return connection.client_for(props["baseUrl"])

    @staticmethod
    def resource_id(kind: str, props: dict[str, Any]) -> str:
        return f"{kind}:{props['realm']}@{props['baseUrl']}"


ALLOW_HTTP = ALLOW_INSECURE_HTTP


def insecure_http(base_url: Any) -> list[CheckFailure]:
    """Plain `http://` to another machine sends credentials and tokens in cleartext: refused
    unless the stack allows it explicitly (`aic-sessions:allowInsecureHttp true`)."""
    if not isinstance(base_url, str) or not base_url.strip().lower().startswith("http://"):
        return []
    try:
        url = canonical_base_url(base_url)
    except ValueError:
        return []  # the model's own check names a malformed URL
    allowed = connection.stack_setting(ALLOW_HTTP)
    if allowed not in (None, "true", "false"):
        key = connection.config_key(ALLOW_HTTP)
        return [
            CheckFailure(
                "", f"{key} must be true or false; run: pulumi config set {key} true (or false)."
            )
        ]
    if not cleartext_off_machine(url) or allowed == "true":
        return []
    return [
        CheckFailure(
            "baseUrl",
            f"{url} is plain http to another machine: the tenant's credentials and tokens would "
            "cross the network in cleartext. Use https://, or, for a lab tenant on a network "
            "you trust, allow it explicitly: pulumi config set "
            f"{connection.config_key(ALLOW_HTTP)} true",
        )
    ]


def canonical_identity(props: dict[str, Any]) -> dict[str, Any]:
    """`props` with `baseUrl` and `realm` in their one spelling (`identity.py`), so another
    spelling of the same tenant or realm is the same resource; unknown or invalid values are
    left for validation."""
    return {**props, **{k: canonical(k, props[k]) for k in REPLACE_ON if k in props}}


def managed_keys(props: dict[str, Any], keys: Iterable[str]) -> set[str]:
    """The optional attributes a resource manages: those its inputs set."""
    return {key for key in keys if props.get(key) is not None}


def carried_prior(
    olds: dict[str, Any],
    news: dict[str, Any],
    keys: Iterable[str],
    read_current: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Prior values for exactly the attributes `news` manages, read before anything is written.

    Attributes no longer managed are dropped (the tenant keeps them as they are); newly managed
    ones get the value the realm has now, which is the one to restore on delete.
    """
    wanted = managed_keys(news, keys)
    prior = {k: v for k, v in (olds.get("priorSettings") or {}).items() if k in wanted}
    if wanted - prior.keys():
        current = read_current()
        prior.update({k: current[k] for k in wanted - prior.keys() if k in current})
    return prior


def gone_on_404(fn: Any) -> Any:
    """`read` helper: a realm that no longer exists means the resource is gone (drift)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NotFoundError as exc:
            # Only the realm's own configuration answering 404 means the realm is gone; a 404
            # from the token endpoint or a misrouted proxy must not drop resources from state.
            if exc.context is None or "/realm-config/" not in exc.context.path:
                raise
            if isinstance(exc, UnsupportedApiVersion) or is_no_route(exc):
                raise  # the server does not route this API version: not a deleted realm
            from pulumi.dynamic import ReadResult

            return ReadResult("", {})

    return wrapper
