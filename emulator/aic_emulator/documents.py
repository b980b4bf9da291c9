"""Config documents: partial PUT (flatten, validate, apply), ETag and JSON schema.

AM flattens the sections of a PUT body and writes only the attributes sent
(`SmsSingletonProvider.handleUpdate`); `_id`, `_type` and `_rev` are ignored. An attribute
that the service does not know is a 400 listing the valid attributes. The ETag is a Java-style
32-bit string hash of the document, quoted, like the recordings (`"-1952817720"`).
"""

from __future__ import annotations

import json
from typing import Any

from aic_emulator.errors import BadRequest, InvalidAttribute

IGNORED_KEYS = frozenset({"_id", "_type", "_rev"})
Schema = dict[str, tuple[str, list[str] | None]]


def java_hash(text: str) -> int:
    """Java's String.hashCode (UTF-16 code units, signed 32-bit)."""
    value = 0
    for unit in text.encode("utf-16-be").hex(" ", 2).split():
        value = (31 * value + int(unit, 16)) & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def etag_of(doc: dict[str, Any]) -> str:
    """The revision string of a document (without quotes)."""
    content = {k: v for k, v in doc.items() if k != "_rev"}
    return str(java_hash(json.dumps(content, separators=(",", ":"))))


def attribute_sections(doc: dict[str, Any]) -> dict[str, str]:
    """attribute name -> section name, for a sectioned document."""
    return {
        attr: section
        for section, values in doc.items()
        if not section.startswith("_") and isinstance(values, dict)
        for attr in values
    }


def flatten(body: Any, sections: set[str]) -> dict[str, Any]:
    """Flatten a PUT body: nested sections and top-level attributes become one dict."""
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    flat: dict[str, Any] = {}
    for key, value in body.items():
        if key in IGNORED_KEYS:
            continue
        if key in sections and isinstance(value, dict):
            flat.update({k: v for k, v in value.items() if k not in IGNORED_KEYS})
        else:
            flat[key] = value
    return flat


def check_value(name: str, value: Any, kind: str, enum: list[str] | None) -> None:
    """Raise BadRequest when `value` does not fit the attribute's schema type."""
    problem = _type_problem(value, kind)
    if problem is None and enum is not None and value not in enum:
        problem = "must be one of " + ", ".join(enum)
    if problem is not None:
        raise BadRequest(f"Invalid value for attribute '{name}': {problem}.")


def _type_problem(value: Any, kind: str) -> str | None:
    if kind == "boolean":
        return None if isinstance(value, bool) else "must be a boolean"
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be an integer >= 0"
    if kind == "string":
        return None if isinstance(value, str) else "must be a string"
    if kind == "array":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "must be an array of strings"
    if kind == "secret":
        ok = value is None or isinstance(value, str) or _is_expression(value)
        return None if ok else 'must be a string, null or {"$string": "&{...}"}'
    return None


def _is_expression(value: Any) -> bool:
    return (
        isinstance(value, dict) and set(value) == {"$string"} and isinstance(value["$string"], str)
    )


def validate_partial(flat: dict[str, Any], sections: dict[str, str], schema: Schema) -> None:
    """Reject unknown attributes (400 with validAttributes) and values of the wrong type."""
    unknown = [name for name in flat if name not in sections]
    if unknown:
        raise InvalidAttribute(sorted(sections))
    for name, value in flat.items():
        kind, enum = schema.get(name, ("any", None))
        check_value(name, value, kind, enum)


def apply_partial(doc: dict[str, Any], flat: dict[str, Any], sections: dict[str, str]) -> None:
    """Write the flattened attributes into their sections of `doc` (in place)."""
    for name, value in flat.items():
        doc[sections[name]][name] = value


def json_schema(doc: dict[str, Any], schema: Schema) -> dict[str, Any]:
    """A JSON schema of a sectioned document, with enums, like `_action=schema`."""
    props: dict[str, Any] = {}
    sections = [s for s in doc if not s.startswith("_") and isinstance(doc[s], dict)]
    for order, section in enumerate(sections):
        attrs = {
            name: _attribute_schema(name, index, *schema.get(name, ("string", None)))
            for index, name in enumerate(doc[section])
        }
        props[section] = {
            "type": "object",
            "title": section.capitalize(),
            "propertyOrder": order,
            "properties": attrs,
        }
    return {"type": "object", "properties": props}


def _attribute_schema(name: str, order: int, kind: str, enum: list[str] | None) -> dict[str, Any]:
    node: dict[str, Any] = {"title": name, "propertyOrder": order, "required": False}
    if kind == "secret":
        node.update(type="string", format="password")
    elif kind == "array":
        node.update(type="array", items={"type": "string"})
    else:
        node["type"] = kind
    if kind == "integer":
        node["minimum"] = 0
    if enum is not None:
        node["enum"] = list(enum)
        node["options"] = {"enum_titles": list(enum)}
    return node


def merge_typed(current: dict[str, Any], update: Any, path: str = "") -> None:
    """Deep partial merge for unsectioned documents (global config): keys and JSON types
    must match what the document already holds."""
    if not isinstance(update, dict):
        raise BadRequest("The request body must be a JSON object.")
    unknown = [k for k in update if k not in current and k not in IGNORED_KEYS]
    if unknown:
        raise InvalidAttribute(sorted(k for k in current if not k.startswith("_")))
    for key, value in update.items():
        if key in IGNORED_KEYS:
            continue
        old = current[key]
        if isinstance(old, dict) and old and isinstance(value, dict):
            merge_typed(old, value, f"{path}{key}.")
        elif old is None or type(old) is type(value):
            current[key] = value
        else:
            raise BadRequest(f"Invalid value for attribute '{path}{key}': wrong type.")
