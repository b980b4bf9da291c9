"""`scripts/openam` without a server: hardening, half-configured instances, ports, credentials."""

from __future__ import annotations

import json
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.realserver.manager import cli, configure, fetch, layout, tomcat

CONFIG_LDIF = """\
dn: cn=config
objectClass: top
cn: config

dn: cn=Administration Connector,cn=config
objectClass: ds-cfg-administration-connector
ds-cfg-listen-port: 4444
ds-cfg-key-manager-provider: cn=Administration,cn=Key Manager Providers,cn=co
 nfig

dn: cn=LDAP Connection Handler,cn=Connection Handlers,cn=config
objectClass: ds-cfg-ldap-connection-handler
ds-cfg-listen-address: 0.0.0.0
ds-cfg-listen-port: 50389
ds-cfg-enabled: true

dn: cn=JMX Connection Handler,cn=Connection Handlers,cn=config
objectClass: ds-cfg-jmx-connection-handler
ds-cfg-listen-port: 1689
ds-cfg-enabled: true
"""


def test_the_embedded_opendj_as_configured_listens_beyond_loopback() -> None:
    problems = configure.hardening_problems(CONFIG_LDIF)
    assert len(problems) == 3, problems


def test_hardening_puts_listeners_on_loopback_and_disables_jmx() -> None:
    hardened = configure.harden_text(CONFIG_LDIF)
    assert configure.hardening_problems(hardened) == []
    assert "0.0.0.0" not in hardened
    assert hardened.count("ds-cfg-listen-address: 127.0.0.1") == 2
    assert "cn=Key Manager Providers,cn=config" in hardened  # folded line kept whole
    jmx = hardened.split("cn=JMX Connection Handler")[1]
    assert "ds-cfg-enabled: false" in jmx and "ds-cfg-enabled: true" not in jmx
    assert configure.harden_text(hardened) == hardened  # idempotent


LOGGERS_LDIF = """\
dn: cn=Json File-Based Access Logger,cn=Loggers,cn=config
cn: Json File-Based Access Logger
ds-cfg-enabled: true
ds-cfg-java-class: org.opends.server.loggers.JsonFileAccessLogPublisher
objectClass: ds-cfg-json-file-access-log-publisher
objectClass: ds-cfg-log-publisher

dn: cn=File-Based Error Logger,cn=Loggers,cn=config
ds-cfg-enabled: true
objectClass: ds-cfg-file-based-error-log-publisher
"""


def test_quieting_turns_only_the_json_access_log_off(tmp_path: Path) -> None:
    path = tmp_path / "config.ldif"
    path.write_text(LOGGERS_LDIF)
    assert configure.quiet(path)
    json_log, error_log = path.read_text().split("\n\n")
    assert "ds-cfg-enabled: false" in json_log and "ds-cfg-enabled: true" not in json_log
    assert "ds-cfg-enabled: true" in error_log
    assert not configure.quiet(path)  # idempotent: nothing left to change
    assert configure.quiet_text(CONFIG_LDIF) == CONFIG_LDIF  # no such logger: untouched
    assert not configure.quiet(tmp_path / "absent.ldif")


def test_tomcat_listens_on_loopback_only() -> None:
    ports = layout.Ports.from_env({})
    xml = fetch.server_xml(ports, "Shutdown123")
    assert xml.count('address="127.0.0.1"') == 2
    assert "AJP" not in xml and "SSLEnabled" not in xml
    assert f'port="{ports.http}"' in xml and f'port="{ports.shutdown}"' in xml


def _cache(tmp_path: Path) -> Any:
    where = layout.Layout(tmp_path / "cache")
    where.ensure_root()
    layout.load_credentials(where)
    return where


def _write_marker(where: Any, ports: Any, digest: str) -> None:
    where.instance.mkdir(parents=True, exist_ok=True)
    record = {"ports": ports.as_dict(), "credentials_sha256": digest}
    where.configured_marker.write_text(json.dumps(record))


def test_a_configuration_killed_half_way_is_rebuilt(tmp_path: Path) -> None:
    where = _cache(tmp_path)
    (where.config / "opends").mkdir(parents=True)  # left by a configure that never finished
    assert cli._needs_configure(where, layout.Ports.from_env({})) is True
    fetch.wipe_instance(where)
    assert not where.instance.exists()
    assert where.credentials_file.exists()  # the passwords outlive the instance


def test_a_complete_configuration_is_reused(tmp_path: Path) -> None:
    where = _cache(tmp_path)
    ports = layout.Ports.from_env({})
    _write_marker(where, ports, layout.credentials_digest(where))
    assert cli._needs_configure(where, ports) is False


def test_other_credentials_mean_a_new_configuration(tmp_path: Path) -> None:
    where = _cache(tmp_path)
    ports = layout.Ports.from_env({})
    _write_marker(where, ports, "0" * 64)
    assert cli._needs_configure(where, ports) is True


def test_other_ports_are_refused_with_the_fix(tmp_path: Path) -> None:
    where = _cache(tmp_path)
    _write_marker(where, layout.Ports.from_env({}), layout.credentials_digest(where))
    other = layout.Ports.from_env({"AIC_OPENAM_HTTP_PORT": "18081"})
    with pytest.raises(layout.ManagerError, match="scripts/openam reset"):
        cli._needs_configure(where, other)


@pytest.mark.parametrize("value", ["http", "0", "70000"])
def test_a_bad_port_variable_is_named(value: str) -> None:
    with pytest.raises(layout.ManagerError, match="AIC_OPENAM_LDAP_PORT"):
        layout.Ports.from_env({"AIC_OPENAM_LDAP_PORT": value})


def test_credentials_are_private_and_kept(tmp_path: Path) -> None:
    where = _cache(tmp_path)
    first = layout.load_credentials(where)
    assert stat.S_IMODE(where.credentials_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(where.root.stat().st_mode) == 0o700
    assert layout.load_credentials(where) == first
    assert first["admin_password"] != first["amldapuser_password"]


def test_scrub_hides_every_generated_secret(tmp_path: Path) -> None:
    creds = layout.load_credentials(_cache(tmp_path))
    text = " ".join(creds.values())
    scrubbed = configure.scrub(text, creds)
    for key in ("admin_password", "test_password", "directory_manager_password"):
        assert creds[key] not in scrubbed


def test_a_taken_port_is_refused_before_anything_starts() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        ports = layout.Ports.from_env({"AIC_OPENAM_SHUTDOWN_PORT": str(port)})
        with pytest.raises(layout.ManagerError, match=f"AIC_OPENAM_SHUTDOWN_PORT={port}"):
            ports.check_free()


def test_a_tomcat_that_could_not_bind_is_a_failure_at_once(tmp_path: Path) -> None:
    """A Tomcat that could not bind (its JVM lingering, stopped half-way) fails `start` at
    once instead of being waited for until the 900 s timeout."""
    where = _cache(tmp_path)
    out = where.logs / "catalina.out"
    out.write_bytes(b"java.net.BindException: Address already in use (an earlier start)\n")
    offset = tomcat.log_size(where)
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as jvm:
        try:
            assert tomcat.failure(jvm, where, offset) is None  # old news is ignored
            with out.open("ab") as log:
                log.write(b"SEVERE ... java.net.BindException: Address already in use\n")
            assert "could not bind" in tomcat.failure(jvm, where, offset)
        finally:
            jvm.kill()
    assert "exited" in tomcat.failure(jvm, where, offset)


SLOW_TO_STOP = """\
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: (time.sleep(1.5), sys.exit(0)))
print("ready", flush=True)
time.sleep(60)
"""


def test_a_stop_without_waiting_sends_sigterm_returns_at_once_and_is_never_reused(
    tmp_path: Path,
) -> None:
    """`stop --no-wait` (the end of a test run): SIGTERM, no wait for a shutdown that takes 30 s
    or more after a run, and no pid file left, so a `start` meanwhile never reuses the dying
    server; the server then ends by itself."""
    where = _cache(tmp_path)
    jvm_args = [f"-Dcatalina.base={where.tomcat}"]
    with subprocess.Popen(
        [sys.executable, "-c", SLOW_TO_STOP, *jvm_args], stdout=subprocess.PIPE, text=True
    ) as jvm:
        try:
            assert jvm.stdout is not None and jvm.stdout.readline() == "ready\n"
            where.pid_file.write_text(f"{jvm.pid}\n")
            assert tomcat.read_pid(where) == jvm.pid
            assert cli.stop(where, wait=False) == [jvm.pid]
            assert jvm.poll() is None, "the stop waited for the end"
            assert tomcat.read_pid(where) is None
            assert cli.status(where)[0] == 3  # so `start` launches anew, never reusing it
            assert jvm.pid in tomcat.our_jvms(where)  # what the next `start` stops first
            assert jvm.wait(timeout=10) == 0  # it had its SIGTERM and shut down in its own time
        finally:
            jvm.kill()


def test_a_stop_without_waiting_still_kills_a_server_that_ignores_sigterm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SIGKILL backstop of `stop --no-wait`: a detached `stop` of the same cache waits out
    the stop timeout and kills a server whose shutdown hangs."""
    where = _cache(tmp_path)
    monkeypatch.setenv("AIC_OPENAM_STOP_TIMEOUT", "1")
    hangs = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ready', flush=True); time.sleep(60)"
    )
    jvm_args = [f"-Dcatalina.base={where.tomcat}"]
    with subprocess.Popen(
        [sys.executable, "-c", hangs, *jvm_args], stdout=subprocess.PIPE, text=True
    ) as jvm:
        try:
            assert jvm.stdout is not None and jvm.stdout.readline() == "ready\n"  # SIGTERM ignored
            where.pid_file.write_text(f"{jvm.pid}\n")
            assert cli.stop(where, wait=False) == [jvm.pid]
            assert jvm.poll() is None
            assert jvm.wait(timeout=20) == -signal.SIGKILL
        finally:
            jvm.kill()
