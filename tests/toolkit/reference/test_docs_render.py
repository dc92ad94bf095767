"""Every Mermaid block of the committed reference pages renders in a real browser: the `mermaid`
npm package in Debian's headless Chromium, each block an SVG with an entity for every table of
its area (the index's block: every table). test_docs.py proves the committed pages current.

Needs /usr/bin/chromium and npm (scripts/install_test_deps.sh installs both and mermaid)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
DOCS = REPO_ROOT / "docs" / "schema"
NODE_DIR = REPO_ROOT / ".xferity-cache" / "node"
MERMAID_JS = NODE_DIR / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--allow-file-access-from-files",
    "--virtual-time-budget=60000",
)
_BLOCK = re.compile(r"^```mermaid\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_TABLE_HEADING = re.compile(r"^### `([a-z_0-9]+)`$", re.MULTILINE)

RENDER_SCRIPT = """
mermaid.initialize({startOnLoad: false, securityLevel: "strict"});
(async () => {
  const results = [];
  const blocks = [...document.querySelectorAll("pre.diagram")];
  for (const [index, block] of blocks.entries()) {
    const id = "diagram" + index;
    try {
      const {svg} = await mermaid.render(id, block.textContent);
      const holder = document.createElement("div");
      holder.innerHTML = svg;
      const pattern = new RegExp("^" + id + "-entity-(.+)-\\\\d+$");
      const entities = [...holder.querySelectorAll("g[id]")]
        .map((g) => g.id.match(pattern)).filter((m) => m).map((m) => m[1]);
      results.push({index, svg: holder.querySelector("svg") !== null, entities});
    } catch (error) {
      results.push({index, svg: false, entities: [], error: String(error)});
    }
  }
  const out = document.getElementById("results");
  out.textContent = JSON.stringify(results);
  out.setAttribute("data-done", "yes");
})();
"""


def chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        pytest.skip("no chromium: run scripts/install_test_deps.sh (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def mermaid_js() -> Path:
    override = os.environ.get("XFERITY_MERMAID_JS")
    if override:
        return Path(override)
    if not MERMAID_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("no npm for the mermaid package: run scripts/install_test_deps.sh")
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(NODE_DIR),
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "mermaid@11",
            ],
            check=True,
            capture_output=True,
        )
    return MERMAID_JS


def blocks_and_tables() -> list[tuple[str, str, list[str]]]:
    """(page, Mermaid source, tables the diagram must show) for every block of every page."""
    found: list[tuple[str, str, list[str]]] = []
    every_table: list[str] = []
    index_blocks: list[str] = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        blocks = _BLOCK.findall(text)
        if page.name == "README.md":
            index_blocks = blocks
            continue
        tables = _TABLE_HEADING.findall(text.split("\n## Views")[0].split("\n## Functions")[0])
        every_table += tables
        found += [(page.name, block, tables) for block in blocks]
    found += [("README.md", block, sorted(every_table)) for block in index_blocks]
    return found


def test_every_mermaid_block_renders_an_entity_for_each_table(
    mermaid_js: Path, tmp_path: Path
) -> None:
    browser = chromium()
    blocks = blocks_and_tables()
    assert len(blocks) >= 11, "one diagram per area with tables, and the index's"
    diagrams = "\n".join(
        f'<pre class="diagram">{html.escape(source)}</pre>' for _, source, _ in blocks
    )
    page = tmp_path / "render.html"
    page.write_text(
        "<!doctype html><html><head><meta charset='utf-8'></head><body>"
        f"{diagrams}<pre id='results'></pre>"
        f"<script src='{mermaid_js.resolve().as_uri()}'></script>"
        f"<script>{RENDER_SCRIPT}</script></body></html>",
        encoding="utf-8",
    )
    completed = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    found = re.search(r'<pre id="results" data-done="yes">(.*?)</pre>', completed.stdout, re.DOTALL)
    assert found, f"the page never finished rendering: {completed.stderr[-2000:]}"
    results = json.loads(html.unescape(found.group(1)))
    assert len(results) == len(blocks)
    for (page_name, _, tables), result in zip(blocks, results, strict=True):
        assert result["svg"], f"{page_name}: no SVG: {result.get('error')}"
        missing = sorted(set(tables) - set(result["entities"]))
        assert missing == [], f"{page_name}: no entity for {missing}"
