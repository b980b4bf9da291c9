"""The built wheel in a fresh venv, shared by the library acceptance tests of one session."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.engine_cli import REPO_ROOT, PulumiCLI, write_python_project


def run(*args: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, f"{args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def made_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]
) -> Path:
    """Folder `name`, made by `make` once for the whole run: pytest-xdist workers share one
    temporary root, so the first worker to ask makes it (under a lock) and the others wait for
    it, instead of each building its own or all of them queueing on one worker."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder, done = root / name, root / f"{name}.done"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed midway
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def consumer_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout (once per run)."""

    def build(dist: Path) -> None:
        source = source_copy(tmp_path_factory.mktemp("source"))
        run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, source)

    [wheel] = made_once(tmp_path_factory, "dist", build).glob("aic_sessions-*.whl")
    return wheel


def source_copy(target: Path) -> Path:
    """What the wheel is built from, copied out of the checkout: setuptools writes `build/` and
    `*.egg-info` next to the sources it builds, and never into the source tree this way."""
    junk = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, target / name)
    for folder in ("provider", "emulator"):  # [tool.setuptools.packages.find] where
        shutil.copytree(REPO_ROOT / folder, target / folder, ignore=junk)
    return target


def new_venv(root: Path, wheel: Path, extras: str) -> Path:
    """A fresh venv with the wheel and `extras` (the repository's constraints keep CI
    reproducible; the wheel itself declares ranges). Tests only run it, never install into it.

    uv makes it (pip seeded in, as `python -m venv` has it) from the same wheel, metadata and
    constraints as `pip install` would, byte-compiled as pip installs are (docs/development.md
    has the times). uv reads no pip configuration: the index, local wheels and CA bundle that
    pip's variables name are passed on."""
    venv = root / "venv"
    uv = (sys.executable, "-m", "uv")
    env = uv_environment(os.environ)
    run(*uv, "venv", "--quiet", "--seed", "--python", sys.executable, venv, env=env)
    constraints = REPO_ROOT / "constraints.txt"
    spec = f"aic-sessions[{extras}] @ {wheel.as_uri()}"
    install = ("pip", "install", "--quiet", "--compile-bytecode", "--python", venv / "bin/python")
    run(*uv, *install, "-c", constraints, spec, env=env)
    return venv


def uv_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with pip's index, local wheel folders and CA bundle in uv's variables."""
    env = dict(environ)
    for pip_name, uv_name in PIP_TO_UV.items():
        if environ.get(pip_name) and not environ.get(uv_name):
            env[uv_name] = environ[pip_name]
    return env


# pip's variable -> uv's (uv reads none of pip's).
PIP_TO_UV = {
    "PIP_INDEX_URL": "UV_INDEX_URL",
    "PIP_EXTRA_INDEX_URL": "UV_EXTRA_INDEX_URL",
    "PIP_FIND_LINKS": "UV_FIND_LINKS",
    "PIP_CERT": "SSL_CERT_FILE",
}


@pytest.fixture(scope="session")
def consumer_cli_venv(tmp_path_factory: pytest.TempPathFactory, consumer_wheel: Path) -> Path:
    """A fresh venv with the built wheel and its `policy` and `cli` extras (one per run, shared
    by every wheel test: each venv is an install of the whole dependency tree)."""
    return venv_once(tmp_path_factory, "consumer-cli", consumer_wheel, "policy,cli")


def venv_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, wheel: Path, extras: str
) -> Path:
    """A venv of `extras` made once per run (see `made_once`)."""

    def make(root: Path) -> None:
        new_venv(root, wheel, extras)

    return made_once(tmp_path_factory, name, make) / "venv"


CREDENTIAL_VARIABLES = (  # every variable the client takes credentials from (client/settings.py)
    "AIC_SA_ID",
    "AIC_SA_JWK",
    "AIC_SA_JWK_FILE",
    "FRODO_SA_ID",
    "FRODO_SA_JWK",
    "AM_ADMIN_USERNAME",
    "AM_ADMIN_PASSWORD",
    "AIC_ACCESS_TOKEN",
)


@dataclass
class Consumer:
    """A user's own project on the installed wheel: its venv and its `pulumi` CLI."""

    venv: Path
    cli: PulumiCLI

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def project(self) -> Path:
        return self.cli.cwd

    def pack(self) -> str:
        """The shipped policy pack's folder, as the README finds it."""
        return run(self.python, "-m", "aic_sessions.policy_pack", "--path").strip()

    def policy_config(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`python -m aic_sessions.policy_pack.config ...` in the project (not checked)."""
        return subprocess.run(
            [str(self.python), "-m", "aic_sessions.policy_pack.config", *args],
            cwd=self.cli.cwd,
            env=self.cli.env,
            capture_output=True,
            text=True,
            timeout=600,
        )


def consumer(
    root: Path, name: str, program: str, venv: Path, engine_env: dict[str, str]
) -> Consumer:
    """Project `name` running `program` in `venv` (first on PATH, as activated), without this
    checkout on PYTHONPATH and without credentials in the environment."""
    project = root / name
    write_python_project(project, name, program, venv)
    env = {k: v for k, v in engine_env.items() if k not in CREDENTIAL_VARIABLES}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env.pop("PYTHONPATH", None)
    return Consumer(venv, PulumiCLI(project, env))
