"""The bench's CPU accounting (`bench/processes.py`): a command's CPU from the kernel, and its
split by process from /proc samples, checked against children that burn a known amount."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
processes = importlib.import_module("processes")  # bench/ is scripts, not a package

BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < {s}: pass"


def burn(seconds: float) -> list[str]:
    return [sys.executable, "-c", BURN.format(s=seconds)]


def test_tree_cpu_counts_a_grandchild() -> None:
    # A child that starts a CPU-bound grandchild and waits for it: both are in the total.
    parent = f"import subprocess; subprocess.run({burn(0.3)!r}, check=True)"
    with processes.tree_cpu() as cpu:
        subprocess.run([sys.executable, "-c", parent], check=True)
    assert 0.3 <= cpu.seconds < 2.0


def test_split_cpu_attributes_by_command_line(tmp_path: Path) -> None:
    # A process whose command line names pulumi.dynamic is the provider, however it was started.
    provider = [sys.executable, "-c", BURN.format(s=0.3), "pulumi.dynamic"]
    split = processes.split_cpu(provider, tmp_path, {}, timeout=30)
    assert split["provider"] == pytest.approx(0.3, abs=0.1)
    assert split["program"] == split["engine"] == 0.0
    # What the samples missed is the kernel's total less what they saw: never negative.
    assert 0.0 <= split["unseen"] < 0.2


def test_split_cpu_refuses_a_failed_command(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="failed"):
        processes.split_cpu([sys.executable, "-c", "raise SystemExit(3)"], tmp_path, {}, 30)


def named_pulumi(tmp_path: Path) -> str:
    """A Python interpreter whose command line reads as the engine's (`pulumi ...`)."""
    link = tmp_path / "pulumi"
    link.symlink_to(Path(sys.executable).resolve())
    return str(link)


def test_the_kind_of_an_exited_process_is_unknown(tmp_path: Path) -> None:
    # A process that has exited but not been reaped shows no command line: that says nothing
    # of its kind.
    child = subprocess.Popen([named_pulumi(tmp_path), "-c", "pass"])
    try:
        stat = Path(f"/proc/{child.pid}/stat")
        for _ in range(500):
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break
            time.sleep(0.01)
        else:
            pytest.fail("the child never became a zombie")
        assert processes._kind(child.pid) is None
    finally:
        child.wait()
    assert processes._kind(child.pid) is None  # reaped: no /proc entry at all


def test_split_cpu_counts_the_engine(tmp_path: Path) -> None:
    split = processes.split_cpu(
        [named_pulumi(tmp_path), "-c", BURN.format(s=0.3)], tmp_path, {}, timeout=30
    )
    assert split["engine"] == pytest.approx(0.3, abs=0.1)
    assert split["other"] < 0.05


HOLD_ZOMBIE = """
import subprocess, sys, time
child = subprocess.Popen([sys.argv[1], "-c", sys.argv[2]])
stat = f"/proc/{child.pid}/stat"
while open(stat).read().rsplit(")", 1)[1].split()[0] != "Z":
    time.sleep(0.005)
time.sleep(0.2)  # several samples see the ended engine before it is reaped
child.wait()
"""


def test_an_ended_engine_not_yet_reaped_keeps_its_kind(tmp_path: Path) -> None:
    # The engine's CPU stays the engine's while its parent has not reaped it (not "other").
    command = [sys.executable, "-c", HOLD_ZOMBIE, named_pulumi(tmp_path), BURN.format(s=0.3)]
    split = processes.split_cpu(command, tmp_path, {}, timeout=30)
    assert split["engine"] == pytest.approx(0.3, abs=0.1)
    assert split["other"] < 0.15  # the parent's own start


def test_split_reports_the_peak_memory_of_the_program(tmp_path: Path) -> None:
    # A program (its command line names the Python language host's exec) that holds 200 MiB
    # for a while: its peak is reported, the provider's is 0 (none ran).
    hold = "b = bytearray(200 * 2**20); import time; time.sleep(0.3)"
    program = [sys.executable, "-c", hold, "pulumi-language-python-exec"]
    split = processes.split_cpu(program, tmp_path, {}, timeout=30)
    assert 200 <= split[processes.PEAKS["program"]] < 260
    assert split[processes.PEAKS["provider"]] == 0.0
