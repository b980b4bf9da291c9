"""One task for the SDK to wait on per resource, in place of one per output.

When a program returns, the Python SDK (`wait_for_rpcs` in `pulumi.runtime.stack`) waits for
every output it tracks (`SETTINGS.outputs`): it walks all of them with `asyncio.wait` until any
completes, then walks the rest again, until none is left. A program that declares its resources
without awaiting returns before the engine has answered any registration, so every property of
every resource is a tracked output still pending, and the walks' cost grows with the outputs
times their completions (before this, about a third of the program's CPU in a preview of 200
realms, sampled with py-spy).

`track_as_one(resource)` hands the SDK one task per resource instead: the gathering of the
resource's outputs. The SDK still waits for every one of them, and still stops at the first
that fails (`asyncio.gather` fails as soon as one does), so nothing changes but the length of
its walks. It uses two of the SDK's internals (`SETTINGS.outputs` and its lock, and each
output's task, `Output._data`) and leaves everything as it is when they are missing;
`tests/resources/test_sdk_wait.py` runs the SDK's own wait and fails when an upgrade changes it.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from pulumi.output import Output
from pulumi.runtime import settings


def track_as_one(resource: object) -> None:
    """Replace the tracked tasks of `resource`'s outputs by the one that gathers them (a
    resource with fewer than two is left as it is)."""
    tracked: Any = getattr(settings.SETTINGS, "outputs", None)
    lock: Any = getattr(settings.SETTINGS, "lock", None)
    if not isinstance(tracked, set) or lock is None:
        return
    outputs = [value for value in vars(resource).values() if isinstance(value, Output)]
    with lock:  # only what the SDK still waits for (an output can hand that to another)
        tasks: list[asyncio.Future[Any]] = [
            task
            for output in outputs
            if isinstance(task := getattr(output, "_data", None), asyncio.Future)
            and task in tracked
        ]
        if len(tasks) < 2:
            return
        gathered = asyncio.gather(*tasks)
        tracked.difference_update(tasks)
        tracked.add(gathered)
    gathered.add_done_callback(functools.partial(_forget_when_resolved, tracked, lock))


def _forget_when_resolved(tracked: Any, lock: Any, gathered: asyncio.Future[Any]) -> None:
    """As the SDK does for an output: a failed or cancelled one stays for its wait to raise."""
    if gathered.cancelled() or gathered.exception() is not None:
        return
    with lock:
        tracked.discard(gathered)
