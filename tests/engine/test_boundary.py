"""The engine never imports Django: checked on the source and in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import comity.engine

ENGINE = Path(comity.engine.__file__).parent
FORBIDDEN_ROOTS = {"django", "rest_framework", "drf_spectacular", "rules", "celery"}
ALLOWED_COMITY = ("comity.engine",)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_engine_module_imports_a_framework_or_an_app() -> None:
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        for name in _imports(path):
            root = name.split(".")[0]
            if root in FORBIDDEN_ROOTS or (root == "comity" and not name.startswith(ALLOWED_COMITY)):
                offenders.append(f"{path.relative_to(ENGINE)} imports {name}")
    assert offenders == []


def test_importing_every_engine_module_loads_no_django() -> None:
    modules = [
        "comity.engine." + ".".join(p.relative_to(ENGINE).with_suffix("").parts)
        for p in sorted(ENGINE.rglob("*.py"))
        if p.name != "__init__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework', 'rules', 'celery'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
