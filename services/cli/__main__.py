"""`python -m services.cli`: the same as the `callops` command."""

from services.cli import app

app(prog_name="callops")
