"""CPU time of a command's processes: the engine, the language host, our program, the
dynamic-provider process.

Each command's total comes from the kernel (`RUSAGE_CHILDREN` around it: every process of its
tree that was waited for, as the engine waits for its plugins and the language host for the
program). The split by process comes from sampling `/proc` while the command runs, a separate
run so the timed ones carry no sampling; what the samples miss (each process's last interval,
processes shorter than one) is that run's kernel total less their sum, shown as `unseen`.
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

INTERVAL = 0.02  # seconds between samples of /proc
TICKS = os.sysconf("SC_CLK_TCK")
# Process kinds, by what their command line runs (first match wins).
KINDS = (
    ("provider", ("pulumi.dynamic", "pulumi-resource-pulumi-python")),
    ("program", ("pulumi-language-python-exec",)),
    ("language host", ("pulumi-language-python",)),
    ("engine", ("pulumi",)),
)
PROCESSES = ("program", "provider", "engine")  # the ones the tables show; the rest is "other"
SPLIT = (*PROCESSES, "other", "unseen")
# Peak resident memory (MiB, the kernel's high-water mark) of the Python processes, beside the
# CPU seconds in a split: key by kind of process.
PEAKS = {"program": "program peak MiB", "provider": "provider peak MiB"}


@dataclass
class Cpu:
    """CPU seconds (user + system) of the processes a block started and waited for."""

    seconds: float = 0.0


@contextmanager
def tree_cpu() -> Iterator[Cpu]:
    """CPU seconds of the child processes that ended inside the block (their whole tree)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = Cpu()
    try:
        yield cpu
    finally:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def split_cpu(
    command: list[str], cwd: Path, env: Mapping[str, str], timeout: float
) -> dict[str, float]:
    """Run `command` once, sampling its process tree: CPU seconds per kind of process (`SPLIT`),
    and the peak memory of the program and the provider process (`PEAKS`; the largest of each
    kind, as last sampled)."""
    last: dict[int, float] = {}
    kinds: dict[int, str] = {}
    peaks: dict[int, float] = {}
    deadline = time.monotonic() + timeout
    with tree_cpu() as total:
        proc = subprocess.Popen(  # noqa: S603 (our own argument list, no shell)
            command, cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        while proc.poll() is None:
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"{' '.join(command)} timed out")
            for pid, seconds in _tree(proc.pid).items():
                last[pid] = seconds
                if kinds.get(pid, "engine") in ("engine", "other"):
                    # Again until it is a plugin: a child seen between fork and exec shows its
                    # parent's command line (the engine's). An exiting process shows none: it
                    # keeps the kind it had.
                    kinds[pid] = _kind(pid) or kinds.get(pid, "other")
                if kinds[pid] in PEAKS and (peak := _peak_mib(pid)) is not None:
                    peaks[pid] = peak
            time.sleep(INTERVAL)
        _, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr.decode(errors='replace')}")
    split = dict.fromkeys(SPLIT, 0.0)
    for pid, seconds in last.items():
        kind = kinds[pid] if kinds[pid] in PROCESSES else "other"
        split[kind] += seconds
    split["unseen"] = max(0.0, total.seconds - sum(split.values()))
    for kind, key in PEAKS.items():
        split[key] = max((mib for pid, mib in peaks.items() if kinds[pid] == kind), default=0.0)
    return split


def _peak_mib(pid: int) -> float | None:
    """The high-water mark of `pid`'s resident memory (VmHWM), or None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def _tree(root: int) -> dict[int, float]:
    """CPU seconds so far of `root` and its descendants (from /proc/<pid>/stat)."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = stat[stat.rfind(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = (int(fields[11]) + int(fields[12])) / TICKS
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in used:
            found[pid] = used[pid]
        todo += children.get(pid, [])
    return found


def _kind(pid: int) -> str | None:
    """The kind of process `pid` runs; None when its command line is gone (exited and not yet
    reaped, or gone)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    if not raw:
        return None
    argv = raw.split(b"\0")
    line = " ".join(a.decode(errors="replace") for a in argv)
    first = Path(argv[0].decode(errors="replace")).name if argv and argv[0] else ""
    for kind, marks in KINDS:
        if kind == "engine":
            if first == "pulumi":
                return kind
        elif any(mark in line for mark in marks):
            return kind
    return "other"
