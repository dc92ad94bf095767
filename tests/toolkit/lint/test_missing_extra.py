"""Without the lint extra (the README's `pip install .`), `xferity-schema lint` is one `error:`
line naming the extra to install, never a ModuleNotFoundError traceback.

The missing extra is simulated in a fresh interpreter: a sys.meta_path finder refuses pglast
and sqlfluff before anything imports them, then the CLI runs `lint`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

WITHOUT_LINT_EXTRA = textwrap.dedent(
    """
    import sys

    BLOCKED = {"pglast", "sqlfluff"}

    class WithoutLintExtra:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, WithoutLintExtra())
    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED:
            del sys.modules[name]

    from xferity_schema.cli import main

    main(sys.argv[1:], prog_name="xferity-schema")
    """
)


def run_without_lint_extra(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_LINT_EXTRA, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_lint_without_the_extra_is_one_line_naming_it(tmp_path: Path) -> None:
    result = run_without_lint_extra(tmp_path, "lint")
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "pip install 'xferity-schema[lint]'" in lines[0]


def test_the_blocker_really_hides_the_extra(tmp_path: Path) -> None:
    # Guards the test above: under the blocker, importing pglast itself fails.
    probe = WITHOUT_LINT_EXTRA.replace(
        'from xferity_schema.cli import main\n\nmain(sys.argv[1:], prog_name="xferity-schema")',
        "import pglast",
    )
    assert "import pglast" in probe
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "ModuleNotFoundError: No module named 'pglast'" in result.stderr


def test_commands_that_need_no_extra_still_work_without_it(tmp_path: Path) -> None:
    result = run_without_lint_extra(tmp_path, "hash", "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: xferity-schema hash" in result.stdout
