"""`python -m xferity_schema`: the same command as `xferity-schema`."""

from xferity_schema.cli import main

main()
