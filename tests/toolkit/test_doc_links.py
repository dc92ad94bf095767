"""Every relative link in the README and docs/ reaches a file, and its #anchor a heading there.

Headings get GitHub's ids (mdit-py-plugins' anchors plugin slugs them the same way), so a section
that moves or is renamed breaks the test instead of the reader's link. External links are not
fetched: CI has no network to check them with.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(anchors_plugin, max_level=6)


def _tokens(page: Path) -> list[Token]:
    return _parser().parse(page.read_text(encoding="utf-8"))


def _walk(tokens: list[Token]) -> list[Token]:
    flat: list[Token] = []
    for token in tokens:
        flat.append(token)
        flat.extend(_walk(token.children or []))
    return flat


@cache
def heading_ids(page: Path) -> frozenset[str]:
    return frozenset(
        str(t.attrs["id"]) for t in _tokens(page) if t.type == "heading_open" and "id" in t.attrs
    )


def relative_links(page: Path) -> list[str]:
    hrefs = [str(t.attrs.get("href", "")) for t in _walk(_tokens(page)) if t.type == "link_open"]
    return [h for h in hrefs if h and not urlsplit(h).scheme and not h.startswith("//")]


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    broken = []
    for href in relative_links(page):
        parts = urlsplit(href)
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if not target.exists():
            broken.append(f"{href}: no file {target.relative_to(root)}")
        elif target.suffix == ".md" and parts.fragment not in {"", *heading_ids(target)}:
            broken.append(f"{href}: no heading #{parts.fragment} in {target.relative_to(root)}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_reaches_its_file_and_heading(page: Path) -> None:
    assert broken_links(page) == []


def test_a_moved_heading_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\n## Where the targets stand\n", encoding="utf-8")
    page = tmp_path / "b.md"
    page.write_text(
        "See [a](a.md#where-the-targets-stand), [gone](a.md#the-job-queue), [c](c.md) and"
        " [the web](https://example.com/x.md#nope).\n",
        encoding="utf-8",
    )
    assert broken_links(page, root=tmp_path) == [
        "a.md#the-job-queue: no heading #the-job-queue in a.md",
        "c.md: no file c.md",
    ]
