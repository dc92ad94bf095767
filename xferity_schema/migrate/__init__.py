"""Applying migrations: the files, the runner and its lock, status, the session every command
opens, demo data."""
