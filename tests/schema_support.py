"""Helpers shared by the schema test modules (their fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
from typing import Any

Row = dict[str, Any]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# One migration per feature area of issue 3, in history order; each has a demo file.
FEATURE_MIGRATIONS = (
    "0002_flow_runs",
    "0003_auth",
    "0004_crypto_inventory",
    "0005_as2",
    "0006_posture_snapshots",
    "0007_regression_alerts",
    "0008_suppressions",
    "0009_vault_secrets",
    "0010_workflows",
)
