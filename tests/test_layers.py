"""The dependency direction (README "Layout") is checked by lint-imports in `make lint`; an
import hidden in a function body would still count there, but would hide the arrow from a
reader, so imports of another app sit at the top of the module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["xuexin", "records", "audit", "accounts", "verification", "helpcenter", "surveys", "demo"]


def _nested_imports_of_other_apps(app: str) -> list[str]:
    found = []
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if function.name == "ready":
                continue  # AppConfig.ready is where Django wants start-up imports
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in APPS and top != app:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    return found


def test_no_app_imports_another_inside_a_function():
    hidden = [line for app in APPS for line in _nested_imports_of_other_apps(app)]
    assert hidden == []
