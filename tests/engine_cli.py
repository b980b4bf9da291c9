"""Runs the real `pulumi` CLI for tests, in an isolated, fully local environment."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV = REPO_ROOT / ".venv"


# The longest backoff between two attempts of a request in the tests' deployments (the
# product's default is 8 s; docs/development.md). The backoff itself is tested in tests/client.
RETRY_MAX_BACKOFF = "0.5"
# The engine's Go collector runs a quarter as often (`GOGC`, default 100): a test's commands are
# short and hold little, and collecting took about 14 % of the CPU of a `stack export` followed
# by a `config get` (0.32 -> 0.28 s together; a preview 1.72 -> 1.68 s, 2026-12-05). It changes
# no behaviour; `make bench` and users run the default.
ENGINE_GOGC = "400"


def engine_environment(backend_dir: Path) -> dict[str, str]:
    """The environment `scripts/with-engine` builds, with this test's own file backend,
    `AIC_RETRY_MAX_BACKOFF` and `GOGC` (each unless the caller's environment sets it)."""
    env = {
        "AIC_RETRY_MAX_BACKOFF": RETRY_MAX_BACKOFF,
        "GOGC": ENGINE_GOGC,
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{backend_dir}",
    }
    out = subprocess.run(
        [str(REPO_ROOT / "scripts/with-engine"), "env", "-0"],
        env=env,
        check=True,
        capture_output=True,
    ).stdout
    pairs = (item.split(b"=", 1) for item in out.split(b"\0") if b"=" in item)
    return {key.decode(): value.decode() for key, value in pairs}


@dataclass
class PulumiCLI:
    """`pulumi` with a working directory and environment; every call is recorded in `log`."""

    cwd: Path
    env: dict[str, str]
    log: list[str] = field(default_factory=list)

    def run(
        self, *args: str, check: bool = True, timeout: float = 600, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`pulumi ARGS` to its end (`stdin`: what it reads, e.g. a secret value; the log
        never shows it)."""
        started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(
            ["pulumi", "--non-interactive", *args],
            cwd=self.cwd,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        log_command(args, started, before)
        self.log.append(f"$ pulumi {' '.join(args)}\n{proc.stdout}{proc.stderr}")
        if check and proc.returncode != 0:
            raise AssertionError(
                f"pulumi {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
            )
        return proc

    def start(self, *args: str, output: int | None = subprocess.DEVNULL) -> subprocess.Popen[str]:
        """`pulumi ARGS` started, not awaited (tests that interrupt it); `output` takes its
        stdout and stderr (`subprocess.PIPE` to read them)."""
        return subprocess.Popen(
            ["pulumi", "--non-interactive", *args],
            cwd=self.cwd,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT if output == subprocess.PIPE else output,
            text=True,
        )


def log_command(args: tuple[str, ...], started: float, before: resource.struct_rusage) -> None:
    """With `AIC_TEST_COMMAND_LOG` set (a file), one JSON line per finished command: the test,
    the arguments (a `config set` value left out), wall and CPU seconds (of the child processes
    that ended meanwhile: the command's own, and any a test started in the background); read
    by `scripts/suite-commands` (docs/development.md)."""
    path = os.environ.get("AIC_TEST_COMMAND_LOG")
    if not path:
        return
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    line = {
        "test": os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0],
        "args": shown_args(args),
        "wall": round(time.monotonic() - started, 3),
        "cpu": round(cpu, 3),
    }
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def shown_args(args: tuple[str, ...]) -> list[str]:
    """The arguments with the value of a `config set` left out (tests set secrets that way)."""
    shown = list(args)
    if shown[:2] == ["config", "set"]:
        positional = [i for i, a in enumerate(shown) if i >= 2 and not a.startswith("-")]
        for index in positional[1:]:
            shown[index] = "<value>"
    return shown


def run_script(
    name: str, *args: str, env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """`scripts/<name> args...` from the repository root, its output captured (not checked)."""
    started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [str(REPO_ROOT / "scripts" / name), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    log_command((f"scripts/{name}", *args), started, before)
    return proc


def write_python_project(directory: Path, name: str, program: str, venv: Path = VENV) -> None:
    """A minimal Python project that uses `venv` (by default this repository's virtualenv)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(
        f"name: {name}\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        f"    virtualenv: {venv}\n"
    )
    (directory / "__main__.py").write_text(program)
