#!/usr/bin/env python3
"""Recall and precision of the lint on the labelled category corpus, per layer.

Each case of tests/toolkit/lint/categories/{safety,compat}/ is laid out as a migration set
(base.sql, then the case) and linted; a case counts as flagged when the lint reports an error of
its layer (safety: the safety layer; compat: pg13-compat) on the judged migration. Side by side,
plain squawk (`--pg-version 13 --assume-in-transaction`, every rule) on the same files.

    python scripts/lint_corpus_score.py            # summary table
    python scripts/lint_corpus_score.py -v         # and every miss and false alarm
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.support import lint_corpus  # noqa: E402
from xferity_schema.lint.safety import squawk_binary  # noqa: E402


def plain_squawk(case: lint_corpus.Case, judged: Path) -> bool:
    command = [
        str(squawk_binary()),
        "--reporter",
        "json",
        "--pg-version=13.0",
        "--assume-in-transaction" if case.transactional else "--no-assume-in-transaction",
        str(judged),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        return bool(json.loads(done.stdout or "[]"))
    except json.JSONDecodeError:
        return True


def score(flags: list[tuple[bool, bool]]) -> tuple[float, float, int, int, int]:
    tp = sum(1 for label, flagged in flags if label and flagged)
    fp = sum(1 for label, flagged in flags if not label and flagged)
    fn = sum(1 for label, flagged in flags if label and not flagged)
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    return recall, precision, tp, fp, fn


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    rows = []
    for layer in ("safety", "compat"):
        ours: list[tuple[bool, bool]] = []
        squawk: list[tuple[bool, bool]] = []
        for case in lint_corpus.load(layer):
            with tempfile.TemporaryDirectory() as directory:
                found = lint_corpus.lint_case(case, Path(directory))
                judged = lint_corpus.write_set(case, Path(directory))
                squawk.append((case.positive, plain_squawk(case, judged)))
            ours.append((case.positive, bool(found)))
            if args.verbose and case.positive != bool(found):
                kind = "MISSED" if case.positive else "FALSE ALARM"
                print(f"{kind:11} {layer}/{case.path.name}: {sorted(found) or '-'}")
        positives = sum(1 for label, _ in ours if label)
        rows.append((layer, len(ours), positives, score(ours), score(squawk)))
    print(f"{'layer':8} {'cases':>5} {'pos':>4}   ours recall/precision   plain squawk")
    for layer, total, positives, mine, theirs in rows:
        print(
            f"{layer:8} {total:5} {positives:4}   {mine[0]:.2f} / {mine[1]:.2f}"
            f" (fp {mine[3]}, fn {mine[4]})   {theirs[0]:.2f} / {theirs[1]:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
