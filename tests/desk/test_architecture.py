"""The one rule between the parts: the desk reaches the tenant only over HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import userdesk.desk

DESK = Path(userdesk.desk.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_desk_module_imports_the_tenant() -> None:
    modules = [p for p in DESK.rglob("*.py") if "static" not in p.parts]
    assert len(modules) > 20
    offenders = {
        str(p.relative_to(DESK)): sorted(n for n in _imports(p) if n.startswith("userdesk.tenant"))
        for p in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}
