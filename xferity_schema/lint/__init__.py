"""Lint for pull requests: style (sqlfluff), migration safety (squawk) and our own rules (pglast).

`xferity_schema.lint.engine.lint(paths)` runs every layer and applies the waivers; `commands`
holds the CLI commands. Nothing is imported here, so the CLI loads the heavy parsers only when
`lint` runs.
"""
