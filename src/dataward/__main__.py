"""`python -m dataward` runs the CLI."""

from dataward.entrypoints.cli.main import app

app()
