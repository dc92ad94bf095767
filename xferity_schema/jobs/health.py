"""xferity.jobs' vacuum health, and the advice it implies for the server's autovacuum.

Every claim and every finish leaves a dead row version, and a dead entry at the head of the
claim index, until a vacuum removes them: claims walk those entries, so under sustained load
they slow down between vacuums. The table's own storage options make autovacuum pick it up
after about a thousand dead rows, but autovacuum only looks every `autovacuum_naptime`, a
server-wide setting a migration cannot change (docs/operators.md, "Autovacuum and the job
queue", has the measurement)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# Above this, autovacuum lets claimed jobs' dead index entries pile up for long enough to
# slow claims under sustained load; 10 s is what the measurement used.
NAPTIME_ADVISED_MAX_SECONDS = 15.0
NAPTIME_ADVISED = "10s"


@dataclass(frozen=True)
class TableHealth:
    live_rows: int
    dead_row_versions: int
    seconds_since_vacuum: float | None  # None: never vacuumed since the statistics began
    autovacuum: bool  # the server's setting and the table's autovacuum_enabled
    autovacuum_naptime_seconds: float

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> TableHealth:
        since = row["seconds_since_vacuum"]
        return cls(
            live_rows=int(row["live_rows"]),
            dead_row_versions=int(row["dead_row_versions"]),
            seconds_since_vacuum=None if since is None else float(since),
            autovacuum=bool(row["autovacuum"]),
            autovacuum_naptime_seconds=float(row["autovacuum_naptime_seconds"]),
        )

    def advice(self) -> list[str]:
        """What an operator should change, one sentence each; empty when nothing."""
        if not self.autovacuum:
            return [
                "autovacuum is off for xferity.jobs: every claimed and finished job leaves a "
                "dead row version that claims keep walking; turn it on"
            ]
        if self.autovacuum_naptime_seconds > NAPTIME_ADVISED_MAX_SECONDS:
            return [
                f"autovacuum_naptime is {self.autovacuum_naptime_seconds:g}s: under sustained "
                "load claims slow down between vacuums of xferity.jobs; set it to "
                f"{NAPTIME_ADVISED} (see docs/operators.md, Autovacuum and the job queue)"
            ]
        return []

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "advice": self.advice()}

    def summary(self) -> str:
        since = (
            "never vacuumed"
            if self.seconds_since_vacuum is None
            else f"last vacuumed {self.seconds_since_vacuum:.0f}s ago"
        )
        naptime = (
            f"autovacuum_naptime {self.autovacuum_naptime_seconds:g}s"
            if self.autovacuum
            else "autovacuum off"
        )
        return (
            f"xferity.jobs: about {self.live_rows:,} rows, {self.dead_row_versions:,} dead row "
            f"versions, {since}; {naptime}"
        )
