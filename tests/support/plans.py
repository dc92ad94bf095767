"""Plans of the statements a function runs, for tests that check a claim uses its index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
import pytest


def nested_plans(
    conn: psycopg.Connection[Any], query: str, params: Sequence[Any] | None = None
) -> str:
    """Run `query` with auto_explain logging every nested statement's plan to the client."""
    messages: list[str] = []
    conn.add_notice_handler(lambda diag: messages.append(diag.message_primary or ""))
    try:
        conn.execute("LOAD 'auto_explain'")
    except psycopg.Error:
        pytest.skip("auto_explain is not available on this server")
    conn.execute("SET auto_explain.log_min_duration = 0")
    conn.execute("SET auto_explain.log_nested_statements = on")
    conn.execute("SET client_min_messages = log")
    try:
        conn.execute(query, params)
    finally:
        conn.execute("SET client_min_messages = notice")
    return "\n".join(messages)


def nodes_removing_rows(plans: str) -> list[str]:
    """The plan nodes (their first line) that read rows and dropped some with a filter."""
    nodes: list[str] = []
    node = ""
    for line in plans.splitlines():
        text = line.strip()
        if text.startswith("->") or "(cost=" in text:
            node = text.removeprefix("->").strip()
        elif text.startswith("Rows Removed by Filter"):
            nodes.append(node)
    return nodes
