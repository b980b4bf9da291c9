"""Headless configuration (the configurator form POST) and the loopback hardening of OpenDJ.

The embedded OpenDJ opens its LDAP and administration listeners on 0.0.0.0 and a JMX/RMI port
while OpenAM configures it. So the configuring Tomcat runs in a private network namespace
(`unshare --net`, with only its own loopback) where those listeners reach nothing; once it has
stopped, config.ldif is rewritten (listeners on 127.0.0.1, JMX disabled) and only then does
the server start for real. `configured.json` is written last: without it the instance is
rebuilt from scratch, so a configuration killed half-way is never reused.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from openam_server import fetch, tomcat, web
from openam_server.layout import (
    DEPLOYMENT_URI,
    VERSION,
    Layout,
    ManagerError,
    Ports,
    credentials_digest,
)

log = logging.getLogger("openam")
ROOT_SUFFIX = "dc=openam,dc=openidentityplatform,dc=org"
LOOPBACK = "127.0.0.1"


def configurator_form(ports: Ports, layout: Layout, creds: dict[str, str]) -> dict[str, str]:
    """The configurator form: embedded OpenDJ (also the user store), host-only cookies, en_US.

    No USERSTORE_* field: USERSTORE_TYPE without USERSTORE_HOST is a 500 (AMSetupServlet reads
    an external store), and without USERSTORE_TYPE the embedded OpenDJ holds the users.
    """
    return {
        "SERVER_URL": f"http://localhost:{ports.http}",
        "DEPLOYMENT_URI": DEPLOYMENT_URI,
        "BASE_DIR": str(layout.config),
        "locale": "en_US",
        "PLATFORM_LOCALE": "en_US",
        "AM_ENC_KEY": creds["encryption_key"],
        "ADMIN_PWD": creds["admin_password"],
        "ADMIN_CONFIRM_PWD": creds["admin_password"],
        "AMLDAPUSERPASSWD": creds["amldapuser_password"],
        "AMLDAPUSERPASSWD_CONFIRM": creds["amldapuser_password"],
        "COOKIE_DOMAIN": "",
        "DATA_STORE": "embedded",
        "DIRECTORY_SSL": "SIMPLE",
        "DIRECTORY_SERVER": "localhost",
        "DIRECTORY_PORT": str(ports.ldap),
        "DIRECTORY_ADMIN_PORT": str(ports.ds_admin),
        "DIRECTORY_JMX_PORT": str(ports.jmx),
        "ROOT_SUFFIX": ROOT_SUFFIX,
        "DS_DIRMGRDN": "cn=Directory Manager",
        "DS_DIRMGRPASSWD": creds["directory_manager_password"],
        "acceptLicense": "true",
    }


def scrub(text: str, creds: dict[str, str]) -> str:
    """`text` with every generated secret replaced by `***` (for logs and error messages)."""
    for key, value in creds.items():
        if key.endswith(("_password", "_command", "_key")) and value:
            text = text.replace(value, "***")
    return text


def read_marker(layout: Layout) -> dict[str, object] | None:
    """The completed configuration's record, or None when the instance is not fully configured."""
    try:
        data: dict[str, object] = json.loads(layout.configured_marker.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return data


def configure(layout: Layout, ports: Ports, creds: dict[str, str]) -> float:
    """Build a fresh instance and configure it; returns the seconds it took."""
    started = time.monotonic()
    for pid in tomcat.our_jvms(layout):
        log.info("stopping pid %d left over from an earlier run", pid)
        tomcat.stop(pid, layout, timeout=30)
    fetch.build_instance(layout, ports, creds["tomcat_shutdown_command"])
    isolation = namespace_command()
    if isolation:
        _run_isolated(isolation)
    else:
        log.warning(
            "unshare --net is not available: configuring without a private network namespace; "
            "the embedded OpenDJ listens on all interfaces until the configuration ends"
        )
        configure_phase(layout, ports, creds)
    problems = hardening_problems(config_ldif(layout).read_text(encoding="utf-8"))
    if problems:
        raise ManagerError("config.ldif is not hardened: " + "; ".join(problems))
    seconds = time.monotonic() - started
    record = {
        "version": VERSION,
        "ports": ports.as_dict(),
        "credentials_sha256": credentials_digest(layout),
        "configure_seconds": round(seconds),
    }
    tmp = layout.configured_marker.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, layout.configured_marker)
    return seconds


def namespace_command() -> list[str] | None:
    """`unshare` arguments giving a private network namespace, or None where it is refused."""
    if shutil.which("unshare") is None:
        return None
    candidates = [["unshare", "--net"]] if os.geteuid() == 0 else []
    candidates.append(["unshare", "--user", "--map-root-user", "--net"])
    for command in candidates:
        probe = subprocess.run([*command, "true"], capture_output=True, check=False)  # noqa: S603
        if probe.returncode == 0:
            return command
    return None


def _run_isolated(isolation: list[str]) -> None:
    """Run `configure_phase` in a child process inside the private network namespace."""
    package_parent = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": package_parent}
    command = [*isolation, sys.executable, "-m", "openam_server", "_configure-isolated"]
    log.info("configuring in a private network namespace (%s)", " ".join(isolation))
    # The namespace's process (and through it the configuring JVM) dies with this one.
    result = subprocess.run(command, env=env, check=False, preexec_fn=tomcat.die_with_parent)  # noqa: S603
    if result.returncode != 0:
        raise ManagerError(f"the configuration failed (exit {result.returncode}); see logs/")


def bring_loopback_up() -> None:
    """Set `lo` up (a new network namespace starts with it down), without iproute2."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def configure_phase(layout: Layout, ports: Ports, creds: dict[str, str]) -> None:
    """Start Tomcat, POST the configurator form, stop Tomcat, harden config.ldif."""
    offset = tomcat.log_size(layout)
    process = tomcat.launch(layout, detached=False)
    try:
        _post_configurator(layout, ports, creds, lambda: tomcat.failure(process, layout, offset))
    finally:
        tomcat.stop(process.pid, layout, timeout=90)
        process.wait()
    harden(config_ldif(layout))


def _post_configurator(
    layout: Layout, ports: Ports, creds: dict[str, str], failed: Callable[[], str | None]
) -> None:
    url = f"http://localhost:{ports.http}{DEPLOYMENT_URI}"
    tomcat.wait_http(f"{url}/config/options.htm", lambda r: r.status == 200, failed, 600)
    log.info("Tomcat is up; posting the configurator form (about a minute)")
    body = urllib.parse.urlencode(configurator_form(ports, layout, creds)).encode()
    answer = web.request(
        "POST",
        f"{url}/config/configurator",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        data=body,
        timeout=900,
    )
    text = scrub(answer.text(), creds)
    (layout.logs / "configurator.log").write_text(f"HTTP {answer.status}\n{text}\n")
    if answer.status != 200 or "Configuration complete!" not in text:
        raise ManagerError(f"the configurator answered {answer.status}: {text[:500]}")


def config_ldif(layout: Layout) -> Path:
    """The embedded OpenDJ's configuration file."""
    return layout.config / "opends" / "config" / "config.ldif"


def harden(path: Path) -> None:
    """Listeners on 127.0.0.1 and the JMX handler disabled, written back atomically."""
    if not path.is_file():
        raise ManagerError(f"{path} is missing: the embedded OpenDJ was not set up")
    text = harden_text(path.read_text(encoding="utf-8"))
    tmp = path.with_suffix(".ldif.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    log.info("hardened %s (listeners on %s, JMX handler disabled)", path, LOOPBACK)


def _records(text: str) -> list[list[str]]:
    """LDIF records (blank-line separated), each as unfolded lines."""
    records: list[list[str]] = [[]]
    for line in text.splitlines():
        if not line.strip():
            if records[-1]:
                records.append([])
        elif line.startswith(" ") and records[-1]:
            records[-1][-1] += line[1:]
        else:
            records[-1].append(line)
    return [r for r in records if r]


def _has(record: list[str], attribute: str, value: str | None = None) -> bool:
    for line in record:
        name, _, rest = line.partition(":")
        if name.strip().lower() == attribute and (value is None or rest.strip().lower() == value):
            return True
    return False


def _set(record: list[str], attribute: str, value: str) -> list[str]:
    kept = [line for line in record if line.partition(":")[0].strip().lower() != attribute]
    return [*kept, f"{attribute}: {value}"]


def harden_text(text: str) -> str:
    """The LDIF with every listening handler on 127.0.0.1 and the JMX handler disabled."""
    out = []
    for record in _records(text):
        if _has(record, "objectclass", "ds-cfg-jmx-connection-handler"):
            record = _set(record, "ds-cfg-enabled", "false")
        elif _has(record, "ds-cfg-listen-port"):
            record = _set(record, "ds-cfg-listen-address", LOOPBACK)
        out.append("\n".join(record))
    return "\n\n".join(out) + "\n"


def quiet(path: Path) -> bool:
    """Turn the embedded OpenDJ's JSON LDAP access log off, in place, the server stopped (its
    flushing thread costs CPU: docs/real-server.md); True when the file changed."""
    if not path.is_file():
        log.warning("%s is missing: the embedded OpenDJ's JSON access log stays as it is", path)
        return False
    before = path.read_text(encoding="utf-8")
    after = quiet_text(before)
    if after == before:
        return False
    tmp = path.with_suffix(".ldif.tmp")
    tmp.write_text(after, encoding="utf-8")
    os.replace(tmp, path)
    log.info("turned the embedded OpenDJ's JSON access log off in %s", path)
    return True


def quiet_text(text: str) -> str:
    """The LDIF with every JSON access log publisher disabled (unchanged when it has none
    enabled)."""
    records = _records(text)
    if not any(_json_access_log_enabled(r) for r in records):
        return text
    out = [
        _set(r, "ds-cfg-enabled", "false") if _json_access_log_enabled(r) else r for r in records
    ]
    return "\n\n".join("\n".join(r) for r in out) + "\n"


def _json_access_log_enabled(record: list[str]) -> bool:
    return _has(record, "objectclass", "ds-cfg-json-file-access-log-publisher") and not _has(
        record, "ds-cfg-enabled", "false"
    )


def hardening_problems(text: str) -> list[str]:
    """What in the LDIF still listens beyond loopback (empty when hardened)."""
    problems = []
    for record in _records(text):
        dn = record[0]
        if _has(record, "objectclass", "ds-cfg-jmx-connection-handler"):
            if not _has(record, "ds-cfg-enabled", "false"):
                problems.append(f"{dn}: JMX handler enabled")
        elif _has(record, "ds-cfg-listen-port") and not _has(
            record, "ds-cfg-listen-address", LOOPBACK
        ):
            problems.append(f"{dn}: not on {LOOPBACK}")
    return problems
