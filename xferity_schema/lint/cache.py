"""A small on-disk cache of style results, keyed by everything that can change them.

sqlfluff is the slow layer (about 0.1 s per migration); the same file text under the same
`.sqlfluff`, sqlfluff and sqlfluffrs versions always gives the same violations, so they are kept
in `.xferity-cache/lint/` (gitignored) next to the config. A corrupt or unwritable cache is
ignored.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

CACHE_DIRNAME = ".xferity-cache"


class ResultCache:
    def __init__(self, directory: Path | None, *salt: str) -> None:
        self._directory = directory
        self._salt = hashlib.sha256("\0".join(salt).encode()).hexdigest()

    def _path(self, text: str) -> Path | None:
        if self._directory is None:
            return None
        key = hashlib.sha256(f"{self._salt}\0{text}".encode()).hexdigest()
        return self._directory / f"{key}.json"

    def get(self, text: str) -> list[dict[str, Any]] | None:
        path = self._path(text)
        if path is None or not path.is_file():
            return None
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, list) else None

    def put(self, text: str, value: list[dict[str, Any]]) -> None:
        path = self._path(text)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value), encoding="utf-8")
        except OSError:
            pass


def cache_dir(config: Path) -> Path:
    return config.parent / CACHE_DIRNAME / "lint"
