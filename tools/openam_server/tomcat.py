"""The server process: launch Tomcat (`catalina.sh run`, which execs the JVM), find it, stop it.

A JVM is ours when its command line names our `catalina.base`; the PID file alone is never
trusted (PIDs are reused).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from openam_server import web
from openam_server.layout import Layout, ManagerError

log = logging.getLogger("openam")

# The --add-exports set of upstream's Docker image (openam-distribution-docker/Dockerfile).
JAVA_EXPORTS = (
    "java.base/sun.security.util",
    "java.security.jgss/sun.security.krb5",
    "java.base/sun.security.x509",
    "java.base/sun.security.tools.keytool",
    "java.xml/com.sun.org.apache.xerces.internal.dom",
)
HEAP = "-Xmx1536m"


def catalina_opts(layout: Layout) -> str:
    """JVM options: heap, JIT and collector, upstream's exports, OpenAM's home and
    configuration directory, then `$AIC_OPENAM_JAVA_OPTS` (whitespace-separated; another
    collector needs `-XX:-UseSerialGC` first)."""
    for path in (layout.home, layout.config):
        if any(ch.isspace() for ch in str(path)):
            raise ManagerError(f"the cache path {path} contains whitespace; set AIC_OPENAM_CACHE")
    # C1 only: less JIT work while starting on two shared cores (a test server, short-lived);
    # the serial collector: no concurrent GC threads beside the tests (docs/real-server.md).
    options = ["-server", HEAP, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    options += ["-Djava.awt.headless=true"]
    options += [f"--add-exports={module}=ALL-UNNAMED" for module in JAVA_EXPORTS]
    options += [
        f"-Duser.home={layout.home}",
        f"-Dcom.iplanet.services.configpath={layout.config}",
        f"-Dcom.sun.identity.configuration.directory={layout.config}",
    ]
    extra = os.environ.get("AIC_OPENAM_JAVA_OPTS", "").split()
    return " ".join([*options, *extra])


def die_with_parent() -> None:
    """In a child before exec: SIGKILL it when its parent dies (prctl PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)


def launch(layout: Layout, *, detached: bool) -> subprocess.Popen[bytes]:
    """Start Tomcat in the foreground mode of catalina.sh; its output goes to logs/catalina.out.

    Detached: its own session, it outlives us. Otherwise (configuration) it dies with us.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CATALINA_", "JAVA_OPTS"))}
    env |= {
        "CATALINA_HOME": str(layout.tomcat),
        "CATALINA_BASE": str(layout.tomcat),
        "CATALINA_OPTS": catalina_opts(layout),
    }
    out = (layout.logs / "catalina.out").open("ab")
    try:
        return subprocess.Popen(  # noqa: S603
            [str(layout.tomcat / "bin" / "catalina.sh"), "run"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=detached,
            preexec_fn=None if detached else die_with_parent,
            cwd=layout.instance,
        )
    finally:
        out.close()


def is_ours(pid: int, layout: Layout) -> bool:
    """True when `pid` is a live (not zombie) JVM of this cache's Tomcat."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z" and f"-Dcatalina.base={layout.tomcat}".encode() in cmdline


def our_jvms(layout: Layout) -> list[int]:
    """Every live JVM of this cache's Tomcat (the server, or one left by a killed configure)."""
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [pid for pid in pids if pid != os.getpid() and is_ours(pid, layout)]


def read_pid(layout: Layout) -> int | None:
    """The server's PID from the PID file, if that process is still our JVM."""
    try:
        pid = int(layout.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if is_ours(pid, layout) else None


def stop(pid: int, layout: Layout, timeout: float = 60.0) -> None:
    """SIGTERM (Tomcat shuts down cleanly), wait, then SIGKILL after `timeout` seconds."""
    _signal(pid, signal.SIGTERM)
    if _wait_gone(pid, layout, timeout):
        return
    log.warning("pid %d still running after %.0f s; sending SIGKILL", pid, timeout)
    _signal(pid, signal.SIGKILL)
    if not _wait_gone(pid, layout, 30.0):
        raise ManagerError(f"pid {pid} survived SIGKILL; look at it with ps")


def terminate(pid: int) -> None:
    """SIGTERM only: Tomcat shuts down cleanly in its own time."""
    _signal(pid, signal.SIGTERM)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _wait_gone(pid: int, layout: Layout, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_ours(pid, layout):
            return True
        time.sleep(0.5)
    return not is_ours(pid, layout)


def failure(process: subprocess.Popen[bytes], layout: Layout, log_offset: int) -> str | None:
    """Why a start has already failed: the JVM exited, or Tomcat could not bind a port (its
    JVM then lingers, half-stopped, and would be waited on until the timeout)."""
    if process.poll() is not None:
        return f"the JVM exited with {process.returncode}"
    try:
        with (layout.logs / "catalina.out").open("rb") as out:
            out.seek(log_offset)
            if b"java.net.BindException" in out.read():
                return "Tomcat could not bind a port (java.net.BindException)"
    except FileNotFoundError:
        pass
    return None


def log_size(layout: Layout) -> int:
    """The current length of logs/catalina.out (where a new start's output begins)."""
    path = layout.logs / "catalina.out"
    return path.stat().st_size if path.exists() else 0


def wait_http(
    url: str,
    ok: Callable[[web.Response], bool],
    failed: Callable[[], str | None],
    timeout: float,
) -> web.Response:
    """Poll `url` until `ok(answer)`; fail when `failed()` names a reason or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reason = failed()
        if reason:
            raise ManagerError(f"{reason} while waiting for {url}; see logs/catalina.out")
        try:
            answer = web.request("GET", url, timeout=10)
            if ok(answer):
                return answer
        except OSError:
            pass
        time.sleep(2)
    raise ManagerError(f"{url} not ready after {timeout:.0f} s; see logs/catalina.out")
