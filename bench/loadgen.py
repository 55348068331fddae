"""Closed-loop gRPC load generator whose clients run in their own (spawned) processes."""

from __future__ import annotations

import asyncio
import math
import multiprocessing as mp
import os
import queue
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

import grpc

Call = Callable[[], Awaitable[object]]
# Builds the per-call coroutine inside the client process from a channel the harness opened.
# It crosses a spawn boundary, so it must pickle: a module-level function or a
# functools.partial of one with picklable arguments.
ClientFactory = Callable[[grpc.aio.Channel], Awaitable[Call]]

GRACE_S = 5.0  # how long calls in flight at the end may run on before they are cancelled
START_TIMEOUT_S = 60.0  # client process start-up and factory (it may build test data)
CONNECT_TIMEOUT_S = 10.0  # setup() already saw the servers answer; this is only a reconnect
# round_robin spreads calls over every address of an "ipv4:a:p1,b:p2" target (several
# server processes); with a single address it behaves like the default pick_first.
CHANNEL_OPTIONS = (("grpc.lb_policy_name", "round_robin"),)


@dataclass
class LoadResult:
    """Successful calls, errors and latency of the successful calls in the measured window."""

    calls: int
    errors: int
    seconds: float
    rps: float  # successful calls per second
    p50_ms: float
    p95_ms: float
    p99_ms: float
    error_kinds: dict[str, int] = field(default_factory=dict)
    latencies_ns: list[int] = field(default_factory=list, repr=False)

    def to_dict(self, *, samples: bool = True) -> dict[str, Any]:
        d = asdict(self)
        if not samples:
            del d["latencies_ns"]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LoadResult:
        return cls(**d)


def _percentile_ms(sorted_ns: Sequence[int], q: float) -> float:
    if not sorted_ns:
        return math.nan
    rank = max(1, math.ceil(q * len(sorted_ns)))  # nearest-rank: always an observed value
    return sorted_ns[rank - 1] / 1e6


def _result(latencies: list[int], kinds: Counter[str], seconds: float) -> LoadResult:
    latencies.sort()
    return LoadResult(
        calls=len(latencies),
        errors=sum(kinds.values()),
        seconds=seconds,
        rps=len(latencies) / seconds if seconds > 0 else 0.0,
        p50_ms=_percentile_ms(latencies, 0.50),
        p95_ms=_percentile_ms(latencies, 0.95),
        p99_ms=_percentile_ms(latencies, 0.99),
        error_kinds=dict(kinds),
        latencies_ns=latencies,
    )


def _error_kind(exc: BaseException) -> str:
    if isinstance(exc, grpc.aio.AioRpcError):
        return exc.code().name
    return type(exc).__name__


async def run_load(
    call: Call, *, concurrency: int, duration_s: float, warmup_s: float = 1.0
) -> LoadResult:
    """Keep `concurrency` calls in flight for warmup_s + duration_s; measure the last duration_s.

    A call counts in the window its completion falls in, so throughput is the completion
    rate. It returns by itself: calls still running GRACE_S after the window are cancelled
    and counted as errors ("unfinished").
    """
    if concurrency < 1 or duration_s <= 0 or warmup_s < 0:
        raise ValueError("need concurrency >= 1, duration_s > 0, warmup_s >= 0")
    window_start = time.perf_counter_ns() + int(warmup_s * 1e9)
    window_end = window_start + int(duration_s * 1e9)
    latencies: list[int] = []
    kinds: Counter[str] = Counter()

    async def worker() -> None:
        while (t0 := time.perf_counter_ns()) < window_end:
            try:
                await call()
            except Exception as exc:  # any failure is an error, never a success
                if window_start <= time.perf_counter_ns() < window_end:
                    kinds[_error_kind(exc)] += 1
                continue
            t1 = time.perf_counter_ns()
            if window_start <= t1 < window_end:
                latencies.append(t1 - t0)

    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    _, pending = await asyncio.wait(tasks, timeout=warmup_s + duration_s + GRACE_S)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    if pending:
        kinds["unfinished"] += len(pending)
    return _result(latencies, kinds, float(duration_s))


def merge_results(results: Sequence[LoadResult]) -> LoadResult:
    """Combine concurrent runs: rates add up, percentiles come from the pooled samples."""
    kinds: Counter[str] = Counter()
    for r in results:
        kinds.update(r.error_kinds)
    merged = _result(
        [ns for r in results for ns in r.latencies_ns], kinds, max(r.seconds for r in results)
    )
    merged.rps = sum(r.rps for r in results)  # windows overlap (barrier), so rates add
    return merged


@dataclass(frozen=True)
class ClientJob:
    """What one client process runs; everything in it must pickle."""

    factory: ClientFactory
    target: str
    concurrency: int
    duration_s: float
    warmup_s: float
    server_pids: tuple[int, ...] = ()


@dataclass
class RunResult:
    """Merged load of all client processes, with CPU use in percent of one core."""

    load: LoadResult
    clients: int
    client_cpu_pct: float  # all client processes together
    server_cpu_pct: float | None  # all server processes together; None if not readable
    # Whole machine minus our servers and clients: other work that skews the figures.
    other_cpu_pct: float | None


def _cpu_seconds(pids: Sequence[int]) -> float | None:
    """User + system CPU time of whole processes (all threads), from /proc (Linux)."""
    total = 0
    try:
        for pid in pids:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    except (OSError, IndexError, ValueError):
        return None
    return total / os.sysconf("SC_CLK_TCK") if pids else None


def _machine_busy_seconds() -> float | None:
    """CPU time all cores spent busy (not idle or iowait) since boot, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _pct(before: float | None, after: float | None, wall: float) -> float | None:
    return None if before is None or after is None else 100 * (after - before) / wall


async def _client(job: ClientJob, barrier: Any) -> dict[str, Any]:
    async with grpc.aio.insecure_channel(job.target, options=CHANNEL_OPTIONS) as channel:
        call = await job.factory(channel)
        try:
            await asyncio.wait_for(channel.channel_ready(), CONNECT_TIMEOUT_S)
        except TimeoutError:
            raise RuntimeError(f"no connection to {job.target} in {CONNECT_TIMEOUT_S} s") from None
        # All client processes start together so their measured windows overlap.
        await asyncio.to_thread(barrier.wait, START_TIMEOUT_S)
        wall0, cpu0 = time.monotonic(), time.process_time()
        srv0, box0 = _cpu_seconds(job.server_pids), _machine_busy_seconds()
        result = await run_load(
            call, concurrency=job.concurrency, duration_s=job.duration_s, warmup_s=job.warmup_s
        )
        wall = time.monotonic() - wall0
        return {
            "load": result.to_dict(),
            # CPU is taken over warmup + window: both run the same steady load.
            "client_cpu_pct": 100 * (time.process_time() - cpu0) / wall,
            "server_cpu_pct": _pct(srv0, _cpu_seconds(job.server_pids), wall),
            "machine_cpu_pct": _pct(box0, _machine_busy_seconds(), wall),
        }


def _client_main(job: ClientJob, barrier: Any, out: Any) -> None:
    try:
        out.put(asyncio.run(_client(job, barrier)))
    except BaseException as exc:  # report to the parent instead of dying silently
        barrier.abort()
        out.put({"error": f"{type(exc).__name__}: {exc}"})


def get_from(out: Any, procs: Sequence[BaseProcess], deadline: float) -> Any:
    """Next item of a multiprocessing queue; fail fast if its producers died, or at deadline."""
    while True:
        try:
            return out.get(timeout=0.2)
        except queue.Empty:
            if not any(p.is_alive() for p in procs):
                # A last item may land between the get and the liveness check.
                try:
                    return out.get(timeout=0.5)
                except queue.Empty:
                    raise RuntimeError("child process exited without reporting") from None
            if time.monotonic() > deadline:
                raise RuntimeError("child process did not report in time") from None


def run_clients(
    factory: ClientFactory,
    target: str,
    *,
    clients: int,
    concurrency: int,
    duration_s: float,
    warmup_s: float = 1.0,
    server_pids: Sequence[int] = (),
) -> RunResult:
    """Run `clients` spawned client processes sharing `concurrency` calls in flight; merge.

    Blocking; from async code call it through asyncio.to_thread.
    """
    clients = max(1, min(clients, concurrency))
    ctx = mp.get_context("spawn")  # fresh interpreters: no forked gRPC state, no shared GIL
    barrier, out = ctx.Barrier(clients), ctx.Queue()
    shares = [concurrency // clients + (i < concurrency % clients) for i in range(clients)]
    procs = [
        ctx.Process(
            target=_client_main,
            args=(
                ClientJob(factory, target, n, duration_s, warmup_s, tuple(server_pids)),
                barrier,
                out,
            ),
            name=f"bench-client-{i}",
            daemon=True,
        )
        for i, n in enumerate(shares)
    ]
    for p in procs:
        p.start()
    deadline = time.monotonic() + START_TIMEOUT_S + warmup_s + duration_s + 2 * GRACE_S
    try:
        raw = [get_from(out, procs, deadline) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
    if failed := [r["error"] for r in raw if "error" in r]:
        raise RuntimeError(f"client process failed: {failed[0]}")
    client_cpu = sum(r["client_cpu_pct"] for r in raw)
    # Every client sampled the same processes over nearly the same time: average them.
    server_cpu, machine_cpu = (
        _mean([r[k] for r in raw]) for k in ("server_cpu_pct", "machine_cpu_pct")
    )
    return RunResult(
        load=merge_results([LoadResult.from_dict(r["load"]) for r in raw]),
        clients=clients,
        client_cpu_pct=client_cpu,
        server_cpu_pct=server_cpu,
        other_cpu_pct=None
        if server_cpu is None or machine_cpu is None
        else max(0.0, machine_cpu - server_cpu - client_cpu),
    )


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
