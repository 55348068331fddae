"""`callops softphone`: run the bridge beside a baresip softphone.

callops softphone bridge --agent agents/… --token … --baresip 127.0.0.1:4444
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path
from typing import Annotated

import typer

from callops.callcenter.v1 import callcenter_pb2 as pb
from services.softphone.bridge import Bridge, Display, ScreenPopShown, describe_screen_pop
from services.softphone.spool import Spool

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


@app.callback()
def softphone() -> None:
    """The bridge between an agent's softphone and the call center."""


def terminal_display() -> Display:
    def screen_pop(shown: ScreenPopShown) -> None:
        for line in describe_screen_pop(shown):
            typer.echo(line)

    def offer(task: pb.CallbackTask) -> None:
        typer.echo(f"回拨 offered: {task.name} {task.phone_number} (missed {task.missed_count}x)")

    def dialled(task: pb.CallbackTask, uri: str) -> None:
        typer.echo(f"回拨 dialling {uri} for {task.name}")

    return Display(screen_pop, offer, dialled, lambda text: typer.echo(text, err=True))


@app.command()
def bridge(
    agent: Annotated[str, typer.Option(help="the logged-in agent, agents/{id}")],
    token: Annotated[str, typer.Option(envvar="CALLOPS_TOKEN", help="the agent's bearer token")],
    baresip: Annotated[str, typer.Option(help="baresip's ctrl_tcp host:port")] = "127.0.0.1:4444",
    callcenter: Annotated[
        str,
        typer.Option(envvar="CALLOPS_CALLCENTER_ADDRESS", help="the call center's gRPC address"),
    ] = "127.0.0.1:50053",
    spool: Annotated[
        Path, typer.Option(help="SQLite file keeping events the service has not acknowledged")
    ] = Path("var/softphone-spool.db"),
    auto_accept: Annotated[
        bool, typer.Option(help="accept every callback offered (else accept it in the desktop)")
    ] = False,
    dial_template: Annotated[
        str,
        typer.Option(
            help="URI for a callback number this phone has not seen, e.g. sip:{national}@pbx"
        ),
    ] = "",
) -> None:
    """Report baresip's call events for the agent, show screen-pops, dial accepted callbacks."""
    if not agent.startswith("agents/"):
        raise typer.BadParameter("must be agents/{id}", param_hint="--agent")
    host, _, port = baresip.rpartition(":")
    if not host or not port.isdigit():
        raise typer.BadParameter("must be host:port", param_hint="--baresip")
    logging.basicConfig(level=logging.WARNING)
    spool.parent.mkdir(parents=True, exist_ok=True)
    store = Spool(spool)
    runner = Bridge(
        baresip,
        callcenter,
        token,
        agent,
        store,
        terminal_display(),
        auto_accept=auto_accept,
        dial_template=dial_template,
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_until_stopped(runner))
    finally:
        store.close()


async def _until_stopped(runner: Bridge) -> None:
    """Runs the bridge until SIGTERM or SIGINT; what is spooled stays for the next start."""
    task = asyncio.create_task(runner.run())
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task
