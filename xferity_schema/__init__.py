"""xferity-schema: Xferity's PostgreSQL schema and the toolkit that applies and checks it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("xferity-schema")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
