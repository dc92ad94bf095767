"""Names the toolkit composes into SQL (roles, logins, databases): quoted by psycopg.sql
everywhere, and refused here where quoting cannot help."""

from __future__ import annotations

import re

from xferity_schema.core.errors import ConfigError

# Dollar signs could close the grant script's dollar-quoted blocks and control characters could
# end a comment line; everything else is quoted by psycopg.sql.
_UNSAFE_NAME = re.compile(r"[$\x00-\x1f\x7f]")
MAX_NAME_BYTES = 63


def check_name(name: str, what: str) -> str:
    if not name:
        raise ConfigError(f"{what} name is empty")
    if _UNSAFE_NAME.search(name):
        raise ConfigError(
            f"{what} name {name!r} is refused: '$' and control characters are not allowed"
        )
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise ConfigError(
            f"{what} name {name!r} is longer than {MAX_NAME_BYTES} bytes; PostgreSQL would cut it"
        )
    return name
