"""Explicit beats empty: an empty --dsn or XFERITY_DATABASE_URL is an error, never the embedded
development server; hostile connection settings are one line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.one_line import assert_one_error_line
from xferity_schema.core.errors import ConfigError
from xferity_schema.core.settings import resolve_target


@pytest.mark.parametrize("command", ["status", "apply"])
@pytest.mark.parametrize("dsn", ["", "   "])
def test_empty_dsn_option_is_an_error(command: str, dsn: str) -> None:
    result = run_cli(command, "--dsn", dsn)
    assert_one_error_line(result, "--dsn is empty")
    assert "embedded" not in result.stdout


@pytest.mark.parametrize("command", ["status", "apply"])
def test_empty_database_url_is_an_error(command: str) -> None:
    result = run_cli(command, env={"XFERITY_DATABASE_URL": ""})
    assert_one_error_line(result, "XFERITY_DATABASE_URL is set but empty")
    assert "embedded" not in result.stdout


def test_empty_env_beats_a_config_file(tmp_path: Path) -> None:
    config = tmp_path / "x.yaml"
    config.write_text("state:\n  postgres:\n    host: db.example\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="set but empty"):
        resolve_target(None, config, {"XFERITY_DATABASE_URL": ""})


def test_embedded_server_only_when_nothing_is_configured() -> None:
    assert resolve_target(None, None, {}) is None
    with pytest.raises(ConfigError):
        resolve_target("", None, {})


def test_empty_config_value_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "x.yaml"
    config.write_text('state:\n  postgres:\n    dsn: ""\n', encoding="utf-8")
    assert_one_error_line(run_cli("status", "--config", str(config)), "state.postgres.dsn is empty")


@pytest.mark.parametrize(
    "dsn",
    ["host=db..internal dbname=x", "postgresql://u@db..internal/x", "host=-bad- dbname=x"],
)
def test_invalid_host_name_is_one_line(dsn: str) -> None:
    assert_one_error_line(run_cli("status", "--dsn", dsn), "invalid host")


def test_yaml_mapping_as_host_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "x.yaml"
    config.write_text("state:\n  postgres:\n    host:\n      name: db\n", encoding="utf-8")
    assert_one_error_line(
        run_cli("status", "--config", str(config)), "state.postgres.host is a mapping"
    )


def test_non_utf8_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "x.yaml"
    config.write_bytes(b"state:\n  postgres:\n    host: caf\xe9\n")
    assert_one_error_line(run_cli("status", "--config", str(config)), "not UTF-8")


def test_config_with_a_bom_is_read(tmp_path: Path) -> None:
    # YAML allows a byte-order mark; Windows editors write one.
    config = tmp_path / "x.yaml"
    config.write_bytes(b"\xef\xbb\xbfstate:\n  postgres:\n    dsn: host=db.example dbname=x\n")
    target = resolve_target(None, config, {})
    assert target is not None and "db.example" in target.conninfo
