"""`make up`'s script as a user runs it: the emulator's promotion group and the repository's
chain, dev written, staging and prod by promotion, each verified; run again (`make up UP_TO=dev`)
over the state both the emulator and the backend kept, it writes nothing and verifies again.
That an unchanged upper stack's `up` writes nothing and takes no promotion lock is
`tests/chain/test_chain_e2e.py`'s (the same stacks and pack, without the script around them)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.engine_cli import REPO_ROOT, run_script

pytestmark = pytest.mark.engine


def free_ports(count: int = 3) -> int:
    """A first port with `count - 1` free neighbours (the script uses PORT, +1, +2)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = int(probe.getsockname()[1])
        if first + count < 65536 and all(_free(first + i) for i in range(count)):
            return first
    raise RuntimeError("no three consecutive free ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_local_up_deploys_the_chain_and_a_rerun_changes_nothing(
    tmp_path: Path, engine_env: dict[str, str]
) -> None:
    env = {
        **engine_env,
        "LOCAL_UP_DIR": str(tmp_path / "emulator"),
        "LOCAL_UP_PORT": str(free_ports()),
        # instant locks and promotions: the phases over time are the emulator's and chain's tests
        "LOCAL_UP_LOCK_SECONDS": "0",
        "LOCAL_UP_PROMOTION_SECONDS": "0",
    }

    def local_up(*args: str) -> str:
        proc = run_script("local-up", *args, env=env, timeout=900)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    stack_files = repository_stack_files()
    first = local_up()
    dev, staging, prod = (counts(first, name) for name in ("dev", "staging", "prod"))
    # dev: per realm its three resources' writes and its Session service's, the 2 ESVs and the
    # tenant's one restart
    assert dev["writes"] == 2 * 4 + 2 + 1 and dev["counts"]["POST /environment/startup"] == 1
    for upper in (staging, prod):
        # only the environment's own ESVs and restart; the realms came by promotion
        assert upper["writes"] == 3, upper
        assert upper["counts"]["POST /environment/promotion/promote"] == 2  # dry run, promotion
        assert not [k for k in upper["counts"] if "realm-config" in k and k[:3] in ("PUT", "POS")]
    assert first.count("2 of 2 realm(s) passed.") == 3
    assert promotion(first, "staging")["result"] == "promoted"
    assert promotion(first, "prod")["result"] == "promoted"

    second = local_up("dev")
    assert counts(second, "dev")["writes"] == 0, counts(second, "dev")
    assert "=== staging" not in second and "=== prod" not in second
    assert second.count("2 of 2 realm(s) passed.") == 1
    assert repository_stack_files() == stack_files, "make up never writes the repository's stacks"


def repository_stack_files() -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (REPO_ROOT / "stacks").glob("Pulumi.*.yaml")}


def counts(output: str, stack: str) -> dict[str, Any]:
    """The emulator's request counts that local-up prints after a stack's deployment."""
    counts: dict[str, Any] = json.loads(
        _after(output, f"admin API requests of the {stack} deployment")
    )
    return counts


def promotion(output: str, stack: str) -> dict[str, Any]:
    lines = output.splitlines()
    start = lines.index(f"local-up: the promotion into {stack}") + 1
    end = next(i for i in range(start, len(lines)) if lines[i] == "}")
    return dict(json.loads("\n".join(lines[start : end + 1])))


def _after(output: str, marker: str) -> str:
    lines = output.splitlines()
    return lines[next(i for i, line in enumerate(lines) if marker in line) + 1]
