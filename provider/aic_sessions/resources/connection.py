"""Credentials and clients for the provider process, read at call time and never pickled.

The stack's provider configuration (`aic-sessions:saId`, `saJwk`, `adminUsername`,
`adminPassword`, `accessToken`, `verifyTls`, `caBundle`; secrets decrypted by the engine) arrives
through `ResourceProvider.configure`. Its keys live in the fixed `aic-sessions` namespace whatever
the consuming project is called. It is kept in this module, not on the provider instance, so no
credential can end up in the pickled provider in state. Without stack configuration the client
reads the environment (`AIC_*`, `AM_ADMIN_*`, `FRODO_*`).

The engine starts the provider process for one operation (`up`, `refresh`, `destroy`), so this
module's `DeploymentReadCache`, shared by every client of the process, lives for exactly one
deployment: each realm's documents are read at most once in it.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aic_sessions.client.read_cache import DeploymentReadCache
from aic_sessions.client.realms import realm_display

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient
    from aic_sessions.client.settings import ConnectionSettings

_lock = threading.Lock()
_stack_config: dict[str, str] = {}
_clients: dict[str, AdminClient] = {}
_realm_locks: dict[tuple[str, str], threading.Lock] = {}
read_cache = DeploymentReadCache()  # this process = this deployment

CONFIG_NAMESPACE = "aic-sessions"
CONFIG_KEYS = (
    "saId",
    "saJwk",
    "adminUsername",
    "adminPassword",
    "accessToken",
    "verifyTls",
    "caBundle",
    "fingerprintKey",
    "allowInsecureHttp",
)


def config_key(key: str) -> str:
    """`saId` -> `aic-sessions:saId`: provider configuration is read under our own namespace."""
    return f"{CONFIG_NAMESPACE}:{key}"


def remember_stack_config(values: Mapping[str, Any]) -> None:
    """Keep the provider configuration of this deployment (called from `configure`)."""
    fresh = {k: str(v) for k, v in values.items() if v not in (None, "")}
    with _lock:
        if fresh != _stack_config:  # every provider class calls this; keep clients if unchanged
            _stack_config.clear()
            _stack_config.update(fresh)
            _clients.clear()
            read_cache.clear()


def new_deployment() -> None:
    """Forget this process's clients and what it has read, as a new provider process would
    (for tests that run several deployments in one process)."""
    with _lock:
        _clients.clear()
    read_cache.clear()


def stack_setting(key: str) -> str | None:
    """One provider-configuration value of this deployment, if set."""
    with _lock:
        return _stack_config.get(key)


def settings_for(base_url: str) -> ConnectionSettings:
    """Connection settings for a tenant: stack configuration first, then the environment."""
    from aic_sessions.client.errors import MissingCredentialsError
    from aic_sessions.client.settings import ConnectionSettings  # not needed by check / diff

    with _lock:
        cfg = dict(_stack_config)
    env = dict(os.environ)
    mapping = {
        "saId": "AIC_SA_ID",
        "saJwk": "AIC_SA_JWK",
        "adminUsername": "AM_ADMIN_USERNAME",
        "adminPassword": "AM_ADMIN_PASSWORD",
        "accessToken": "AIC_ACCESS_TOKEN",
    }
    if any(key in cfg for key in mapping):  # stack credentials replace environment ones
        for variable in (*mapping.values(), "AIC_SA_JWK_FILE", "FRODO_SA_ID", "FRODO_SA_JWK"):
            env.pop(variable, None)
        env.update({mapping[k]: v for k, v in cfg.items() if k in mapping})
    overrides: dict[str, Any] = {"base_url": base_url}
    if "verifyTls" in cfg:
        overrides["verify_tls"] = cfg["verifyTls"] != "false"  # anything else fails in check
    if "caBundle" in cfg:
        overrides["ca_bundle"] = cfg["caBundle"]
    try:
        return ConnectionSettings.from_env(env, **overrides)
    except MissingCredentialsError:
        given = [config_key(k) for k in mapping if k in cfg]
        partial = f"The stack sets only {', '.join(given)}. " if given else ""
        raise MissingCredentialsError(None, partial + NO_CREDENTIALS) from None


NO_CREDENTIALS = (
    "No complete credentials in the stack or the environment. In the stack (keys in the "
    "aic-sessions namespace, whatever your project is called): pulumi config set "
    "aic-sessions:saId <id> and pulumi config set --secret aic-sessions:saJwk < sa.jwk; or "
    "aic-sessions:adminUsername with --secret aic-sessions:adminPassword; or --secret "
    "aic-sessions:accessToken. In the environment: AIC_SA_ID with AIC_SA_JWK or "
    "AIC_SA_JWK_FILE, AM_ADMIN_USERNAME with AM_ADMIN_PASSWORD, or AIC_ACCESS_TOKEN."
)


MAX_CONFIG_CHARS = 65536


def config_problems() -> list[tuple[str, str]]:
    """(key, reason) for provider configuration that cannot be used, found in `check` so the
    deployment stops at preview with nothing sent: a `verifyTls` that is not `true`/`false`, a
    `caBundle` that is not a readable file, an oversized value. Reasons never quote a value."""
    with _lock:
        cfg = dict(_stack_config)
    problems = [
        (config_key(k), f"is {len(v)} characters, more than {MAX_CONFIG_CHARS}; check the value.")
        for k, v in cfg.items()
        if len(v) > MAX_CONFIG_CHARS
    ]
    if cfg.get("verifyTls", "true") not in ("true", "false"):
        problems.append(
            (
                config_key("verifyTls"),
                "must be true or false (other spellings are not converted); run: "
                "pulumi config set aic-sessions:verifyTls true",
            )
        )
    bundle = cfg.get("caBundle")
    if bundle is not None and len(bundle) <= MAX_CONFIG_CHARS:
        reason = _unreadable(bundle)
        if reason:
            problems.append(
                (
                    config_key("caBundle"),
                    f"{reason}; give the path of a readable PEM file of CA certificates "
                    "(pulumi config set aic-sessions:caBundle /path/to/ca.pem), or remove it.",
                )
            )
    return problems


def _unreadable(path: str) -> str | None:
    """Why a CA bundle cannot be used, or None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except FileNotFoundError:
        return f"the file {path!r} does not exist"
    except IsADirectoryError:
        return f"{path!r} is a directory, not a file"
    except OSError as exc:
        return f"the file {path!r} cannot be read ({exc.strerror or type(exc).__name__})"
    if b"-----BEGIN CERTIFICATE-----" not in head:
        return f"the file {path!r} holds no PEM certificate"
    return None


def uses_stack_credentials() -> bool:
    """Whether this deployment's credentials come from stack configuration."""
    with _lock:
        return any(k in _stack_config for k in CREDENTIAL_KEYS)


CREDENTIAL_KEYS = ("saId", "saJwk", "adminUsername", "adminPassword", "accessToken")


def client_for(base_url: str) -> AdminClient:
    """One shared client per tenant and credentials within this process."""
    from aic_sessions.client.client import AdminClient  # the HTTP stack, only when needed

    settings = settings_for(base_url)
    key = hashlib.sha256(settings.model_dump_json().encode() + _secret_bytes(settings)).hexdigest()
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = AdminClient(settings, reads=read_cache)
        return client


def realm_lock(base_url: str, realm: str) -> threading.Lock:
    """Serialises this process's writes to one realm (all three resource kinds share it)."""
    with _lock:
        key = (base_url.rstrip("/"), realm_display(realm))  # "alpha", "/alpha", "root/alpha"
        return _realm_locks.setdefault(key, threading.Lock())


def _secret_bytes(settings: ConnectionSettings) -> bytes:
    auth = settings.auth
    secret = getattr(auth, "private_jwk", None) or getattr(auth, "password", None)
    secret = secret or getattr(auth, "access_token", None)
    return secret.get_secret_value().encode() if secret else b""
