"""`EmulatorClock`: time that passes only when the code under test waits.

Its `clock` (a client `Clock`) moves the emulators' clocks instead of sleeping, so a restart or
promotion that takes minutes on the emulator's clock is waited for in no wall-clock time, and
`sleeps` counts the polls.
"""

from __future__ import annotations

from aic_emulator.testing import EmulatorServer
from aic_sessions.client.clock import Clock


class EmulatorClock:
    """A clock for the client whose sleep advances the given emulators' clocks."""

    def __init__(self, *tenants: EmulatorServer) -> None:
        self.tenants = tenants
        self.now = 0.0
        self.sleeps = 0
        self.clock = Clock(sleep=self.sleep, monotonic=self.monotonic)

    def sleep(self, seconds: float) -> None:
        for tenant in self.tenants:
            tenant.advance_clock(seconds)
        self.now += seconds
        self.sleeps += 1

    def monotonic(self) -> float:
        return self.now
