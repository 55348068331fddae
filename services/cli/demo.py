"""`callops demo load`: the demo data set, through the services' gRPC APIs."""

from __future__ import annotations

import typer

from services.cli import output
from services.cli.session import current, rpc_failures
from services.cli.tokens import local_settings
from services.demo import DemoLoader

app = typer.Typer(no_args_is_help=True, help="The demo data set.")


@app.command()
def load() -> None:
    """Load Chinese customers, agents, templates, contracts with documents and a day of
    calls. Signs its own tokens with the local secret; loading twice changes nothing."""
    session = current()
    loader = DemoLoader(
        session.addresses,
        local_settings(),
        report=lambda line: typer.echo(f"  loaded {line}", err=True),
        timeout=session.timeout,
    )
    try:
        with rpc_failures():
            summary = loader.load()
    finally:
        loader.close()
    data = summary.as_dict()
    output.emit(
        data,
        [
            output.rows(
                "demo contracts",
                ["contract", "number", "state"],
                (
                    (c["name"], c["number"], output.enum_label(c["state"], "STATE"))
                    for c in summary.contracts
                ),
            ),
            f"templates: {', '.join(summary.templates)}",
            f"{len(summary.customers)} customers, {len(summary.agents)} agents, "
            f"{len(summary.documents)} documents, {summary.calls} calls "
            f"({summary.missed_calls} missed)",
        ],
    )
