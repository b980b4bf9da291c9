"""The keywords a public class accepts, as a user's type checker sees them."""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from typing import Any, is_typeddict

UNPACKED = re.compile(r"^Unpack\[(\w+)\]$")


def keywords(cls: Any) -> dict[str, Any]:
    """Keyword name -> annotation: the constructor's parameters, with a typed `**kwargs`
    (`Unpack[SomeOptions]`) expanded to its TypedDict's keys; a TypedDict's own keys."""
    if is_typeddict(cls):
        return dict(cls.__annotations__)
    init = cls.__dict__.get("__init__", cls.__init__)
    found: dict[str, Any] = {}
    for p in inspect.signature(init).parameters.values():
        if p.name == "self":
            continue
        unpacked = UNPACKED.match(str(p.annotation)) if p.kind is p.VAR_KEYWORD else None
        if unpacked:
            options = vars(sys.modules[init.__module__])[unpacked.group(1)]
            found |= keywords(options)
        else:
            found[p.name] = p.annotation
    return found


def output_annotations(cls: type) -> set[str]:
    """The attributes a resource class annotates for type checkers: its class body's annotated
    names, those under `if TYPE_CHECKING:` included (kept out of `__annotations__` at run
    time)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = next(node for node in tree.body if isinstance(node, ast.ClassDef)).body
    blocks = [body, *(node.body for node in body if isinstance(node, ast.If))]
    return {
        node.target.id
        for block in blocks
        for node in block
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
