"""A tenant's static configuration as one promotable snapshot: read, replace, compare.

Static configuration is what a promotion moves, per realm: the authentication settings (with
the signing secret's source: an ESV placeholder, the tenant's own secret, or a literal), the
Session service, journeys and scripts. Users, sessions and ESV values are dynamic and stay.

`snapshot(store)` reads it, `apply(store, snap)` replaces the whole of it (no partial
promotion), `report_entries(old, new)` lists what changed as a report's AMConfig entries,
`missing_esvs(snap, esv_ids)` names the placeholders without a default whose ESV is absent,
and `encrypted_secrets(snap)` names the literal secrets. Names follow `inferred.py`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from aic_sessions.client import inferred

from aic_emulator.errors import BadRequest
from aic_emulator.esv import esv_id_of

KINDS = ("journeys", "scripts")  # static items beyond the realm's settings
PLACEHOLDER = re.compile(r"&\{(esv\.[A-Za-z0-9._-]+)(\|[^}]*)?\}")


def snapshot(store: Any) -> dict[str, Any]:
    """The static configuration of every realm (a deep copy)."""
    with store.lock:
        return {name: _realm_snapshot(realm) for name, realm in store.state["realms"].items()}


def _realm_snapshot(realm: dict[str, Any]) -> dict[str, Any]:
    if realm.get("secretRef"):
        signing: dict[str, Any] = {"ref": realm["secretRef"]}
    elif realm["secret"] == realm.get("tenantSecret"):
        signing = {"tenant": True}
    else:
        signing = {"literal": realm["secret"]}
    return copy.deepcopy(
        {
            "authentication": realm["authentication"],
            "signing": signing,
            "session": realm["sessionService"],
            **{kind: realm.get(kind, {}) for kind in KINDS},
        }
    )


def apply(store: Any, snap: dict[str, Any]) -> None:
    """Make the store's static configuration exactly `snap` (realms it lacks are added)."""
    with store.lock:
        for name, item in snap.items():
            store.add_realm(name)
            realm = store.realm(name)
            realm["authentication"] = copy.deepcopy(item["authentication"])
            realm["sessionService"] = copy.deepcopy(item["session"])
            for kind in KINDS:
                realm[kind] = copy.deepcopy(item[kind])
            _apply_signing(realm, item["signing"])


def _apply_signing(realm: dict[str, Any], signing: dict[str, Any]) -> None:
    if "ref" in signing:
        realm["secret"], realm["secretRef"] = signing["ref"], signing["ref"]
    elif "literal" in signing:
        realm["secret"], realm["secretRef"] = signing["literal"], None
    else:
        realm["secret"], realm["secretRef"] = realm["tenantSecret"], None


def put_item(store: Any, realm: str, kind: str, uid: str, doc: Any) -> None:
    """Seed (or replace) a journey or script, as another team's tooling would."""
    _check_kind(kind)
    if not isinstance(doc, dict):
        raise BadRequest("The item must be a JSON object.")
    kept = {key: value for key, value in doc.items() if key not in ("_id", "_rev")}
    with store.lock:
        store.realm(realm).setdefault(kind, {})[uid] = copy.deepcopy(kept)


def delete_item(store: Any, realm: str, kind: str, uid: str) -> bool:
    _check_kind(kind)
    with store.lock:
        return store.realm(realm).setdefault(kind, {}).pop(uid, None) is not None


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise BadRequest(f"kind must be one of {list(KINDS)}")


# comparing ---------------------------------------------------------------------------------


def report_entries(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """AMConfig entries of what changes when `old` becomes `new` (items without change left out)."""
    changes: dict[str, dict[str, list[dict[str, str]]]] = {}
    for realm in sorted(set(old) | set(new)):
        for kind, uid, change in _realm_changes(realm, old.get(realm), new.get(realm)):
            item = inferred.REPORT_CONFIG_ITEMS[kind]
            bucket = changes.setdefault(item, {"added": [], "modified": [], "deleted": []})
            bucket[change].append({"name": uid, "realm": _display(realm), "uid": uid})
    return [{"configItem": item, "configChange": change} for item, change in changes.items()]


def _realm_changes(
    realm: str, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> list[tuple[str, str, str]]:
    before, after = old or _ABSENT, new or _ABSENT
    found: list[tuple[str, str, str]] = []
    settings = [(r["authentication"], r["signing"]) for r in (before, after)]
    if settings[0] != settings[1]:
        change = _kind(before["authentication"], after["authentication"])
        found.append(("authentication", "authentication", change))
    if before["session"] != after["session"]:
        found.append(("session", "session", _kind(before["session"], after["session"])))
    for kind in KINDS:
        for uid in sorted(set(before[kind]) | set(after[kind])):
            one, other = before[kind].get(uid), after[kind].get(uid)
            if one != other:
                found.append((kind, uid, _kind(one, other)))
    return found


_ABSENT: dict[str, Any] = {
    "authentication": None,
    "signing": None,
    "session": None,
    **{kind: {} for kind in KINDS},
}


def _kind(before: Any, after: Any) -> str:
    if before is None:
        return "added"
    return "deleted" if after is None else "modified"


def _display(realm: str) -> str:
    return realm.strip("/") or "root"


# what would block a promotion ----------------------------------------------------------------


def missing_esvs(snap: dict[str, Any], present: set[str]) -> list[str]:
    """ESV ids referenced by a placeholder without default and absent from `present`."""
    wanted: set[str] = set()
    for realm in snap.values():
        settings = {k: v for k, v in realm.items() if k != "signing"}
        for text in _strings([settings, realm["signing"].get("ref")]):
            for match in PLACEHOLDER.finditer(text):
                esv_id = esv_id_of("&{" + match.group(1) + "}")
                if match.group(2) is None and esv_id is not None:
                    wanted.add(esv_id)
    return sorted(wanted - present)


def encrypted_secrets(snap: dict[str, Any]) -> list[str]:
    """Literal secrets in static configuration, as `<realm>/<configItem>/<attribute>`."""
    item = inferred.REPORT_CONFIG_ITEMS["authentication"]
    return [
        f"{_display(name)}/{item}/{inferred.ENCRYPTED_SECRET_ATTRIBUTES[0]}"
        for name, realm in sorted(snap.items())
        if "literal" in realm["signing"]
    ]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []
