"""The language host ends on the engine's SIGINT at once, even when it inherited SIGINT ignored
(a `pulumi` started as a background job of a script): the engine waits 5 s before killing a
host that ignores it, on every command."""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine


def language_host() -> Path:
    """Our language host, next to the `pulumi` on PATH (scripts/with-engine puts it first)."""
    pulumi = shutil.which("pulumi")
    assert pulumi is not None, "run through scripts/with-engine (make test)"
    return Path(pulumi).resolve().parent / "pulumi-language-python"


@pytest.mark.parametrize("inherited", ["default", "ignored"])
def test_sigint_ends_the_host_at_once(inherited: str) -> None:
    def start() -> None:
        if inherited == "ignored":
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    host = subprocess.Popen(
        [str(language_host())], stdout=subprocess.PIPE, text=True, preexec_fn=start
    )
    try:
        assert host.stdout is not None
        assert host.stdout.readline().strip().isdigit(), "the host prints its port when serving"
        host.send_signal(signal.SIGINT)
        host.wait(timeout=2)  # the engine would kill it after 5 s
    finally:
        host.kill()
        host.wait()
    assert host.returncode != 0
