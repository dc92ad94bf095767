"""Reference documentation generated from a fresh install: `xferity-schema docs`."""
