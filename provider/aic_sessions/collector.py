"""Python's cyclic garbage collector, set for a program that declares many resources.

A Pulumi program allocates hundreds of thousands of short-lived objects (outputs, tasks, gRPC
messages) while its live heap grows with every resource it declares. At Python's default
thresholds (700, 10, 10) the collector walks that growing heap again and again: in a preview of
200 realms, about a quarter of the program process's CPU (1.3-1.6 s, counted with
`gc.callbacks`). Collecting the young generation every 50 000 allocations instead of every 700
leaves the same garbage collected, later, and the process's peak memory about as it was (`make
bench`, "The program's collector", measures both).

The stack program (`program.main.run`) calls `tune_collector()` first; a user's own program of
many realms can call it too. A library does not change a process's collector on import.
"""

from __future__ import annotations

import gc

# Allocations between young collections, young collections between middle ones, middle ones
# between full ones (a full one also waits until the heap has grown by a quarter).
PROGRAM_THRESHOLDS = (50_000, 20, 10)


def tune_collector() -> None:
    """Raise this process's collector thresholds to `PROGRAM_THRESHOLDS`; a threshold already
    higher stays, and a disabled collector stays disabled."""
    pairs = zip(gc.get_threshold(), PROGRAM_THRESHOLDS, strict=False)  # what both versions have
    gc.set_threshold(*(max(now, wanted) for now, wanted in pairs))
