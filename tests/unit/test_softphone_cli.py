"""`callops softphone bridge` refuses bad options before connecting anywhere."""

from __future__ import annotations

from typer.testing import CliRunner

from services.softphone.cli import app


def test_bad_agent_and_address_are_named() -> None:
    runner = CliRunner()
    bad_agent = runner.invoke(app, ["bridge", "--agent", "wang.wu", "--token", "t"])
    assert bad_agent.exit_code == 2 and "--agent" in bad_agent.output
    for address in ("4444", "127.0.0.1:ctrl", ":4444"):
        bad_address = runner.invoke(
            app, ["bridge", "--agent", "agents/1", "--token", "t", "--baresip", address]
        )
        assert bad_address.exit_code == 2 and "--baresip" in bad_address.output, address
    no_token = runner.invoke(app, ["bridge", "--agent", "agents/1"], env={"CALLOPS_TOKEN": ""})
    assert no_token.exit_code == 2 and "--token" in no_token.output
