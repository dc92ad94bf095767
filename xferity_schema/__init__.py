"""xferity-schema: Xferity's PostgreSQL schema and the toolkit that applies and checks it.

The version is written here, not read from the installed metadata, so that starting the CLI
costs no importlib.metadata scan (pyproject.toml reads it from this line)."""

__version__ = "0.1.0"

__all__ = ["__version__"]
