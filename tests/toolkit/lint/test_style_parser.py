"""The style layer runs sqlfluff with its Rust parser (the lint extra pulls `sqlfluff[rs]`), and
that parser finds exactly what the pure-Python one does.

The Python parser is what sqlfluff falls back to where `sqlfluffrs` has no wheel; it is reached
here by making `sqlfluffrs` unimportable in a fresh interpreter (sqlfluff's default
`use_rust_parser = auto` then picks Python)."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from typing import Any

from sqlfluff.core import FluffConfig

from tests.support.paths import REPO_ROOT
from tests.support.style_parsers import WITH_RUST_PARSER, WITHOUT_RUST_PARSER, sorted_findings

# Our cases, the labelled categories and other projects' migrations: style problems of every
# kind, and files sqlfluff cannot parse.
CORPORA = [REPO_ROOT / "tests" / "toolkit" / "lint" / name for name in ("cases", "foreign")]

COLD_JSON = ["lint", "--no-cache", "--format", "json"]


def lint_json(command: list[str], targets: list[Path]) -> list[dict[str, Any]]:
    done = subprocess.run(
        [*command, *COLD_JSON, *map(str, targets)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return sorted_findings(done.stdout)


def test_the_lint_extra_brings_the_rust_parser_and_the_config_keeps_it_on() -> None:
    assert importlib.util.find_spec("sqlfluffrs") is not None
    config = FluffConfig.from_path(str(REPO_ROOT))
    assert config.get("use_rust_parser") in ("auto", True)


def test_the_rust_and_python_parsers_find_the_same_style_problems() -> None:
    with_rust = lint_json(WITH_RUST_PARSER, CORPORA)
    with_python = lint_json(WITHOUT_RUST_PARSER, CORPORA)
    style = [f for f in with_rust if f["layer"] == "style"]
    assert len(style) > 20
    assert {f["rule"] for f in style} >= {"CP01", "LT02", "LT05", "LXR", "PRS"}
    assert with_rust == with_python
