"""The Python examples of the README and `docs/` are valid code over the real public surface: each
block compiles, every name it imports from `aic_sessions` is exported, and every keyword it
passes to an exported class is one of that class's parameters.

Guards against examples that drift from the package (a renamed option, a removed export).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import aic_sessions
import pytest

from tests.library.signatures import keywords

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for i, code in enumerate(BLOCK.findall(page.read_text())):
            found.append((f"{page.relative_to(ROOT)}#{i + 1}", code))
    return found


@pytest.mark.parametrize(("where", "code"), blocks(), ids=[w for w, _ in blocks()])
def test_python_examples_use_the_public_surface(where: str, code: str) -> None:
    tree = ast.parse(code, filename=where)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "aic_sessions":
            for alias in node.names:
                assert alias.name in aic_sessions.__all__, f"{where}: {alias.name} is not exported"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id not in aic_sessions.__all__:
                continue
            cls = getattr(aic_sessions, node.func.id)
            parameters = keywords(cls)
            for keyword in node.keywords:
                assert keyword.arg in parameters, f"{where}: {node.func.id}({keyword.arg}=...)"


def test_the_readme_shows_a_program() -> None:
    assert any(where.startswith("README.md") for where, _ in blocks())
