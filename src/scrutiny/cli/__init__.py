"""The `scrutiny` command. Each area adds its commands from its own module in this package,
so the commands stay thin shells over the domain functions."""

from __future__ import annotations

import typer

from scrutiny.cli import exposure, lists, payments, screen, service

app = typer.Typer(
    name="scrutiny",
    help="Sanctions screening and exposure analysis over the official lists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Sanctions screening and exposure analysis over the official lists."""


@app.command()
def version() -> None:
    """Print the scrutiny version."""
    from scrutiny import __version__

    typer.echo(__version__)


for _module in (lists, screen, payments, exposure, service):
    _module.register(app)


def main() -> None:
    app()
