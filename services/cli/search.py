"""`callops search`: a legal user's contract query, with the matches highlighted."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from callops.search.v1 import search_pb2 as pb
from callops.search.v1 import search_pb2_grpc
from services.cli import output
from services.cli.session import call, current


def search(
    query: Annotated[str, typer.Argument(help='e.g. 违约责任, "不可抗力 通知", 违约 NEAR/5 赔偿')],
    state: Annotated[
        list[str] | None, typer.Option(help="only these states, e.g. active; repeatable")
    ] = None,
    department: Annotated[list[str] | None, typer.Option(help="repeatable")] = None,
    customer: Annotated[list[str] | None, typer.Option(help="customers/ID; repeatable")] = None,
    order_by: Annotated[str, typer.Option(help="relevance, signed_date, end_date, amount")] = "",
    limit: Annotated[int, typer.Option(min=1, max=100, help="results per page")] = 20,
    page_token: Annotated[str, typer.Option(help="from the previous page")] = "",
) -> None:
    """Search contracts (合同检索) with highlighted snippets."""
    request = pb.SearchContractsRequest(
        query=query,
        filter=pb.ContractFilter(
            states=[_state(s) for s in state or []],
            departments=department or [],
            customers=customer or [],
        ),
        order_by=order_by,
        page_size=limit,
        page_token=page_token,
    )
    stub = search_pb2_grpc.SearchServiceStub(current().channel("search"))
    answer = call("search", stub.SearchContracts, request)
    output.emit(answer, _human(answer))


def _state(text: str) -> str:
    """`active`, `pending-approval` or `STATE_ACTIVE` -> the state's enum name; the service
    names the allowed ones when it is none of them."""
    wanted = text.strip().upper().replace("-", "_")
    return wanted if wanted.startswith("STATE_") else f"STATE_{wanted}"


def _human(answer: pb.SearchContractsResponse) -> list[Any]:
    table = output.rows(
        f"{answer.total_size} contracts match",
        ["contract", "title", "customer", "state", "where it matched"],
        [],
    )
    for result in answer.results:
        c = result.contract
        matched = Text("\n").join(
            Text(f"{s.clause_heading or s.field}: ").append_text(output.highlighted(s.fragment))
            for s in result.snippets
        )
        table.add_row(
            f"{c.number}\n{c.name}",
            c.title,
            c.customer_display_name or c.customer,
            output.enum_label(c.state, "STATE"),
            matched,
        )
    shown: list[Any] = [table]
    if answer.next_page_token:
        shown.append(f"more: --page-token {answer.next_page_token}")
    return shown
