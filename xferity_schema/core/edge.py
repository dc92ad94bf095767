"""The CLI's one error edge: every command runs behind `one_line_errors`, so every failure a
user can act on becomes `error: <one line>` on stderr and a documented exit code, never a
traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

import click
import psycopg

from xferity_schema.core.errors import (
    ExitCode,
    MissingExtra,
    XferitySchemaError,
    describe_database_error,
)

P = ParamSpec("P")
R = TypeVar("R")

# Importable modules of each optional extra, so a missing one names the extra to install.
OPTIONAL_EXTRAS = {"pglast": "lint", "sqlfluff": "lint"}


def fail(message: str, code: ExitCode) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(int(code))


def one_line_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every known failure into `error: …` plus its exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except XferitySchemaError as exc:
            fail(str(exc), exc.exit_code)
        except psycopg.errors.InsufficientPrivilege as exc:
            fail(f"missing privilege: {describe_database_error(exc)}", ExitCode.FAILURE)
        except psycopg.Error as exc:
            fail(f"database error: {describe_database_error(exc)}", ExitCode.FAILURE)
        except ModuleNotFoundError as exc:
            extra = OPTIONAL_EXTRAS.get((exc.name or "").split(".")[0])
            if extra is None:
                raise
            error = missing_extra(extra, exc.name or "")
            fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", ExitCode.FAILURE)

    return wrapper


def missing_extra(extra: str, module: str) -> MissingExtra:
    return MissingExtra(
        f"this command needs the '{extra}' extra ({module} is not installed): "
        f"pip install 'xferity-schema[{extra}]'"
    )
