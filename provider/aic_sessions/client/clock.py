"""`Clock`: how the client waits (restarts, promotion locks and phases), injectable.

Waits poll a server on the wall clock in production; tests give a clock whose `sleep` moves
the emulator's clock instead of waiting, so a 900-second restart budget costs no time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Clock:
    """A monotonic time source and a sleep on it."""

    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic


SYSTEM_CLOCK = Clock()
