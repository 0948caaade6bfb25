"""Packaging: every package folder is installed, and layers import only the layers before them."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_DIRS: dict[str, str] = CONFIG["tool"]["setuptools"]["package-dir"]
PACKAGES: list[str] = CONFIG["tool"]["setuptools"]["packages"]

# The base modules of ``kinlink/`` that every layer may import; they import no layer
# (kinlink.csvfile: the one CSV writer and reader; kinlink.background: a job in a forked child;
# kinlink.sorting: rows sorted by string columns with Arrow).
BASE = {
    "kinlink.errors",
    "kinlink.contract",
    "kinlink.folders",
    "kinlink.memory",
    "kinlink.csvfile",
    "kinlink.unionfind",
    "kinlink.sorting",
    "kinlink.background",
}

# Which kinlink layers each layer may import (style.md: loaders -> graph -> queries -> shell).
ALLOWED = {
    "kinlink.loaders": {"kinlink.loaders", *BASE},
    "kinlink.graph": {"kinlink.loaders", "kinlink.graph", *BASE},
    "kinlink.queries": {"kinlink.loaders", "kinlink.graph", "kinlink.queries", *BASE},
}


def _package_folders() -> dict[str, Path]:
    found = {}
    for package, folder in PACKAGE_DIRS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            name = ".".join([package, *relative.parts]) if relative.parts else package
            if not any(part.startswith(".") for part in relative.parts):
                found[name] = init.parent
    return found


def test_every_package_folder_is_listed_in_pyproject() -> None:
    missing = sorted(set(_package_folders()) - set(PACKAGES))
    assert not missing, f"add to [tool.setuptools] packages: {missing}"


def _kinlink_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("kinlink.")}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layers_import_only_earlier_layers(layer: str) -> None:
    folder = ROOT / PACKAGE_DIRS[layer]
    offending = []
    for path in folder.rglob("*.py"):
        for name in _kinlink_imports(path):
            if not any(name == ok or name.startswith(ok + ".") for ok in ALLOWED[layer]):
                offending.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offending, offending


@pytest.mark.parametrize("module", sorted(BASE))
def test_base_modules_import_no_layer(module: str) -> None:
    path = ROOT / "kinlink" / f"{module.rsplit('.', 1)[1]}.py"
    assert path.is_file(), f"base module {module} has no file {path}"
    offending = sorted(_kinlink_imports(path) - BASE)
    assert not offending, f"{module} imports {offending}"


def test_optional_engines_are_imported_in_one_place_only() -> None:
    """style.md: neo4j only in the Neo4j module, streamlit only in dashboard/."""
    for module, allowed_folder in (("streamlit", "dashboard"),):
        users = []
        for folder in ("kinlink", "loaders", "graph", "queries"):
            for path in (ROOT / folder).rglob("*.py"):
                tree = ast.parse(path.read_text(encoding="utf-8"))
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        names = (
                            [node.module or ""]
                            if isinstance(node, ast.ImportFrom)
                            else [a.name for a in node.names]
                        )
                        if any(n.split(".")[0] == module for n in names):
                            users.append(str(path.relative_to(ROOT)))
        assert not users, f"{module} imported outside {allowed_folder}/: {users}"
