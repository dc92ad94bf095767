"""The CLI's promise for bad input: one `error:` line on stderr, a non-zero exit, no traceback."""

from __future__ import annotations

from typing import Protocol


class Outcome(Protocol):
    @property
    def exit_code(self) -> int: ...

    @property
    def stderr(self) -> str: ...


def assert_one_error_line(result: Outcome, *expected: str) -> str:
    """Return the error line after checking it is the only line and names every `expected`."""
    assert result.exit_code != 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert ";;" not in lines[0], lines[0]
    return lines[0]
