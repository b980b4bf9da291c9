"""Where everything lives (one cache directory outside the clone), the ports, the credentials.

The cache is `$AIC_OPENAM_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/aic-sessions/openam/16.0.5`:

    m2/                 Maven's local repository for the two downloads (WAR, Tomcat)
    credentials.json    generated passwords (mode 0600, never printed)
    logs/               catalina.out, manager.log, configurator.log
    instance/           the server: tomcat/ (with webapps/openam), config/ (OpenAM + OpenDJ),
                        home/ (user.home: .openamcfg), configured.json once fully configured
    openam.pid          the running JVM
    .lock               one `start`/`stop`/`reset` at a time
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import string
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

VERSION = "16.0.5"
TOMCAT_VERSION = "11.0.24"
WAR_ARTIFACT = f"org.openidentityplatform.openam:openam-server:{VERSION}:war"
TOMCAT_ARTIFACT = f"org.apache.tomcat:tomcat:{TOMCAT_VERSION}:tar.gz"
DEPLOYMENT_URI = "/openam"
ADMIN_USERNAME = "amadmin"
TEST_USERNAME = "sessiontester"
REALMS = ("alpha", "bravo")
# Generated once: amadmin's, the URL access agent's (amldapuser), OpenDJ's Directory Manager's,
# the test user's passwords, and the configuration's encryption key (AM_ENC_KEY).
GENERATED = (
    "admin_password",
    "amldapuser_password",
    "directory_manager_password",
    "test_password",
    "encryption_key",
)

PORT_DEFAULTS = {
    "http": ("AIC_OPENAM_HTTP_PORT", 18080),
    "shutdown": ("AIC_OPENAM_SHUTDOWN_PORT", 18005),
    "ldap": ("AIC_OPENAM_LDAP_PORT", 18389),
    "ds_admin": ("AIC_OPENAM_DS_ADMIN_PORT", 18444),
    "jmx": ("AIC_OPENAM_JMX_PORT", 18689),
}


class ManagerError(Exception):
    """A failure `scripts/openam` reports as one line (exit code 1), with what to do."""


@dataclass(frozen=True)
class Ports:
    """The loopback ports. JMX is only a configurator field: its handler is disabled."""

    http: int
    shutdown: int
    ldap: int
    ds_admin: int
    jmx: int

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Ports:
        """Ports from the `AIC_OPENAM_*_PORT` variables, else the fixed defaults."""
        values = {key: _port(env, name, default) for key, (name, default) in PORT_DEFAULTS.items()}
        if len(set(values.values())) != len(values):
            raise ManagerError(f"the OpenAM ports must differ from each other: {values}")
        return cls(**values)

    def as_dict(self) -> dict[str, int]:
        """The ports by name, as kept in `configured.json`."""
        return asdict(self)

    def check_free(self) -> None:
        """Fail with the fix when a port the server binds is taken (another server, or another
        cache's OpenAM on the same defaults): its Tomcat would otherwise start half-bound."""
        taken = [
            f"{PORT_DEFAULTS[name][0]}={port}"
            for name, port in self.as_dict().items()
            if name != "jmx" and not _is_free(port)
        ]
        if taken:
            raise ManagerError(
                f"port(s) in use on 127.0.0.1: {', '.join(taken)}; stop what holds them "
                "(another OpenAM: `scripts/openam stop` with its AIC_OPENAM_CACHE) or choose others"
            )


def _is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ManagerError(f"{name}={raw!r} is not a port number (1-65535); unset it or fix it")
    return int(raw)


def cache_root(env: Mapping[str, str]) -> Path:
    """`$AIC_OPENAM_CACHE`, else the per-user cache directory for this OpenAM version."""
    if env.get("AIC_OPENAM_CACHE"):
        return Path(env["AIC_OPENAM_CACHE"]).expanduser().resolve()
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().resolve() / "aic-sessions" / "openam" / VERSION


@dataclass(frozen=True)
class Layout:
    """The paths under one cache root."""

    root: Path

    @property
    def m2(self) -> Path:
        return self.root / "m2"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def instance(self) -> Path:
        return self.root / "instance"

    @property
    def tomcat(self) -> Path:
        return self.instance / "tomcat"

    @property
    def webapp(self) -> Path:
        return self.tomcat / "webapps" / DEPLOYMENT_URI.strip("/")

    @property
    def config(self) -> Path:
        return self.instance / "config"

    @property
    def home(self) -> Path:
        return self.instance / "home"

    @property
    def configured_marker(self) -> Path:
        return self.instance / "configured.json"

    @property
    def pid_file(self) -> Path:
        return self.root / "openam.pid"

    @property
    def lock_file(self) -> Path:
        return self.root / ".lock"

    @property
    def credentials_file(self) -> Path:
        return self.root / "credentials.json"

    def ensure_root(self) -> None:
        """Create the cache root, readable by its owner only (it holds passwords and data)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)
        self.logs.mkdir(exist_ok=True)


def base_url(ports: Ports) -> str:
    """The URL clients use: `localhost`, as the configuration's SERVER_URL says."""
    return f"http://localhost:{ports.http}{DEPLOYMENT_URI}"


def _password(length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return "Pw" + "".join(secrets.choice(alphabet) for _ in range(length))


def write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only (created 0600, then moved into place)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def load_credentials(layout: Layout) -> dict[str, str]:
    """The generated credentials; created once (mode 0600) and reused by every later run."""
    path = layout.credentials_file
    creds: dict[str, str] = {}
    if path.exists():
        path.chmod(0o600)
        creds = json.loads(path.read_text(encoding="utf-8"))
    wanted = {
        "admin_username": ADMIN_USERNAME,
        "test_username": TEST_USERNAME,
        **{name: _password() for name in GENERATED},
        "tomcat_shutdown_command": _password(32),
    }
    missing = {key: value for key, value in wanted.items() if key not in creds}
    if missing:
        creds |= missing
        write_private(path, json.dumps(creds, indent=2) + "\n")
    return creds


def credentials_digest(layout: Layout) -> str:
    """SHA-256 of credentials.json: a configuration made with other passwords is not reused."""
    return hashlib.sha256(layout.credentials_file.read_bytes()).hexdigest()
