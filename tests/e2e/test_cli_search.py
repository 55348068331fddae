"""`callops search` against the real search service indexing from the real contract
service: a legal user's query with highlighted results, and a query that does not parse."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli_contracts import LEGAL, draft, publish_template
from tests.e2e.test_cli_customers import cli_for, create_west_lake
from tests.search_fixtures import SearchCaller, start_search


async def test_legal_finds_the_clause_with_the_match_highlighted(
    grpc_search: SearchCaller, tmp_path: Path
) -> None:
    server, port = await start_search(grpc_search.app)
    try:
        cli = cli_for(
            grpc_search.contracts,
            contract=grpc_search.app.settings.contract_address,
            search=f"127.0.0.1:{port}",
        )
        template = await publish_template(cli, tmp_path)
        customer = (await create_west_lake(cli))["name"]
        made = await draft(
            cli, customer, template, "--blank", "delivery_date=2026-12-20",
            "--blank", "delivery_place=杭州", "--blank", "court=上海仲裁委员会",
        )  # fmt: skip
        await grpc_search.deliver_events()

        found = await cli.json("search", "违约金", **LEGAL)
        assert found["total_size"] == 1
        result = found["results"][0]
        assert result["contract"]["name"] == made["name"]
        fragments = [s["fragment"] for s in result["snippets"]]
        assert any("<em>违约金</em>" in f for f in fragments)

        human = await cli("search", "违约金", **LEGAL)
        assert human.exit_code == 0, human.stderr
        assert "1 contracts match" in human.stdout and "违约金" in human.stdout
        assert "<em>" not in human.stdout  # shown as highlighting, not as markup

        drafts = await cli.json("search", "违约金", "--state", "draft", **LEGAL)
        assert drafts["total_size"] == 1
        waiting = await cli.json("search", "违约金", "--state", "pending-approval", **LEGAL)
        assert waiting["total_size"] == 0
        no_such_state = await cli("search", "违约金", "--state", "closed", **LEGAL)
        assert no_such_state.exit_code == 4 and "filter.states" in no_such_state.stderr

        nothing = await cli.json("search", "不可抗力", **LEGAL)
        assert nothing["total_size"] == 0 and nothing["results"] == []

        broken = await cli("search", '"违约', **LEGAL)
        assert broken.exit_code == 4
        assert broken.stderr.startswith("callops: INVALID_ARGUMENT: query: ")
        denied = await cli("search", "违约金", as_=("agent",))
        assert denied.exit_code == 5
    finally:
        await server.stop(None)
