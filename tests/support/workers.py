"""Workers in other languages, run as real processes: the sh+psql worker and the Node worker."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from psycopg.conninfo import conninfo_to_dict

from tests.support.paths import REPO_ROOT
from xferity_schema.servers.local import embedded_bin_dir

PSQL_WORKER = REPO_ROOT / "scripts" / "psql-worker.sh"
NODE_WORKER_DIR = REPO_ROOT / "examples" / "node-worker"


def psql_dir() -> Path | None:
    """A directory holding psql: PATH's, else the embedded binaries' (if they ship it)."""
    found = shutil.which("psql")
    if found:
        return Path(found).parent
    try:
        candidate = embedded_bin_dir()
    except Exception:
        return None
    return candidate if (candidate / "psql").exists() else None


def require_psql() -> Path:
    found = psql_dir()
    if found is None or shutil.which("sh") is None:
        pytest.skip("needs sh and psql: run scripts/install_test_deps.sh")
    return found


def require_node_worker() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("needs Node.js")
    if not (NODE_WORKER_DIR / "node_modules" / "pg").is_dir():
        pytest.skip("needs the Node worker's pg driver: run scripts/install_test_deps.sh")
    return node


def start_psql_worker(dsn: str, queue: str = "default") -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PATH": f"{require_psql()}{os.pathsep}{os.environ.get('PATH', '')}",
        "EXIT_WHEN_IDLE": "1",
    }
    return subprocess.Popen(
        ["sh", str(PSQL_WORKER), dsn, queue],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def start_node_worker(dsn: str, *, batch: int = 1, queues: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "EXIT_WHEN_IDLE": "1", "BATCH": str(batch)}
    if queues:
        env["QUEUES"] = queues
    return subprocess.Popen(
        [require_node_worker(), str(NODE_WORKER_DIR / "worker.mjs"), as_url(dsn)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def as_url(dsn: str) -> str:
    """node-postgres takes a postgresql:// URL, not libpq's key=value form."""
    params = {k: str(v) for k, v in conninfo_to_dict(dsn).items()}
    user = quote(params.pop("user", ""), safe="")
    password = quote(params.pop("password", ""), safe="")
    host = params.pop("host", "localhost")
    port = params.pop("port", "5432")
    dbname = quote(params.pop("dbname", ""), safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    netloc = f"{auth}{host}:{port}" if not host.startswith("/") else f"{auth}:{port}"
    query = urlencode({**params, "host": host} if host.startswith("/") else params)
    return f"postgresql://{netloc}/{dbname}" + (f"?{query}" if query else "")


def completed_ids(output: str) -> list[int]:
    """The job ids a psql or Node worker reported as completed (`job ID (kind): completed`)."""
    done = []
    for line in output.splitlines():
        if line.startswith("job ") and line.endswith(": completed"):
            done.append(int(line.split()[1]))
    return done
