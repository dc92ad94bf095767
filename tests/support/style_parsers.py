"""`xferity-schema lint` as a fresh process with sqlfluff's Rust parser (the default) or with
its pure-Python one (sqlfluffrs made unimportable, so sqlfluff's `use_rust_parser = auto` falls
back), and its JSON findings in a comparable order. Shared by the test that compares the two
parsers and by scripts/bench_lint.py."""

from __future__ import annotations

import json
import sys
from typing import Any

WITH_RUST_PARSER = [sys.executable, "-m", "xferity_schema.cli"]
WITHOUT_RUST_PARSER = [
    sys.executable,
    "-c",
    "import sys; sys.modules['sqlfluffrs'] = None; sys.argv[0] = 'xferity-schema'; "
    "from xferity_schema.cli import main; main()",
]


def sorted_findings(json_report: str) -> list[dict[str, Any]]:
    """Every finding of a `lint --format json` report, waived ones included, in one order."""
    report = json.loads(json_report)
    found: list[dict[str, Any]] = report["findings"] + report["waived"]
    return sorted(found, key=lambda f: json.dumps(f, sort_keys=True))
