"""One deployment's provider configuration, clients and locks, held by one `Deployment`.

The stack's provider configuration (`aic-sessions:saId`, `saJwk`, `adminUsername`,
`adminPassword`, `accessToken`, `verifyTls`, `caBundle`; secrets decrypted by the engine) arrives
through `ResourceProvider.configure`. Its keys live in the fixed `aic-sessions` namespace whatever
the consuming project is called. It is kept in the `Deployment`, not on the provider instance, so
no credential can end up in the pickled provider in state. Without stack configuration the client
reads the environment (`AIC_*`, `AM_ADMIN_*`, `FRODO_*`).

The engine starts the provider process for one operation (`up`, `refresh`, `destroy`) and runs
the program once per process, so the process's `current()` deployment is exactly that
deployment: its `DeploymentReadCache`, shared by its clients, reads each realm's documents at
most once. `deployment()` runs a block in a fresh (or given) one, e.g. with another clock, and
puts the previous one back: tests run several deployments in one process that way. A deployment
ends with its process (or its block): its clients are closed, which ends their admin sessions.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from aic_sessions.client.clock import SYSTEM_CLOCK, Clock
from aic_sessions.client.read_cache import DeploymentReadCache
from aic_sessions.client.realms import realm_display
from aic_sessions.domain.identity import ALLOW_INSECURE_HTTP
from aic_sessions.domain.namespace import config_key as config_key  # re-exported

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient
    from aic_sessions.client.esv import EsvClient
    from aic_sessions.client.promotion import PromotionClient
    from aic_sessions.client.settings import ConnectionSettings

RealmKey = tuple[str, str]  # (tenant, realm) in their one spelling
P = ParamSpec("P")
T = TypeVar("T")
C = TypeVar("C")  # what a read of the backend returns
_UNREAD = object()  # a backend read not made yet
BESIDE_WORKERS = 8  # requests sent beside the provider's own threads (refresh's journeys)
# Seconds for ending every client's admin sessions at the end: the engine gives a provider
# process 5 s to exit after its interrupt, then kills it.
CLOSE_SECONDS = 3.0
log = logging.getLogger(__name__)


class Deployment:
    """What one deployment keeps while it runs: the provider configuration, one client per
    tenant and credentials and the read cache they share, write locks per realm and per tenant,
    the clock waits use, a few threads for requests sent beside a provider call (`beside`),
    and (in the program) the realms claimed and other stacks' claims."""

    def __init__(self, clock: Clock = SYSTEM_CLOCK) -> None:
        self.clock = clock
        self.read_cache = DeploymentReadCache()
        self._lock = threading.Lock()
        self._stack_config: dict[str, str] = {}
        self._clients: dict[str, AdminClient] = {}
        self._opened: list[AdminClient] = []  # every client made, for `close`
        self._esv_clients: dict[int, tuple[AdminClient, EsvClient]] = {}
        self._locks: dict[tuple[str, ...], threading.Lock] = {}
        self._claims: dict[RealmKey, str] = {}
        self._backend_reads: dict[tuple[str, object], Any] = {}  # or the read's exception
        self._beside: ThreadPoolExecutor | None = None
        self._closing = threading.Lock()  # a second `close` waits for the first to end
        self._closed = False  # then no new client or thread (nothing would end them)

    def remember_stack_config(self, values: Mapping[str, Any]) -> None:
        """Keep the provider configuration (called from `configure`)."""
        fresh = {k: str(v) for k, v in values.items() if v not in (None, "")}
        with self._lock:
            if fresh != self._stack_config:  # every provider class calls this
                self._stack_config = fresh
                self._clients.clear()
                self._esv_clients.clear()
                self.read_cache.clear()

    def stack_config(self) -> dict[str, str]:
        """A copy of the provider configuration."""
        with self._lock:
            return dict(self._stack_config)

    def client_for(self, base_url: str) -> AdminClient:
        """One shared client per tenant and credentials."""
        from aic_sessions.client.client import AdminClient  # the HTTP stack, only when needed

        settings = settings_for(base_url, self.stack_config())
        key = hashlib.sha256(settings.model_dump_json().encode() + _secret_bytes(settings))
        with self._lock:
            self._refuse_if_closed()
            client = self._clients.get(key.hexdigest())
            if client is None:
                client = AdminClient(settings, reads=self.read_cache)
                self._clients[key.hexdigest()] = client
                self._opened.append(client)
            return client

    def esv_client(self, base_url: str) -> EsvClient:
        """The ESV client sharing the tenant client's credentials and token cache."""
        from aic_sessions.client.esv import EsvClient  # the HTTP stack, only when needed

        admin = self.client_for(base_url)
        with self._lock:
            cached = self._esv_clients.get(id(admin))
            if cached is None or cached[0] is not admin:
                cached = (admin, EsvClient(admin.transport, clock=self.clock))
                self._esv_clients[id(admin)] = cached
            return cached[1]

    def promotion_client(self, base_url: str) -> PromotionClient:
        """The promotions client of an upper tenant, sharing the admin client's credentials."""
        from aic_sessions.client.promotion import PromotionClient  # the HTTP stack

        return PromotionClient(self.client_for(base_url).transport, clock=self.clock)

    def realm_lock(self, base_url: str, realm: str) -> threading.Lock:
        """Serialises writes to one realm (all three resource kinds share it)."""
        return self._named_lock("realm", base_url.rstrip("/"), realm_display(realm))

    def tenant_lock(self, base_url: str) -> threading.Lock:
        """Serialises ESV writes and restarts of one tenant (they are tenant-wide)."""
        return self._named_lock("tenant", base_url.rstrip("/"))

    def claim(self, key: RealmKey, owner: str) -> str:
        """Register `owner` as the realm's manager in this program; the first one registered."""
        with self._lock:
            return self._claims.setdefault(key, owner)

    def read_once(self, own_stack: str, read: Callable[[str], C]) -> C:
        """What `read(own_stack)` finds on the backend (the other stacks' claims, the stack's
        own state), read once per deployment; a read that failed fails every later call at
        once (a hung backend is waited for once). Only callers of the same read wait for it."""
        key = (own_stack, read)
        with self._named_lock("backend read", own_stack, read.__qualname__):
            with self._lock:
                found = self._backend_reads.get(key, _UNREAD)
            if found is _UNREAD:
                try:
                    found = read(own_stack)
                except Exception as exc:
                    found = exc
                with self._lock:
                    self._backend_reads[key] = found
        if isinstance(found, Exception):
            raise found
        return cast(C, found)

    def beside(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Run `fn` on this deployment's own threads, beside the provider's (whose few threads
        the engine shares between all resources); they start on first use."""
        with self._lock:
            self._refuse_if_closed()
            if self._beside is None:
                self._beside = ThreadPoolExecutor(BESIDE_WORKERS, thread_name_prefix="aic-beside")
            pool = self._beside
        return pool.submit(fn, *args, **kwargs)

    def close(self) -> None:
        """Wait for the threads of `beside`, then close every client made: each ends the admin
        sessions it opened, all of them within `CLOSE_SECONDS`. A call while another runs (the
        watchdog's and `atexit`'s) returns when that one has ended."""
        with self._closing:
            with self._lock:
                self._closed = True
                pool, self._beside = self._beside, None
                clients, self._opened = self._opened, []
                self._clients.clear()
                self._esv_clients.clear()
            if pool is not None:
                pool.shutdown(wait=True)
            deadline = time.monotonic() + CLOSE_SECONDS
            for client in clients:
                try:
                    client.close(max(0.0, deadline - time.monotonic()))
                except Exception as exc:  # one client's failure must not keep the others' open
                    base_url = client.settings.base_url  # the type only: a value may be quoted
                    log.warning(
                        "Closing the client of %s failed (%s)", base_url, type(exc).__name__
                    )

    def _refuse_if_closed(self) -> None:
        """Called under `_lock`: a call still running while the process ends (the watchdog's
        close) gets an error, not a new admin session that nothing would end."""
        if self._closed:
            raise RuntimeError("This deployment has ended (the provider process is exiting).")

    def _named_lock(self, *key: str) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(key, threading.Lock())


_current = Deployment()  # this process = this deployment
_switch = threading.Lock()


@atexit.register
def _close_at_exit() -> None:
    """The process's deployment ends with it. The engine interrupts a provider process after
    its operation and gives it 5 s to exit; this runs then (`interrupts.py` makes sure the
    interrupt ends the main thread's wait), never after a SIGKILL."""
    current().close()


def current() -> Deployment:
    """The deployment this process runs."""
    return _current


@contextmanager
def deployment(new: Deployment | None = None) -> Iterator[Deployment]:
    """Run a block in a fresh (or the given) deployment, then put the previous one back (a
    fresh one is closed)."""
    global _current
    with _switch:
        previous, _current = _current, new or Deployment()
    try:
        yield _current
    finally:
        with _switch:
            ended, _current = _current, previous
        if new is None:
            ended.close()


CONFIG_KEYS = (
    "saId",
    "saJwk",
    "adminUsername",
    "adminPassword",
    "accessToken",
    "verifyTls",
    "caBundle",
    "fingerprintKey",
    ALLOW_INSECURE_HTTP,
)


def remember_stack_config(values: Mapping[str, Any]) -> None:
    """Keep the provider configuration of this deployment (called from `configure`)."""
    current().remember_stack_config(values)


def stack_setting(key: str) -> str | None:
    """One provider-configuration value of this deployment, if set."""
    return current().stack_config().get(key)


def settings_for(base_url: str, cfg: Mapping[str, str]) -> ConnectionSettings:
    """Connection settings for a tenant: stack configuration `cfg` first, then the
    environment."""
    from aic_sessions.client.errors import MissingCredentialsError
    from aic_sessions.client.settings import ConnectionSettings  # not needed by check / diff

    env = dict(os.environ)
    mapping = STACK_CREDENTIAL_VARIABLES
    if any(key in cfg for key in mapping):  # stack credentials replace environment ones
        for variable in (*mapping.values(), "AIC_SA_JWK_FILE", "FRODO_SA_ID", "FRODO_SA_JWK"):
            env.pop(variable, None)
        env.update({mapping[k]: v for k, v in cfg.items() if k in mapping})
    overrides: dict[str, Any] = {"base_url": base_url}
    if "verifyTls" in cfg:
        overrides["verify_tls"] = cfg["verifyTls"] != "false"  # anything else fails in check
    if "caBundle" in cfg:
        overrides["ca_bundle"] = cfg["caBundle"]
    # The stack's credentials reach the client as the variables they replace; named as keys.
    named = {mapping[k]: f"the stack's {config_key(k)}" for k in mapping if k in cfg}
    try:
        settings = ConnectionSettings.from_env(env, named=named, **overrides)
    except MissingCredentialsError:
        given = [config_key(k) for k in mapping if k in cfg]
        partial = f"The stack sets only {', '.join(given)}. " if given else ""
        halves = [] if given else _half_pairs_in(env)
        partial += "".join(f"{have} is set without {missing}. " for have, missing in halves)
        raise MissingCredentialsError(None, partial + NO_CREDENTIALS) from None
    if any(key in cfg for key in mapping):  # the stack's keys of the identity signed in with
        keys = " and ".join(config_key(k) for k in STACK_CREDENTIALS[settings.auth.method])
        settings = settings.model_copy(update={"credentials_from": f"the stack's {keys}"})
    return settings


# The one table of the stack's credentials: by way of signing in, each key and the variable
# `settings_for` hands it to the client as (the stack's credentials replace the environment's).
STACK_CREDENTIALS: dict[str, dict[str, str]] = {
    "service_account": {"saId": "AIC_SA_ID", "saJwk": "AIC_SA_JWK"},
    "admin": {"adminUsername": "AM_ADMIN_USERNAME", "adminPassword": "AM_ADMIN_PASSWORD"},
    "bearer": {"accessToken": "AIC_ACCESS_TOKEN"},
}
STACK_CREDENTIAL_VARIABLES = {k: v for keys in STACK_CREDENTIALS.values() for k, v in keys.items()}
# The credentials that only work together (the other half is never taken from elsewhere).
CREDENTIAL_PAIRS = tuple(tuple(keys) for keys in STACK_CREDENTIALS.values() if len(keys) == 2)


def signs_in_with_service_account(base_url: str) -> bool:
    """Whether this deployment's credentials for the tenant are a service account (Advanced
    Identity Cloud's); False when they are incomplete (another check reports that)."""
    from aic_sessions.client.errors import ConfigurationError
    from aic_sessions.client.settings import ServiceAccountAuth

    try:
        settings = settings_for(base_url, current().stack_config())
    except (ConfigurationError, ValueError):
        return False
    return isinstance(settings.auth, ServiceAccountAuth)


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
    cfg = current().stack_config()
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
    problems += _half_credentials(cfg)
    problems += _jwk_problems(cfg)
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


def _jwk_problems(cfg: Mapping[str, str]) -> list[tuple[str, str]]:
    """A service-account key that cannot sign, by where it was set: the stack's
    `aic-sessions:saJwk`, or (no credentials in the stack) `AIC_SA_JWK`."""
    from aic_sessions.client.settings import jwk_problem

    if cfg.get("saJwk") and len(cfg["saJwk"]) <= MAX_CONFIG_CHARS:
        why = jwk_problem(cfg["saJwk"])
        fix = "run: pulumi config set --secret aic-sessions:saJwk < sa.jwk (the whole file)"
        return [(config_key("saJwk"), f"{why}; {fix}")] if why else []
    env = os.environ.get("AIC_SA_JWK")
    if env and not any(key in cfg for key in STACK_CREDENTIAL_VARIABLES):
        why = jwk_problem(env)
        return [("AIC_SA_JWK", f"{why}; give the service account's private JWK")] if why else []
    return []


SECRET_HALVES = ("saJwk", "adminPassword")  # set with --secret; the ids are no secrets


def _half_pairs_in(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """(set, missing) variable names of the environment's half credential pairs (names only)."""
    found = []
    for pair in CREDENTIAL_PAIRS:
        first, second = (STACK_CREDENTIAL_VARIABLES[key] for key in pair)
        has = {name: bool(env.get(name)) for name in (first, second)}
        if first == "AIC_SA_ID":  # the key may come from a file instead
            has[second] = has[second] or bool(env.get("AIC_SA_JWK_FILE"))
        if has[first] != has[second]:
            found.append((first, second) if has[first] else (second, first))
    return found


def _half_credentials(cfg: Mapping[str, str]) -> list[tuple[str, str]]:
    """A credential the stack sets without its other half, where the stack sets no complete
    credentials either: `up` could not sign in."""
    complete = "accessToken" in cfg or any(all(k in cfg for k in p) for p in CREDENTIAL_PAIRS)
    if complete:
        return []
    problems = []
    for pair in CREDENTIAL_PAIRS:
        given = [k for k in pair if k in cfg]
        if len(given) == 1:
            (have,) = given
            (missing,) = [k for k in pair if k != have]
            secret = " --secret" if missing in SECRET_HALVES else ""
            problems.append(
                (
                    config_key(have),
                    f"is set without {config_key(missing)}, and the stack's credentials replace "
                    f"the environment's; run: pulumi config set{secret} {config_key(missing)} "
                    f"..., or remove {config_key(have)}.",
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
    cfg = current().stack_config()
    return any(k in cfg for k in CREDENTIAL_KEYS)


CREDENTIAL_KEYS = ("saId", "saJwk", "adminUsername", "adminPassword", "accessToken")


def client_for(base_url: str) -> AdminClient:
    """This deployment's client of a tenant."""
    return current().client_for(base_url)


def realm_lock(base_url: str, realm: str) -> threading.Lock:
    """This deployment's write lock of a realm."""
    return current().realm_lock(base_url, realm)


def _secret_bytes(settings: ConnectionSettings) -> bytes:
    auth = settings.auth
    secret = getattr(auth, "private_jwk", None) or getattr(auth, "password", None)
    secret = secret or getattr(auth, "access_token", None)
    return secret.get_secret_value().encode() if secret else b""
