"""The `xferity-schema` command: it only assembles the families' commands.

Each command is imported when it runs (click's lazy-group pattern), so `status` in a start-up
probe does not pay for importing the lint engine or the upgrade checker.
"""

from __future__ import annotations

import importlib

import click

from xferity_schema import __version__

# command name -> "module:attribute", by family.
COMMANDS = {
    "apply": "xferity_schema.migrate.commands:apply",
    "status": "xferity_schema.migrate.commands:status",
    "rollback": "xferity_schema.migrate.commands:rollback",
    "seed": "xferity_schema.migrate.commands:seed",
    "grants": "xferity_schema.roles.commands:grants",
    "check-upgrade": "xferity_schema.upgrade.commands:check_upgrade_command",
    "verify": "xferity_schema.upgrade.commands:verify_command",
    "diff": "xferity_schema.compare.commands:diff_command",
    "lint": "xferity_schema.lint.commands:lint_command",
    "hash": "xferity_schema.lint.commands:hash_command",
    "new": "xferity_schema.lint.commands:new_command",
    "embedded": "xferity_schema.servers.commands:embedded_group",
    "jobs": "xferity_schema.jobs.commands:jobs_group",
    "docs": "xferity_schema.reference.commands:docs_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xferity-schema")
def main() -> None:
    """Xferity's PostgreSQL schema: apply it, check it, audit it."""


if __name__ == "__main__":  # pragma: no cover
    main()
