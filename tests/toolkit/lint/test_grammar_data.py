"""The grammar layer of pg13-compat: additions after 13 read from PostgreSQL's parse-tree
definitions (lint/data/grammar_since_13.json), minus the reviewed changes of representation.

The labelled cases (categories/compat/, run on a real 13 by test_compat_labels_pg13.py) hold
constructs no hand-written check names, which only this layer catches; here: the data file is
what scripts/gen_pg13_grammar.py derives, every exemption still matches an addition, and valid
13 never trips the layer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pglast import ast, parse_sql
from pglast.parser import ParseError

from tests.support.lint_corpus import load
from tests.support.paths import REPO_ROOT
from xferity_schema.lint import grammar
from xferity_schema.lint.compat import newer_than_13
from xferity_schema.lint.syntax import walk

DATA = REPO_ROOT / "xferity_schema" / "lint" / "data" / "grammar_since_13.json"
# Added after 13 and caught only by this layer (no hand-written check names them).
ONLY_THE_GRAMMAR_KNOWS = {
    "CREATE TABLE xferity.t (a text STORAGE EXTERNAL)": "ColumnDef.storage_name",
    "GRANT SELECT ON xferity.t TO r GRANTED BY CURRENT_USER": "GrantStmt.grantor",
    "SELECT 1 FROM xferity.a JOIN xferity.b USING (id) AS j": "JoinExpr.join_using_alias",
    "ALTER SUBSCRIPTION s ADD PUBLICATION p": "ALTER_SUBSCRIPTION_ADD_PUBLICATION",
    "SELECT xmlserialize(DOCUMENT x AS text INDENT) FROM xferity.t": "XmlSerialize.indent",
    "ALTER DATABASE d REFRESH COLLATION VERSION": "AlterDatabaseRefreshCollStmt",
}


def _findings(sql: str) -> list[str]:
    return [message for s in parse_sql(sql) for _, message in newer_than_13(s.stmt, 0)]


@pytest.mark.parametrize("sql", sorted(ONLY_THE_GRAMMAR_KNOWS))
def test_the_grammar_layer_catches_what_no_check_names(sql: str) -> None:
    found = _findings(sql)
    assert len(found) == 1
    assert ONLY_THE_GRAMMAR_KNOWS[sql] in found[0]
    assert "not in PostgreSQL 13's grammar" in found[0]


def test_a_statement_a_precise_check_flags_gets_that_message_only() -> None:
    # MERGE is named by compat.py; its parse-tree parts must not add grammar findings.
    found = _findings(
        "MERGE INTO xferity.t AS t USING xferity.s AS s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)"
    )
    assert found and all("13's grammar" not in message for message in found)
    assert any("MERGE" in message for message in found)


def test_valid_13_never_trips_the_grammar_layer() -> None:
    # Our migrations and query files, the valid-13 labelled cases, the foreign migrations.
    sources = [*(REPO_ROOT / "sql" / "migrations").glob("*.sql")]
    sources += [*(REPO_ROOT / "xferity_schema").rglob("queries/*.sql")]
    sources += [*(REPO_ROOT / "tests" / "toolkit" / "lint" / "foreign").glob("*.sql")]
    texts = [path.read_text(encoding="utf-8") for path in sources]
    texts += [part for case in load("compat") if not case.positive for part in case.parts]
    checked = 0
    for text in texts:
        try:
            statements = parse_sql(text)
        except ParseError:  # templates and other runners' files: not SQL pglast parses
            statements = []
        for statement in statements:
            checked += 1
            for node in walk(statement.stmt):
                assert list(grammar.newer_parts(node)) == [], (type(node).__name__, text[:200])
    assert checked > 500


def test_every_exemption_matches_an_addition_in_the_data() -> None:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    additions = set(raw["nodes"]) | set(raw["fields"]) | set(raw["enum_values"])
    assert set(grammar.REPRESENTATION) <= additions
    # The layer reports the syntax additions a statement can show, and they are many.
    reported = grammar.grammar()
    assert {"MergeStmt", "JsonTable", "AlterDatabaseRefreshCollStmt"} <= set(reported.nodes)
    assert all(isinstance(getattr(ast, name, None), type) for name in reported.nodes)
    assert "storage_name" in reported.fields["ColumnDef"]
    assert "AlterTableType.AT_SetCompression" in reported.enum_values


def test_the_data_file_is_what_the_generator_derives() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "gen_pg13_grammar.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 and "cannot fetch" in done.stderr:
        pytest.skip(f"npm cannot fetch @pgsql/types here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stdout + done.stderr
