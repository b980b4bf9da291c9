"""`sdk_errors.quiet_cancellations`: a registration the engine cancelled reads as the engine
stopping (the SDK's one-line RunError), not as an exception printed with its traceback.

The error goes through the SDK's own path: `pulumi.runtime.resource` reports a failed
RegisterResource with `handle_grpc_error`. When an SDK upgrade changes that path, this fails.
"""

from __future__ import annotations

import grpc  # type: ignore[import-untyped]
import pytest
from aic_sessions.resources import sdk_errors
from pulumi.errors import RunError
from pulumi.runtime import resource, settings


class FailedCall(grpc.RpcError):  # type: ignore[misc]
    """What a unary call raises: an RpcError that is also a call, with its status."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(details)
        self._code, self._details = code, details

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details


@pytest.fixture
def sdk_translation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's own translation, put back after the test."""
    current = settings.grpc_error_to_exception  # installed already, by an earlier test?
    original = getattr(current, sdk_errors.SDK_TRANSLATION, current)
    monkeypatch.setattr(settings, "grpc_error_to_exception", original)


def raised(call: FailedCall) -> BaseException:
    with pytest.raises(Exception) as caught:
        resource.handle_grpc_error(call)  # type: ignore[attr-defined]
    return caught.value


@pytest.mark.usefixtures("sdk_translation")
def test_the_sdk_alone_reports_a_cancelled_registration_as_an_exception() -> None:
    """The behaviour this module exists for (if an SDK upgrade fixes it, this says so)."""
    error = raised(FailedCall(grpc.StatusCode.CANCELLED, "context canceled"))
    assert type(error) is Exception and str(error) == "context canceled"


@pytest.mark.usefixtures("sdk_translation")
def test_a_cancelled_registration_reads_as_the_engine_stopping() -> None:
    sdk_errors.quiet_cancellations()
    sdk_errors.quiet_cancellations()  # once per process, however many resources call it
    error = raised(FailedCall(grpc.StatusCode.CANCELLED, "context canceled"))
    assert isinstance(error, RunError) and str(error) == sdk_errors.STOPPING
    stopped = raised(FailedCall(grpc.StatusCode.UNAVAILABLE, "gone"))
    assert isinstance(stopped, RunError) and str(stopped) == sdk_errors.STOPPING
    other = raised(FailedCall(grpc.StatusCode.INVALID_ARGUMENT, "bad request"))
    assert type(other) is Exception and str(other) == "bad request", "other errors unchanged"
    installed = settings.grpc_error_to_exception
    inner = getattr(installed, sdk_errors.SDK_TRANSLATION)
    assert not hasattr(inner, sdk_errors.SDK_TRANSLATION), "installed once, not wrapped twice"
