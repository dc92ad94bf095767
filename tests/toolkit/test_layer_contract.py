"""The layer contract (import-linter, pyproject.toml's [tool.importlinter]) holds on the real
tree and fails on a wrong-way import: each case copies the package to a tmp dir, adds one import
that breaks one rule, and runs `lint-imports` on the copy with the same contracts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

CORE_CONTRACT = "core imports nothing else of ours"
LAYERS_CONTRACT = "Families are layered: each imports only the ones below it"
COMMANDS_CONTRACT = "No module imports a commands module (cli.py loads them by name)"
_TABLE_HEADER = re.compile(r"^\[\[?(?P<name>[^\]]+)\]\]?\s*$")


def lint_imports_executable() -> str:
    beside_python = Path(sys.executable).with_name("lint-imports")
    found = str(beside_python) if beside_python.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: pip install -e '.[dev]'"
    return found


def importlinter_config(pyproject: str) -> str:
    """Only the [tool.importlinter] tables of pyproject.toml, as they are written there."""
    kept: list[str] = []
    keep = False
    for line in pyproject.splitlines():
        header = _TABLE_HEADER.match(line)
        if header:
            keep = header.group("name").strip().startswith("tool.importlinter")
        if keep:
            kept.append(line)
    return "\n".join(kept) + "\n"


def run_lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"PYTHONPATH": str(pythonpath)} if pythonpath else {})}
    return subprocess.run(
        [lint_imports_executable(), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of xferity_schema and of the import-linter config, importable from tmp_path."""
    shutil.copytree(
        REPO_ROOT / "xferity_schema",
        tmp_path / "xferity_schema",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    config = importlinter_config((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    real = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert tomllib.loads(config)["tool"]["importlinter"] == real["tool"]["importlinter"]
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    # The copy, not the installed package, is what PYTHONPATH resolves.
    where = subprocess.run(
        [sys.executable, "-c", "import xferity_schema; print(xferity_schema.__file__)"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(tmp_path)
    return tmp_path


def add_import(module: Path, line: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def broken_contracts(output: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^(.+) BROKEN$", output, re.MULTILINE)}


def test_the_real_tree_keeps_every_contract() -> None:
    result = run_lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    for contract in (LAYERS_CONTRACT, CORE_CONTRACT, COMMANDS_CONTRACT):
        assert f"{contract} KEPT" in result.stdout


def test_the_unchanged_copy_keeps_every_contract(package_copy: Path) -> None:
    result = run_lint_imports(package_copy, pythonpath=package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert broken_contracts(result.stdout) == set()


@pytest.mark.parametrize(
    ("importer", "imported", "broken"),
    [
        # core imports nothing of ours: this breaks the core rule and the layers.
        ("core.errors", "migrate.runner", {CORE_CONTRACT, LAYERS_CONTRACT}),
        # upgrade sits above migrate, so only the commands rule is broken.
        ("upgrade.check", "migrate.commands", {COMMANDS_CONTRACT}),
    ],
    ids=["core-imports-the-runner", "a-family-imports-a-commands-module"],
)
def test_a_wrong_way_import_is_refused_and_named(
    package_copy: Path, importer: str, imported: str, broken: set[str]
) -> None:
    module = package_copy.joinpath("xferity_schema", *importer.split(".")).with_suffix(".py")
    package, name = imported.rsplit(".", 1)
    add_import(module, f"from xferity_schema.{package} import {name}  # noqa: E402, F401")
    result = run_lint_imports(package_copy, pythonpath=package_copy)
    assert result.returncode != 0
    assert broken_contracts(result.stdout) == broken
    # The report names the offending import.
    assert f"xferity_schema.{importer} -> xferity_schema.{imported}" in result.stdout
