"""Upgrade checks: every older schema upgrades to the current one (starting points, migrators,
report), and `verify` of a live database against its migrations."""
