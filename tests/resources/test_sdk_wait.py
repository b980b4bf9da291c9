"""`sdk_wait.track_as_one`: the SDK's wait at the end of a program walks one task per resource
instead of one per output, and still stops at the first output that fails.

The program is the SDK's own machinery: outputs it tracks until the engine answers, the real
`wait_for_rpcs` it runs when a program returns, and answers that arrive one by one. When an SDK
upgrade changes that wait, the figures below change and this test says so.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine, Iterable
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest
from aic_sessions.resources.sdk_wait import track_as_one
from pulumi.output import Output
from pulumi.runtime import settings, stack

T = TypeVar("T")
RESOURCES = 30
OUTPUTS = 6  # per resource


def in_fresh_sdk(program: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `program` on a new event loop, with the SDK's settings of its own (its tracked
    outputs and their lock), as a Pulumi program runs."""

    def isolated() -> T:
        settings.configure(settings.Settings(project="p", stack="s"))
        # Not `asyncio.run`: it leaves the thread without an event loop, which the SDK's mocks
        # of a later test in the same process (`test_python_surface.py`) then fail to get.
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(program())
        finally:
            loop.close()

    return contextvars.copy_context().run(isolated)


class Declared:
    """A resource as the SDK leaves it: its outputs as attributes, pending until answered."""

    def __init__(self, answer: asyncio.Future[None]) -> None:
        loop = asyncio.get_running_loop()
        for index in range(OUTPUTS):
            known: asyncio.Future[bool] = loop.create_future()
            known.set_result(True)
            setattr(self, f"output{index}", Output(set(), answer, known))


def run_program(
    as_one: bool, monkeypatch: pytest.MonkeyPatch, failing: int | None = None
) -> tuple[list[int], BaseException | None, int]:
    """The sizes of the SDK's walks (`asyncio.wait` calls), what its wait raised, and how many
    resources the engine had answered by then, for a program declaring `RESOURCES` resources.
    The engine answers one resource as each walk starts, so the figures do not depend on time."""
    walked: list[int] = []
    unanswered: list[tuple[asyncio.Future[None], int]] = []
    real_wait = asyncio.wait

    def answer() -> None:
        future, index = unanswered.pop(0)
        if index == failing:
            future.set_exception(ValueError(f"resource {index} failed"))
        else:
            future.set_result(None)

    async def counting_wait(tasks: Iterable[Any], **options: Any) -> Any:
        tasks = list(tasks)
        walked.append(len(tasks))
        if unanswered:
            asyncio.get_running_loop().call_soon(answer)
        return await real_wait(tasks, **options)

    monkeypatch.setattr(asyncio, "wait", counting_wait)

    async def program() -> BaseException | None:
        loop = asyncio.get_running_loop()
        for index in range(RESOURCES):
            future: asyncio.Future[None] = loop.create_future()
            resource = Declared(future)
            if as_one:
                track_as_one(resource)
            unanswered.append((future, index))
        try:
            await stack.wait_for_rpcs()  # what the SDK runs when the program returns
        except ValueError as exc:
            return exc
        return None

    raised = in_fresh_sdk(program)
    return walked, raised, RESOURCES - len(unanswered)


def test_the_sdk_walks_every_pending_output_at_each_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walked, raised, answered = run_program(as_one=False, monkeypatch=monkeypatch)
    assert raised is None and answered == RESOURCES
    assert walked == [OUTPUTS * (RESOURCES - i) for i in range(RESOURCES)]


def test_as_one_it_walks_a_task_per_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    walked, raised, answered = run_program(as_one=True, monkeypatch=monkeypatch)
    assert raised is None and answered == RESOURCES
    assert walked == [RESOURCES - i for i in range(RESOURCES)]


@pytest.mark.parametrize("as_one", [False, True], ids=["per output", "as one"])
def test_the_wait_still_stops_at_the_first_failure(
    as_one: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked, raised, answered = run_program(as_one=as_one, monkeypatch=monkeypatch, failing=2)
    assert isinstance(raised, ValueError) and "resource 2 failed" in str(raised)
    assert answered == 3 and len(walked) == 3, "raised at the failing answer, not at the end"


def test_a_resource_with_fewer_than_two_outputs_is_left_as_it_is() -> None:
    async def no_output() -> int:
        before = len(settings.SETTINGS.outputs)
        track_as_one(SimpleNamespace(name="no output"))
        return len(settings.SETTINGS.outputs) - before

    async def one_output() -> int:
        future = asyncio.get_running_loop().create_future()
        resource = SimpleNamespace(urn=Output.from_input(future))
        before = set(settings.SETTINGS.outputs)
        track_as_one(resource)
        future.set_result("urn")
        return int(set(settings.SETTINGS.outputs) == before)

    assert in_fresh_sdk(no_output) == 0
    assert in_fresh_sdk(one_output) == 1


def test_an_sdk_without_its_tracked_outputs_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A later SDK that keeps no `SETTINGS.outputs`: nothing to replace, nothing raised."""

    async def declare() -> None:
        future = asyncio.get_running_loop().create_future()
        resource = SimpleNamespace(a=Output.from_input(future), b=Output.from_input(future))
        with monkeypatch.context() as patched:
            patched.setattr(settings, "SETTINGS", SimpleNamespace())
            track_as_one(resource)
        future.set_result(None)

    in_fresh_sdk(declare)
