"""Connection settings: where the tenant is and how to authenticate, loadable from the environment.

Precedence, highest first: explicit values given to `ConnectionSettings.from_env(**overrides)`,
then this project's variables (`AIC_BASE_URL`, `AIC_SA_ID`, `AIC_SA_JWK`, `AIC_SA_JWK_FILE`,
`AIC_ACCESS_TOKEN`, `AM_ADMIN_USERNAME`, `AM_ADMIN_PASSWORD`), then frodo's (`FRODO_HOST`,
`FRODO_SA_ID`, `FRODO_SA_JWK`). The auth method is the first complete one of: service account
(id + JWK), AM admin (username + password), pre-issued bearer token.
"""

from __future__ import annotations

import binascii
import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from .errors import ConfigurationError, MissingCredentialsError


class _Frozen(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")


class ServiceAccountAuth(_Frozen):
    """AIC service account: JWT-bearer grant signed with the account's private RSA JWK."""

    method: Literal["service_account"] = "service_account"
    account_id: str = Field(min_length=1)
    private_jwk: SecretStr
    scope: str = "fr:am:*"

    @field_validator("private_jwk")
    @classmethod
    def _must_be_rsa_private_jwk(cls, value: SecretStr) -> SecretStr:
        problem = jwk_problem(value.get_secret_value())
        if problem:
            raise ValueError(problem)
        return value

    def jwk(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.private_jwk.get_secret_value())
        return parsed


# The members an RSA private JWK needs, and their least decoded size: a modulus and private
# exponent of 1024 bits or more (AIC's service-account keys are 2048), a public exponent.
RSA_MEMBER_BYTES = {"n": 128, "e": 1, "d": 128}


@functools.lru_cache(maxsize=4)  # every resource's `check` asks again of the same key
def jwk_problem(text: str) -> str | None:
    """What makes `text` no private RSA JWK of a service account (None: it is one); never
    quotes the text."""
    try:
        jwk = json.loads(text)
    except ValueError:
        return "is not JSON; give the private JWK of the service account"
    if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or "d" not in jwk:
        return "must be an RSA private JWK (kty RSA with a 'd' member)"
    # The key itself is built when the assertion is signed (client/auth.py: PyJWT, whose import
    # costs about 85 ms); its shape is checked here, at preview.
    bad = [m for m, least in RSA_MEMBER_BYTES.items() if _base64url_bytes(jwk.get(m)) < least]
    if bad:
        named = ", ".join(repr(m) for m in bad)
        return f"is no usable RSA private JWK ({named}: missing, not base64url, or too short)"
    return None


def _base64url_bytes(value: Any) -> int:
    """How many bytes a base64url member decodes to (0: not a string, or not base64url)."""
    from .tokens import b64url_decode

    if not isinstance(value, str) or not value:
        return 0
    try:
        return len(b64url_decode(value))
    except (binascii.Error, ValueError):
        return 0


class AdminAuth(_Frozen):
    """Self-managed AM administrator: `X-OpenAM-*` login, session cookie named by serverinfo."""

    method: Literal["admin"] = "admin"
    username: str = Field(min_length=1)
    password: SecretStr
    realm: str = "root"


class BearerAuth(_Frozen):
    """A pre-issued access token (it cannot be refreshed by the client)."""

    method: Literal["bearer"] = "bearer"
    access_token: SecretStr


AuthSettings = Annotated[ServiceAccountAuth | AdminAuth | BearerAuth, Field(discriminator="method")]


class Timeouts(_Frozen):
    """Seconds: per attempt (connect, read) and for a whole operation including retries."""

    connect: float = Field(5.0, gt=0)
    read: float = Field(30.0, gt=0)
    deadline: float = Field(90.0, gt=0)


class RetryBudget(_Frozen):
    """Bounded retries with exponential backoff and full jitter."""

    max_attempts: int = Field(6, ge=1, le=20)
    initial_backoff: float = Field(0.25, ge=0)
    max_backoff: float = Field(8.0, ge=0)
    max_retry_after: float = Field(30.0, ge=0)


class ConnectionSettings(_Frozen):
    """Everything the client needs to reach one tenant. Its repr never shows a secret."""

    base_url: str = Field(description="AM base URL, e.g. https://tenant.example.com/am")
    auth: AuthSettings
    verify_tls: bool = True
    ca_bundle: Path | None = None
    timeouts: Timeouts = Timeouts()
    retries: RetryBudget = RetryBudget()
    max_requests_per_second: float | None = Field(None, gt=0)
    # Where the credentials were read (names, never values): a refusal names the place to fix.
    credentials_from: str | None = None

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http:// for a local emulator)")
        return value

    @property
    def tls_verify(self) -> bool | str:
        return str(self.ca_bundle) if self.ca_bundle else self.verify_tls

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        named: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> ConnectionSettings:
        """Settings from explicit values, then `AIC_*`/`AM_*`, then `FRODO_*` variables.

        `AIC_READ_TIMEOUT` (seconds) replaces the default read timeout of each attempt;
        `AIC_RETRY_MAX_BACKOFF` (seconds) the longest backoff between two attempts. `named`:
        how messages name a variable that holds a value from elsewhere (a stack's key)."""
        import os

        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            "base_url": overrides.pop("base_url", None)
            or _first(env, "AIC_BASE_URL", "FRODO_HOST"),
        }
        auth, variables = overrides.pop("auth", None), dict[str, str]()
        if auth is None:
            auth, variables = _auth_from_env(env)
            variables = {field: (named or {}).get(v, v) for field, v in variables.items()}
            values["credentials_from"] = " and ".join(variables.values())
        values["auth"] = auth
        if env.get("AIC_READ_TIMEOUT"):  # seconds per attempt; the default suits real tenants
            values["timeouts"] = {"read": _seconds(env, "AIC_READ_TIMEOUT", above=0)}
        retries = overrides.pop("retries", None)
        if isinstance(retries, RetryBudget):  # only what its caller set (`verify --max-attempts`)
            retries = retries.model_dump(exclude_unset=True)
        retries = dict(retries or {})
        if env.get("AIC_RETRY_MAX_BACKOFF"):  # the attempts stay as many (a flag may set them)
            retries.setdefault("max_backoff", _seconds(env, "AIC_RETRY_MAX_BACKOFF", above=None))
        if retries:
            values["retries"] = retries
        values.update(overrides)
        if not values["base_url"]:
            raise ConfigurationError(
                None, "No tenant URL: set AIC_BASE_URL (or FRODO_HOST), e.g. https://tenant/am."
            )
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise ConfigurationError(None, describe_validation_error(exc, variables)) from None


def describe_validation_error(
    exc: ValidationError, variables: Mapping[str, str] | None = None
) -> str:
    """One line per problem, naming the setting (a credential by the variable it was read
    from, `variables`: field -> name); input values are left out (they may be secret)."""
    problems = [
        f"{_setting(err['loc'], variables or {})}: {err['msg'].removeprefix('Value error, ')}"
        for err in exc.errors(include_input=False, include_url=False)
    ]
    return "Invalid connection settings: " + "; ".join(problems) + "."


def _setting(loc: tuple[Any, ...], variables: Mapping[str, str]) -> str:
    if len(loc) == 3 and loc[0] == "auth" and str(loc[2]) in variables:
        return variables[str(loc[2])]
    return ".".join(str(p) for p in loc) or "settings"


def _seconds(env: Mapping[str, str], name: str, above: float | None) -> float:
    """A number of seconds from variable `name`: more than `above` (None: at least 0)."""
    try:
        value = float(env[name])
    except ValueError:
        value = float("nan")
    if not (value > above if above is not None else value >= 0):  # NaN fails both
        bound = f"more than {above:g}" if above is not None else "0 or more"
        raise ConfigurationError(None, f"{name} must be a number of seconds, {bound}.")
    return value


def _first(env: Mapping[str, str], *names: str) -> str | None:
    return next((env[n] for n in names if env.get(n)), None)


def _auth_from_env(env: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The credentials, and per field the variable it was read from (names, never values)."""
    sa_id = _first(env, "AIC_SA_ID", "FRODO_SA_ID")
    jwk, jwk_from = _first(env, "AIC_SA_JWK"), "AIC_SA_JWK"
    if not jwk and env.get("AIC_SA_JWK_FILE"):
        jwk, jwk_from = _read_jwk_file(Path(env["AIC_SA_JWK_FILE"])), "AIC_SA_JWK_FILE"
    if not jwk:
        jwk, jwk_from = _first(env, "FRODO_SA_JWK"), "FRODO_SA_JWK"
    if sa_id and jwk:
        id_from = "AIC_SA_ID" if env.get("AIC_SA_ID") else "FRODO_SA_ID"
        auth = {"method": "service_account", "account_id": sa_id, "private_jwk": jwk}
        return auth, {"account_id": id_from, "private_jwk": jwk_from}
    user, password = env.get("AM_ADMIN_USERNAME"), env.get("AM_ADMIN_PASSWORD")
    if user and password:
        auth = {"method": "admin", "username": user, "password": password}
        return auth, {"username": "AM_ADMIN_USERNAME", "password": "AM_ADMIN_PASSWORD"}
    if env.get("AIC_ACCESS_TOKEN"):
        auth = {"method": "bearer", "access_token": env["AIC_ACCESS_TOKEN"]}
        return auth, {"access_token": "AIC_ACCESS_TOKEN"}
    raise MissingCredentialsError(
        None,
        "No credentials: set AIC_SA_ID with AIC_SA_JWK or AIC_SA_JWK_FILE (or FRODO_SA_ID/"
        "FRODO_SA_JWK), or AM_ADMIN_USERNAME with AM_ADMIN_PASSWORD, or AIC_ACCESS_TOKEN.",
    )


def _read_jwk_file(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise ConfigurationError(
            None, f"Cannot read AIC_SA_JWK_FILE {str(path)!r}: {exc.strerror}."
        ) from None
