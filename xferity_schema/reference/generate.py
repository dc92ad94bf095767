"""The generated files, by path relative to the output directory, and the --check comparison."""

from __future__ import annotations

from pathlib import Path

from xferity_schema.reference.ddl import schema_sql
from xferity_schema.reference.markdown import INDEX_PAGE, area_page, index_page
from xferity_schema.reference.model import Reference

DOCS_DIR = "docs/schema"
SCHEMA_SQL = "sql/schema.sql"


def render(reference: Reference) -> dict[str, str]:
    files = {f"{DOCS_DIR}/{INDEX_PAGE}": index_page(reference), SCHEMA_SQL: schema_sql(reference)}
    for area in reference.areas:
        files[f"{DOCS_DIR}/{area.area.page}"] = area_page(area, reference)
    return dict(sorted(files.items()))


def stale_files(files: dict[str, str], out: Path) -> list[str]:
    """Paths (relative to `out`) that differ from what was generated, are missing, or are
    Markdown pages in docs/schema/ that nothing generates any more."""
    stale = [
        path
        for path, text in files.items()
        if not (out / path).is_file() or (out / path).read_bytes() != text.encode("utf-8")
    ]
    docs = out / DOCS_DIR
    if docs.is_dir():
        stale += [
            f"{DOCS_DIR}/{p.name}"
            for p in sorted(docs.glob("*.md"))
            if f"{DOCS_DIR}/{p.name}" not in files
        ]
    return sorted(stale)


def write(files: dict[str, str], out: Path) -> list[str]:
    """Write the files that changed and remove leftover pages; return what changed."""
    changed = stale_files(files, out)
    for path in changed:
        target = out / path
        if path in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[path].encode("utf-8"))
        else:
            target.unlink()
    return changed
