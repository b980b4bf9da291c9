"""The machine and the versions of the tools a benchmark ran with."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from scenarios import FRODO, frodo_env


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    ram_gib: float
    system: str
    pulumi: str
    pulumi_sdk: str
    python: str
    frodo: str
    node: str


def machine(workdir: Path) -> Machine:
    return Machine(
        cpu=_proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        cores=os.cpu_count() or 0,
        ram_gib=int((_proc_field("/proc/meminfo", "MemTotal") or "0 kB").split()[0]) / 2**20,
        system=f"{platform.system()} {platform.release()}",
        pulumi=_output(["pulumi", "version"]),
        pulumi_sdk=importlib.metadata.version("pulumi"),
        python=sys.version.split()[0],
        frodo=_frodo_version(workdir),
        node=_output(["node", "--version"]),
    )


def _proc_field(path: str, name: str) -> str | None:
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    found = re.search(rf"^{name}\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else None


def _output(command: list[str], env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(  # noqa: S603 (our own argument list, no shell)
        command, capture_output=True, text=True, timeout=60, env=env, check=False
    )
    return proc.stdout.strip() or "unknown"


def _frodo_version(workdir: Path) -> str:
    home = workdir / "frodo-version"
    home.mkdir(exist_ok=True)
    text = _output([str(FRODO), "--version"], frodo_env(home))
    found = dict(re.findall(r"^(cli|lib): (\S+)$", text, re.MULTILINE))
    return f"cli {found.get('cli', '?')}, lib {found.get('lib', '?')}"
