"""A registration the engine cancelled reads as the engine stopping, without a traceback.

When a resource's `check` fails (a bad value), the engine stops the deployment and cancels the
RegisterResource calls still in flight. The Python SDK (`grpc_error_to_exception` in
`pulumi.runtime.settings`) turns UNAVAILABLE, the engine gone, into its one-line
`RunError("Resource monitor has terminated, shutting down")`, but any other status into a plain
`Exception`, which the language host prints as "Program failed with an unhandled exception"
with a traceback ending in `Exception: context canceled`, under the engine's own clear error
(seen once in six whole runs of the suite, in a preview refused for a bad value). Here a
CANCELLED registration is translated as UNAVAILABLE is. Only the SDK's module attribute is
replaced (its `handle_grpc_error` reads it at each call), and nothing when it is missing;
`tests/resources/test_sdk_errors.py` fails when an SDK upgrade changes that path.
"""

from __future__ import annotations

from typing import Any

from pulumi.errors import RunError
from pulumi.runtime import settings

STOPPING = "Resource monitor has terminated, shutting down"  # the SDK's own words
SDK_TRANSLATION = "sdk_translation"  # on the installed function: the SDK's, which it wraps


def quiet_cancellations() -> None:
    """Install the translation once per process (idempotent; a no-op without the SDK's)."""
    translate: Any = getattr(settings, "grpc_error_to_exception", None)
    if translate is None or hasattr(translate, SDK_TRANSLATION):
        return

    def grpc_error_to_exception(exn: Any) -> Exception:
        code = getattr(exn, "code", None)  # a `grpc.StatusCode`, read by name (grpc is untyped)
        if callable(code) and getattr(code(), "name", None) == "CANCELLED":
            return RunError(STOPPING)
        result: Exception = translate(exn)
        return result

    setattr(grpc_error_to_exception, SDK_TRANSLATION, translate)
    settings.grpc_error_to_exception = grpc_error_to_exception
