"""`callops softphone bridge` refuses bad options before connecting anywhere."""

from __future__ import annotations

from typer.testing import CliRunner

from services.softphone.cli import app


def test_bad_agent_and_address_are_named() -> None:
    runner = CliRunner()
    bad_agent = runner.invoke(app, ["bridge", "--agent", "wang.wu", "--token", "t"])
    assert bad_agent.exit_code == 2 and "--agent" in bad_agent.output
    bad_address = runner.invoke(
        app, ["bridge", "--agent", "agents/1", "--token", "t", "--baresip", "4444"]
    )
    assert bad_address.exit_code == 2 and "--baresip" in bad_address.output
    no_token = runner.invoke(app, ["bridge", "--agent", "agents/1"], env={"CALLOPS_TOKEN": ""})
    assert no_token.exit_code == 2 and "--token" in no_token.output
