"""The promotions API of one upper tenant: it pulls from the tenant below (`Promotions`).

State lives in the upper tenant's store (`state["promotion"]`, so a reset or a state file
covers it) and time is the upper tenant's clock: a lock takes `config.lockSeconds` to go from
`locking` to `locked` (and from `unlocking` to `unlocked`), a run takes
`config.promotionSeconds`. Transitions happen lazily when anyone looks (`settle`), like the
restart of `esv.py`. What a run will do is decided when it starts (the lower tenant is locked,
so it cannot change): missing ESVs, encrypted secrets, the report, the snapshot to apply.

Every value no source confirms (status values, refusal statuses and messages, report item
names) comes from `aic_sessions.client.inferred`.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from aic_sessions.client import inferred

from aic_emulator import static_config
from aic_emulator.errors import BadRequest, StatusError

DEFAULT_LOCK_SECONDS = 1.0
DEFAULT_PROMOTION_SECONDS = 2.0
UNLOCKED = "unlocked"


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class Promotions:
    """Locks, runs and reports of the pair (lower, upper); both are `Emulator`s."""

    def __init__(self, lower: Any, upper: Any) -> None:
        self.lower, self.upper = lower, upper

    @property
    def _store(self) -> Any:
        return self.upper.store

    def _state(self) -> dict[str, Any]:
        state: dict[str, Any] = self._store.state.setdefault(
            "promotion",
            {
                "lock": {"state": UNLOCKED},
                "run": None,
                "status": None,
                "reports": [],
                "previous": None,
            },
        )
        return state

    def _seconds(self, key: str, default: float) -> float:
        return float(self._store.state["config"].get(key, default))

    # time ------------------------------------------------------------------------------

    def settle(self) -> None:
        """Finish whatever phase has run its time (under both tenants' locks, lower first)."""
        with self.lower.store.lock, self._store.lock:
            state, now = self._state(), self._store.now()
            lock, run, changed = state["lock"], state["run"], False
            if run is not None and now >= run["until"]:
                self._finish(state, run)
                changed = True
            if lock["state"] in ("locking", "unlocking") and now >= lock["until"]:
                lock["state"] = "locked" if lock["state"] == "locking" else UNLOCKED
                changed = True
            if changed:
                self.upper.persist()

    def lock_value(self) -> str:
        self.settle()
        return str(self._state()["lock"]["state"])

    # locks -----------------------------------------------------------------------------

    def lock_state(self) -> dict[str, Any]:
        self.settle()
        lock = self._state()["lock"]
        pid = lock.get("promotionId") if lock["state"] != UNLOCKED else None
        side = {"state": lock["state"], "proxyState": lock["state"], "promotionId": pid}
        return {
            "description": lock.get("description") if pid else None,
            "promotionId": pid,
            "result": lock["state"],
            "lowerEnv": dict(side),
            "upperEnv": dict(side),
        }

    def lock(self, body: Any, busy: bool) -> dict[str, Any]:
        """Start locking both tenants; `busy` says another pair holds one of them."""
        self.settle()
        description = body.get("description", "") if isinstance(body, dict) else ""
        with self._store.lock:
            state = self._state()
            if state["lock"]["state"] != UNLOCKED or busy:
                raise StatusError(
                    inferred.ALREADY_LOCKED_STATUS, "The environments are already locked"
                )
            pid = str(uuid.uuid4())
            seconds = self._seconds("lockSeconds", DEFAULT_LOCK_SECONDS)
            state["lock"] = {
                "state": "locking",
                "promotionId": pid,
                "description": description,
                "until": self._store.now() + seconds,
            }
            state["status"] = None  # a new lock starts from READY
        self.settle()
        return {"description": description, "promotionId": pid, "result": "locking"}

    def unlock(self, promotion_id: str) -> dict[str, Any]:
        self.settle()
        with self._store.lock:
            state = self._state()
            lock = state["lock"]
            if lock["state"] == UNLOCKED or lock.get("promotionId") != promotion_id:
                raise StatusError(
                    inferred.WRONG_PROMOTION_ID_STATUS, f"No lock with promotion id {promotion_id}"
                )
            if state["run"] is not None:
                raise StatusError(inferred.RUN_IN_PROGRESS_STATUS, "A promotion is running")
            self._start_unlock(lock)
        self.settle()
        return {
            "description": lock.get("description"),
            "promotionId": promotion_id,
            "result": "unlocking",
        }

    def _start_unlock(self, lock: dict[str, Any]) -> None:
        lock["state"] = "unlocking"
        lock["until"] = self._store.now() + self._seconds("lockSeconds", DEFAULT_LOCK_SECONDS)

    # runs ------------------------------------------------------------------------------

    def promote(self, body: Any) -> dict[str, Any]:
        params = _run_params(body, ("dryRun", "ignoreEncryptedSecrets"))
        self.settle()
        with self.lower.store.lock, self._store.lock:
            state = self._ready_to_run()
            lower = static_config.snapshot(self.lower.store)
            upper = static_config.snapshot(self._store)
            run = self._new_run(state, "promotion", params, lower)
            run["missing"] = static_config.missing_esvs(lower, self._esv_ids())
            run["encrypted"] = static_config.encrypted_secrets(lower)
            run["entries"] = static_config.report_entries(upper, lower)
        self.settle()
        return {"result": inferred.PROMOTION_ACCEPTED}

    def rollback(self, body: Any) -> dict[str, Any]:
        params = _run_params(body, ())
        self.settle()
        with self.lower.store.lock, self._store.lock:
            state = self._ready_to_run()
            previous = state["previous"]
            if previous is None:
                raise StatusError(inferred.NO_ROLLBACK_STATUS, inferred.NO_ROLLBACK_MESSAGE)
            run = self._new_run(state, "rollback", params, previous)
            run["entries"] = static_config.report_entries(
                static_config.snapshot(self._store), previous
            )
        self.settle()
        return {"result": inferred.ROLLBACK_ACCEPTED}

    def _ready_to_run(self) -> dict[str, Any]:
        state = self._state()
        if state["lock"]["state"] != "locked":
            raise StatusError(inferred.NOT_LOCKED_STATUS, "The environments are not locked")
        if state["run"] is not None:
            raise StatusError(inferred.RUN_IN_PROGRESS_STATUS, "A promotion is running")
        return state

    def _new_run(
        self, state: dict[str, Any], kind: str, params: dict[str, Any], target: dict[str, Any]
    ) -> dict[str, Any]:
        now = self._store.now()
        run = {
            **params,
            "type": kind,
            "promotionId": state["lock"]["promotionId"],
            "started": now,
            "until": now + self._seconds("promotionSeconds", DEFAULT_PROMOTION_SECONDS),
            "target": target,
            "missing": [],
            "encrypted": [],
        }
        state["run"] = run
        return run

    def _esv_ids(self) -> set[str]:
        return set(self._store._esv()["secrets"])

    def _finish(self, state: dict[str, Any], run: dict[str, Any]) -> None:
        """End a run whose time is up: apply it unless dry or blocked; record its report."""
        blocked = bool(run["missing"]) or (
            bool(run["encrypted"]) and not run["ignoreEncryptedSecrets"]
        )
        if not blocked and not run["dryRun"]:
            if run["type"] == "promotion":
                state["previous"] = static_config.snapshot(self._store)
            else:
                state["previous"] = None
            static_config.apply(self._store, run["target"])
        state["reports"].append(self._report(run))
        state["status"] = self._final_status(run, blocked)
        state["run"] = None
        if run["unlockEnvironmentsAfterPromotion"] and not blocked:
            self._start_unlock(state["lock"])

    def _final_status(self, run: dict[str, Any], blocked: bool) -> dict[str, Any]:
        done = inferred.PROMOTION_FAILED[0] if blocked else inferred.PROMOTION_SUCCEEDED[0]
        message = inferred.PROMOTION_BLOCKED_MESSAGE if blocked else inferred.PROMOTION_DONE_MESSAGE
        return self._status_doc(run, done, message, blocked)

    @staticmethod
    def _status_doc(
        run: dict[str, Any], status: str, message: str, blocking: bool
    ) -> dict[str, Any]:
        return {
            "status": status,
            "message": message,
            "type": run["type"],
            "blockingError": blocking,
            "promotionId": run["promotionId"],
            "timeStamp": iso(run["started"]),
            "missingESVs": list(run["missing"]),
            "encryptedSecrets": list(run["encrypted"]),
        }

    def status(self) -> dict[str, Any]:
        """The running run, else the last one's end (until the next lock), else READY."""
        self.settle()
        with self._store.lock:
            state = self._state()
            run = state["run"]
            if run is not None:
                doc = self._status_doc(run, inferred.PROMOTION_RUNNING[0], "", False)
            elif state["status"] is not None:
                doc = state["status"]
            else:
                idle = {
                    "type": None,
                    "promotionId": None,
                    "started": self._store.now(),
                    "missing": [],
                    "encrypted": [],
                }
                doc = self._status_doc(idle, inferred.PROMOTION_IDLE, "", False)
            locked = state["lock"]["state"] != UNLOCKED
            return {
                **doc,
                "globalLock": inferred.GLOBAL_LOCKED if locked else inferred.GLOBAL_UNLOCKED,
            }

    # reports ---------------------------------------------------------------------------

    def _report(self, run: dict[str, Any]) -> dict[str, Any]:
        created = iso(self._store.now())
        report_id = str(uuid.uuid4())
        return {
            "reportId": report_id,
            "reportName": f"{run['type']}-{created}",
            "promotionId": run["promotionId"],
            "promoter": run["promoter"],
            "promotionDescription": run["promotionDescription"],
            "createdDate": created,
            "dryRun": run["dryRun"],
            "type": run["type"],
            "missingESVs": list(run["missing"]),
            "previouslyIgnoredEncryptedSecrets": list(run["encrypted"])
            if run["ignoreEncryptedSecrets"]
            else [],
            "report": {"AMConfig": run["entries"], "IDMConfig": []},
        }

    def provisional(self) -> dict[str, Any]:
        self.settle()
        with self.lower.store.lock, self._store.lock:
            lower = static_config.snapshot(self.lower.store)
            entries = static_config.report_entries(static_config.snapshot(self._store), lower)
            return self._report({**self._provisional_run("promotion", lower), "entries": entries})

    def provisional_rollback(self) -> dict[str, Any]:
        self.settle()
        with self._store.lock:
            previous = self._state()["previous"]
            if previous is None:
                raise StatusError(inferred.NO_ROLLBACK_STATUS, inferred.NO_ROLLBACK_MESSAGE)
            entries = static_config.report_entries(static_config.snapshot(self._store), previous)
            return self._report({**self._provisional_run("rollback", previous), "entries": entries})

    def _provisional_run(self, kind: str, target: dict[str, Any]) -> dict[str, Any]:
        missing = static_config.missing_esvs(target, self._esv_ids()) if kind == "promotion" else []
        lock = self._state()["lock"]
        return {
            "type": kind,
            "promotionId": lock.get("promotionId"),
            "promoter": None,
            "promotionDescription": None,
            "dryRun": True,
            "missing": missing,
            "encrypted": [],
            "ignoreEncryptedSecrets": False,
        }

    def report(self, report_id: str | None) -> dict[str, Any]:
        self.settle()
        with self._store.lock:
            reports = self._state()["reports"]
            found = (
                reports[-1:]
                if report_id is None
                else [r for r in reports if r["reportId"] == report_id]
            )
            if not found:
                raise StatusError(inferred.WRONG_PROMOTION_ID_STATUS, "Report not found")
            return dict(found[0])

    def reports(self) -> list[dict[str, Any]]:
        self.settle()
        with self._store.lock:
            keys = ("reportId", "promotionId", "createdDate", "dryRun", "type")
            return [{k: r[k] for k in keys} for r in self._state()["reports"]]


def _run_params(body: Any, flags: tuple[str, ...]) -> dict[str, Any]:
    """The request body of POST /promote or /rollback, checked (400 on a wrong type)."""
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    params: dict[str, Any] = {"dryRun": False, "ignoreEncryptedSecrets": False}
    for key in (*flags, "unlockEnvironmentsAfterPromotion"):
        value = body.get(key, False)
        if not isinstance(value, bool):
            raise BadRequest(f"{key} must be a boolean")
        params[key] = value
    for key in ("promoter", "promotionDescription", "zendeskTicketReference"):
        value = body.get(key, "")
        if not isinstance(value, str):
            raise BadRequest(f"{key} must be a string")
        params[key] = value
    return params
