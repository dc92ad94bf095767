"""Connection settings: precedence, Xferity's YAML, secret references, sslmode defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from xferity_schema.core.errors import ConfigError
from xferity_schema.core.settings import redact_conninfo, resolve_target

REMOTE = "postgresql://xferity@db.example.internal:5432/xferity"


def config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "xferity.yaml"
    path.write_text(body, encoding="utf-8")
    return path


BLOCK = """\
state:
  backend: postgres
  postgres:
    host: postgres.internal
    port: 5432
    user: xferity
    password: env:POSTGRES_PASSWORD
    dbname: xferity
    sslmode: verify-full
worker:
  enabled: true
"""


def test_precedence_dsn_then_env_then_config(tmp_path: Path) -> None:
    path = config(tmp_path, BLOCK)
    env = {"XFERITY_DATABASE_URL": "postgresql://envuser@localhost/envdb", "POSTGRES_PASSWORD": "s"}
    by_flag = resolve_target("postgresql://flaguser@localhost/flagdb", path, env)
    assert by_flag is not None and conninfo_to_dict(by_flag.conninfo)["user"] == "flaguser"
    by_env = resolve_target(None, path, env)
    assert by_env is not None and conninfo_to_dict(by_env.conninfo)["dbname"] == "envdb"
    by_config = resolve_target(None, path, {"POSTGRES_PASSWORD": "s"})
    assert by_config is not None
    params = conninfo_to_dict(by_config.conninfo)
    assert params["host"] == "postgres.internal"
    assert params["password"] == "s"
    assert params["sslmode"] == "verify-full"
    assert by_config.warnings == ()
    assert resolve_target(None, None, {}) is None  # the embedded default


def test_sslmode_defaults_to_require_for_remote_hosts_only() -> None:
    remote = resolve_target(REMOTE, None, {})
    assert remote is not None and conninfo_to_dict(remote.conninfo)["sslmode"] == "require"
    for local in (
        "postgresql://u@localhost/db",
        "postgresql://u@127.0.0.1/db",
        "postgresql://u@[::1]/db",
        "host=/var/run/postgresql dbname=db",
        "dbname=db",
    ):
        target = resolve_target(local, None, {})
        assert target is not None
        assert "sslmode" not in conninfo_to_dict(target.conninfo), local
    explicit = resolve_target(REMOTE + "?sslmode=disable", None, {})
    assert explicit is not None and conninfo_to_dict(explicit.conninfo)["sslmode"] == "disable"


def test_config_dsn_form_and_plaintext_password_warning(tmp_path: Path) -> None:
    path = config(
        tmp_path,
        "state:\n  backend: postgres\n  postgres:\n"
        "    dsn: postgres://xferity:hunter2@postgres.internal:5432/xferity?sslmode=require\n",
    )
    target = resolve_target(None, path, {})
    assert target is not None
    assert any("password inside state.postgres.dsn" in w for w in target.warnings)
    assert all("hunter2" not in w for w in target.warnings)
    assert "hunter2" not in target.redacted()

    plain = config(tmp_path, BLOCK.replace("env:POSTGRES_PASSWORD", "hunter2"))
    target = resolve_target(None, plain, {})
    assert target is not None
    assert any("plaintext state.postgres.password" in w for w in target.warnings)


@pytest.mark.parametrize(
    ("body", "env", "expected"),
    [
        (BLOCK, {}, "env:POSTGRES_PASSWORD, but POSTGRES_PASSWORD is not set"),
        (
            BLOCK.replace("    dbname:", "    hots: x\n    dbname:"),
            {"POSTGRES_PASSWORD": "s"},
            "unknown key state.postgres.hots",
        ),
        (
            BLOCK.replace("env:POSTGRES_PASSWORD", "local-vault:pg"),
            {},
            "cannot open Xferity's vault",
        ),
        ("state:\n  backend: file\n", {}, "state.backend is 'file'"),
        ("worker: {}\n", {}, "no state block"),
        ("state: [unclosed\n", {}, "not valid YAML"),
    ],
)
def test_bad_config_is_one_clear_error(
    tmp_path: Path, body: str, env: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError, match=None) as caught:
        resolve_target(None, config(tmp_path, body), env)
    assert expected in str(caught.value)


def test_malformed_dsn_never_echoes_its_secret() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_target("host=db password=s3cr3t-value port", None, {})
    assert "malformed DSN" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)


def test_redaction() -> None:
    assert "s3cr3t" not in redact_conninfo("postgresql://u:s3cr3t@h/db")
