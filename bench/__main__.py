"""`python -m bench`: run registered scenarios beside a same-run echo baseline and report."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
from typing import Any

import grpc

from bench.loadgen import run_clients
from bench.report import BASELINE, Row, add_ratios, table, to_json
from bench.scenarios import SCENARIOS, EchoScenario, Scenario, load

# One client process: it uses ~0.7 core to saturate a ~1-core echo server on 2 cores; a
# second one adds only overhead and takes CPU from the servers (measured, both ways).
DEFAULT_CLIENTS = 1
OTHER_CPU_WARN_PCT = 20.0  # % of one core used by unrelated processes during a run


def _ints(text: str) -> list[int]:
    values = [int(x) for x in text.split(",") if x.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("expected positive integers, e.g. 8,32")
    return values


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--duration", type=float, default=10.0, help="measured seconds per run")
    p.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each")
    p.add_argument("--concurrency", type=_ints, default=[8, 32], help="calls in flight, e.g. 8,32")
    p.add_argument(
        "--clients", type=int, default=DEFAULT_CLIENTS, help="client processes sharing the load"
    )
    p.add_argument("--only", action="append", choices=sorted(SCENARIOS), help="repeatable")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = p.parse_args(argv)
    if args.duration <= 0 or args.warmup < 0 or args.clients < 1:
        p.error("need --duration > 0, --warmup >= 0, --clients >= 1")
    return args


async def _measure(scenario: Scenario, args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    print(f"bench: starting {scenario.name} ...", file=sys.stderr)
    servers = await scenario.setup()
    try:
        for concurrency in args.concurrency:
            run = await asyncio.to_thread(
                run_clients,
                scenario.client_factory(),
                servers.target,
                clients=args.clients,
                concurrency=concurrency,
                duration_s=args.duration,
                warmup_s=args.warmup,
                server_pids=servers.pids,
            )
            rows.append(Row.from_run(scenario.name, concurrency, scenario.server_processes, run))
            r, other = run.load, run.other_cpu_pct
            print(
                f"bench: {scenario.name} c={concurrency}: {r.rps:,.0f} rps, "
                f"p99 {r.p99_ms:.2f} ms, {r.errors} errors",
                file=sys.stderr,
            )
            if other is not None and other > OTHER_CPU_WARN_PCT:
                print(
                    f"bench: warning: other processes used {other:.0f}% CPU meanwhile;"
                    " figures are skewed, rerun on a quiet machine",
                    file=sys.stderr,
                )
    finally:
        await scenario.teardown()
    return rows


async def _run(args: argparse.Namespace) -> list[Row]:
    names = args.only or list(SCENARIOS)
    scenarios = [load(n) for n in names if n != BASELINE]
    # The echo baseline runs first, in this run, with each server-process count in use
    # (and with one server process when echo itself was asked for).
    counts = {s.server_processes for s in scenarios} | ({1} if BASELINE in names else set())
    rows: list[Row] = []
    for n in sorted(counts):
        rows += await _measure(EchoScenario(n), args)
    for scenario in scenarios:
        rows += await _measure(scenario, args)
    add_ratios(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    rows = asyncio.run(_run(args))
    if args.json:
        meta: dict[str, Any] = {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "clients": args.clients,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "grpcio": grpc.__version__,
        }
        print(to_json(rows, meta))
    else:
        print(table(rows))
    return 0 if all(r.errors == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
