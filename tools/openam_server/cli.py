"""`scripts/openam start|stop|status|fetch|reset`: one OpenAM server per cache directory.

`start` prints the base URL on stdout (or a JSON object with `--json`); progress goes to stderr
and to `<cache>/logs/manager.log`. Exit codes: 0 success; 1 failure; `status` 3 when stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from openam_server import configure, fetch, provision, sessions, tomcat, web
from openam_server.layout import (
    REALMS,
    Layout,
    ManagerError,
    Ports,
    base_url,
    cache_root,
    credentials_digest,
    load_credentials,
)

log = logging.getLogger("openam")
READY_TIMEOUT = float(os.environ.get("AIC_OPENAM_READY_TIMEOUT", "900"))
STOP_TIMEOUT = float(os.environ.get("AIC_OPENAM_STOP_TIMEOUT", "60"))


def _setup_logging(layout: Layout) -> None:
    log.setLevel(logging.INFO)
    log.propagate = False
    if log.handlers:
        return
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("openam: %(message)s"))
    logfile = logging.FileHandler(layout.logs / "manager.log")
    logfile.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(message)s"))
    log.addHandler(console)
    log.addHandler(logfile)


@contextlib.contextmanager
def _locked(layout: Layout) -> Iterator[None]:
    """One start/reset at a time per cache; a second caller waits, then finds the first's result."""
    with layout.lock_file.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another scripts/openam holds %s; waiting for it", layout.lock_file)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def is_ready(url: str) -> bool:
    """True when `GET /json/serverinfo/*` answers 200 (a configured OpenAM that serves REST)."""
    try:
        answer = web.request(
            "GET", f"{url}/json/serverinfo/*", headers={"Accept-API-Version": "resource=1.1"}
        )
    except OSError:
        return False
    return answer.status == 200


def _needs_configure(layout: Layout, ports: Ports) -> bool:
    """True when the instance is absent, half-configured or configured with other credentials."""
    marker = configure.read_marker(layout)
    if marker is None:
        if layout.instance.exists():
            log.info("the instance is not fully configured (no configured.json): rebuilding it")
        return True
    if marker.get("credentials_sha256") != credentials_digest(layout):
        log.info("credentials.json changed since the configuration: rebuilding the instance")
        return True
    if marker.get("ports") != ports.as_dict():
        raise ManagerError(
            f"the instance is configured for ports {marker.get('ports')}, not {ports.as_dict()}: "
            "unset the AIC_OPENAM_*_PORT variables or run `scripts/openam reset` first"
        )
    return False


def start(layout: Layout) -> dict[str, object]:
    """Reuse the running server, or configure if needed, start, wait until ready, provision,
    end the sessions an earlier run left open."""
    with _locked(layout):
        creds = load_credentials(layout)
        ports = Ports.from_env(os.environ)
        url = base_url(ports)
        pid = tomcat.read_pid(layout)
        if pid is not None and is_ready(url):
            log.info("already running (pid %d): %s", pid, url)
            return {**_facts(layout, url, pid), "started": False}
        if pid is not None:
            log.info("pid %d is not answering; restarting it", pid)
        for stray in tomcat.our_jvms(layout):  # that one, any left by a killed run or stopping
            log.info("waiting for pid %d to end (stopping it)", stray)
            tomcat.stop(stray, layout, STOP_TIMEOUT)
        ports.check_free()
        began = time.monotonic()
        configure_seconds = 0.0
        if _needs_configure(layout, ports):
            configure_seconds = configure.configure(layout, ports, creds)
            log.info("configured in %.0f s", configure_seconds)
        fetch.write_tomcat_config(layout, ports, creds["tomcat_shutdown_command"])
        configure.quiet(configure.config_ldif(layout))
        pid = _launch_until_ready(layout, url)
        provision.provision(url, creds, REALMS)
        _end_sessions(url, creds, "left open by an earlier run")
        total = time.monotonic() - began
        log.info("ready in %.0f s (configure %.0f s): %s", total, configure_seconds, url)
        return {**_facts(layout, url, pid), "started": True, "seconds": round(total, 1)}


def _facts(layout: Layout, url: str, pid: int | None) -> dict[str, object]:
    """What callers need to find the server and its credentials file (never the passwords)."""
    return {"base_url": url, "pid": pid, "credentials_file": str(layout.credentials_file)}


def _launch_until_ready(layout: Layout, url: str) -> int:
    """Start the detached JVM and wait for REST; a failed or interrupted start is stopped."""
    offset = tomcat.log_size(layout)
    process = tomcat.launch(layout, detached=True)
    layout.pid_file.write_text(f"{process.pid}\n")
    log.info("Tomcat started (pid %d); waiting for OpenAM (80-90 s)", process.pid)
    try:
        tomcat.wait_http(
            f"{url}/json/serverinfo/*",
            lambda answer: answer.status == 200,
            lambda: tomcat.failure(process, layout, offset),
            READY_TIMEOUT,
        )
    except BaseException:
        log.info("stopping pid %d after a failed or interrupted start", process.pid)
        tomcat.stop(process.pid, layout, STOP_TIMEOUT)
        raise
    return process.pid


def stop(layout: Layout, wait: bool = True, end_sessions: bool = True) -> list[int]:
    """End the accounts' open sessions (see `sessions`; a configured server that answers, unless
    `end_sessions` is false; at most 30 s), then stop the server (and any JVM of this cache left
    by a killed run). Without `wait`: SIGTERM, and a detached `stop` waits for the end (SIGKILL
    after the stop timeout) while the caller goes on. The pid file goes either way, so a `start`
    meanwhile never reuses the server: it finds the JVM among this cache's strays and waits for
    its end too."""
    pids = set(tomcat.our_jvms(layout))
    pid = tomcat.read_pid(layout)
    if pid is not None:
        pids.add(pid)
        url = base_url(Ports.from_env(os.environ))
        if end_sessions and configure.read_marker(layout) is not None and is_ready(url):
            _end_sessions(url, load_credentials(layout), "still open")
    for each in sorted(pids):
        log.info("stopping pid %d%s", each, "" if wait else " (not waiting for its end)")
        if wait:
            tomcat.stop(each, layout, STOP_TIMEOUT)
        else:
            tomcat.terminate(each)
    layout.pid_file.unlink(missing_ok=True)
    # The SIGKILL backstop, in a process of its own. It lists the cache's JVMs within a second,
    # while these are still shutting down; a new server cannot be among them, because
    # `start` launches one only after every JVM of the cache has ended.
    if pids and not wait:
        tools = str(Path(__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (tools, os.environ.get("PYTHONPATH")) if p)
        subprocess.Popen(  # this module, with this interpreter, on this cache
            [sys.executable, "-m", "openam_server", "stop"],
            env={**os.environ, "AIC_OPENAM_CACHE": str(layout.root), "PYTHONPATH": path},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    return sorted(pids)


def _end_sessions(url: str, creds: dict[str, str], whose: str) -> None:
    """End the accounts' sessions (see `sessions`); a failure is logged, never fatal."""
    try:
        ended = sessions.end_accounts_sessions(url, creds)
    except Exception as exc:  # a stop or a start must go on whatever the server answered
        log.warning("could not end the sessions %s: %s: %s", whose, type(exc).__name__, exc)
        return
    if ended:
        log.info("ended %d session(s) %s", ended, whose)


def status(layout: Layout) -> tuple[int, dict[str, object]]:
    """(exit code, facts): 0 running and answering, 1 running but not answering, 3 stopped."""
    url = base_url(Ports.from_env(os.environ))
    pid = tomcat.read_pid(layout)
    if pid is None:
        return 3, {"state": "stopped", **_facts(layout, url, None)}
    if is_ready(url):
        return 0, {"state": "running", **_facts(layout, url, pid)}
    return 1, {"state": "not answering", **_facts(layout, url, pid)}


def reset(layout: Layout) -> None:
    """Stop and remove the instance; downloads and credentials stay."""
    with _locked(layout):
        stop(layout, end_sessions=False)  # the instance goes, its sessions with it
        fetch.wipe_instance(layout)
        log.info("removed %s", layout.instance)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/openam", description=__doc__)
    parser.add_argument(
        "command", choices=["start", "stop", "status", "fetch", "reset", "_configure-isolated"]
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object on stdout")
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="stop: send SIGTERM and return without waiting for the JVM's end",
    )
    return parser


def _run(command: str, layout: Layout, as_json: bool, wait: bool) -> int:
    if command == "start":
        facts = start(layout)
        print(json.dumps(facts) if as_json else facts["base_url"])
    elif command == "stop":
        pids = stop(layout, wait)
        print(json.dumps({"stopped": pids}) if as_json else f"stopped {pids or 'nothing'}")
    elif command == "status":
        code, facts = status(layout)
        print(json.dumps(facts) if as_json else f"{facts['state']} {facts['base_url']}")
        return code
    elif command == "fetch":
        war, archive = fetch.ensure_downloads(layout)
        print(json.dumps({"war": str(war), "tomcat": str(archive)}) if as_json else war.parent)
    elif command == "reset":
        reset(layout)
    else:
        configure.bring_loopback_up()
        configure.configure_phase(layout, Ports.from_env(os.environ), load_credentials(layout))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `scripts/openam`."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.no_wait and args.command != "stop":
        parser.error("--no-wait is an option of stop only")
    try:
        layout = Layout(cache_root(os.environ))
        layout.ensure_root()
        _setup_logging(layout)
        return _run(args.command, layout, args.json, not args.no_wait)
    except ManagerError as exc:
        log.error("error: %s", exc)
        return 1
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
