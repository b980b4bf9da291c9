"""`DeploymentReadCache`: each realm document read at most once per deployment.

The provider process lives for one engine operation (one `up`, `refresh` or `destroy`), and
the three resources of a realm all read the same authentication document. This cache keeps
what this process has seen of a document, keyed by tenant, realm and document: the answer to
the first read, then the document each of our own writes returns (the server's statement of
the document after the write). So a value is never older than the deployment, and what the
cache holds is always something the server said. A failed or unconfirmed write forgets the
entry (the next read asks the server again); errors are never cached.

Loads of one key are single-flight: concurrent readers wait for the first one's answer. A
write landing while a read is under way wins (the read's older answer is dropped).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

Key = tuple[str, str, str]  # (tenant base URL, realm as AM spells it, document)


@dataclass(frozen=True)
class _Slot(Generic[T]):
    value: T


class DeploymentReadCache:
    """Documents seen in this process, per (tenant, realm, document). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Key, _Slot[object]] = {}
        self._generation: dict[Key, int] = {}
        self._loading: dict[Key, threading.Lock] = {}
        self.loads = 0  # reads that went to the server (for tests and the benchmark)
        self.hits = 0

    def fetch(self, key: Key, load: Callable[[], T]) -> T:
        """The cached value of `key`, or `load()`'s answer, kept unless a write came meanwhile."""
        with self._lock:
            gate = self._loading.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                slot = self._values.get(key)
                if slot is not None:
                    self.hits += 1
                    return slot.value  # type: ignore[return-value]
                generation = self._generation.get(key, 0)
                self.loads += 1
            value = load()
            with self._lock:
                if self._generation.get(key, 0) == generation:
                    self._values[key] = _Slot(value)
            return value

    def store(self, key: Key, value: object) -> None:
        """What a write of ours returned: the document as it is now."""
        with self._lock:
            self._generation[key] = self._generation.get(key, 0) + 1
            self._values[key] = _Slot(value)

    def forget(self, key: Key) -> None:
        """The document's state is unknown (a write failed or removed it): read it again."""
        with self._lock:
            self._generation[key] = self._generation.get(key, 0) + 1
            self._values.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            for key in set(self._values) | set(self._loading):
                self._generation[key] = self._generation.get(key, 0) + 1
            self._values.clear()


class NoReadCache(DeploymentReadCache):
    """Every read goes to the server (the verifier and other one-off clients)."""

    def fetch(self, key: Key, load: Callable[[], T]) -> T:
        return load()

    def store(self, key: Key, value: object) -> None:
        return None

    def forget(self, key: Key) -> None:
        return None
