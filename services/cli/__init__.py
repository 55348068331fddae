"""`callops`: the command-line client of the callops services, for people and scripts.

Exit codes: 0 ok, 1 other error, 2 bad command line, 3 not found, 4 invalid argument,
5 not authenticated or not allowed, 6 failed precondition or conflict (stale etag, already
exists), 7 service unavailable or timed out.
"""

from __future__ import annotations

from typing import Annotated

import typer

from services.cli import agents, alerts, calls, contracts, customers, demo, search, tokens
from services.cli.session import DEFAULT_ADDRESSES, Session, begin
from services.softphone.cli import app as softphone_app

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=__doc__,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _address(service: str) -> object:
    return typer.Option(
        f"--{service}-address",
        envvar=f"CALLOPS_{service.upper()}_ADDRESS",
        help=f"host:port of the {service} service",
    )


@app.callback()
def main(
    ctx: typer.Context,
    customer_address: Annotated[str, _address("customer")] = DEFAULT_ADDRESSES["customer"],
    contract_address: Annotated[str, _address("contract")] = DEFAULT_ADDRESSES["contract"],
    callcenter_address: Annotated[str, _address("callcenter")] = DEFAULT_ADDRESSES["callcenter"],
    search_address: Annotated[str, _address("search")] = DEFAULT_ADDRESSES["search"],
    alerts_address: Annotated[str, _address("alerts")] = DEFAULT_ADDRESSES["alerts"],
    token: Annotated[
        str, typer.Option(envvar="CALLOPS_TOKEN", help="bearer token (JWT)", show_default=False)
    ] = "",
    json_output: Annotated[
        bool, typer.Option("--json", help="print results as JSON, for scripts")
    ] = False,
    timeout: Annotated[float, typer.Option(min=0.1, help="seconds per call")] = 30.0,
) -> None:
    """callops command-line client."""
    session = Session(
        addresses={
            "customer": customer_address,
            "contract": contract_address,
            "callcenter": callcenter_address,
            "search": search_address,
            "alerts": alerts_address,
        },
        token=token,
        json_output=json_output,
        timeout=timeout,
    )
    begin(session)
    ctx.call_on_close(session.close)


app.add_typer(customers.app, name="customers")
app.add_typer(contracts.app, name="contracts")
app.command("search")(search.search)
app.add_typer(agents.app, name="agents")
app.add_typer(calls.app, name="calls")
app.add_typer(alerts.app, name="alerts")
app.add_typer(demo.app, name="demo")
# The bridge beside an agent's softphone (baresip ctrl_tcp): its own options and token.
app.add_typer(softphone_app, name="softphone")
app.command("token")(tokens.token)

__all__ = ["app"]
