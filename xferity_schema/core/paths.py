"""Where the SQL contract lives: inside the wheel, or at the top of a source checkout."""

from pathlib import Path

from xferity_schema.core.errors import XferitySchemaError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def sql_dir() -> Path:
    """The `sql/` directory: packaged copy first, then the source tree's."""
    for candidate in (_PACKAGE_DIR / "sql", _PACKAGE_DIR.parent / "sql"):
        if (candidate / "migrations").is_dir():
            return candidate
    raise XferitySchemaError(f"cannot find the sql/ directory of xferity-schema in {_PACKAGE_DIR}")


def migrations_dir() -> Path:
    return sql_dir() / "migrations"


def demo_dir() -> Path:
    return sql_dir() / "demo"
