"""Measures the tantivy search engine: indexing throughput and query latency on a big corpus.

python -m bench.search_engine --documents 100000 --directory /tmp/search-bench
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from services.search.adapters.tantivy_engine import TantivyEngine
from services.search.domain.query import parse_query
from services.search.domain.requests import Facet, Filters, SearchRequest, Visibility
from tests.search_corpus import generate_corpus

BATCH = 5000
QUERIES = {
    "2-char word": ["违约", "保密", "仲裁", "协商", "赔偿", "法院", "验收", "发票"],
    "4-char term": ["违约责任", "不可抗力", "争议解决", "友好协商", "商业秘密", "人民法院"],
    "phrase": ['"书面 通知"', '"守约方 因此 遭受"', '"增值税 专用 发票"', '"仲裁 委员会"'],
    "word + 2 filters": ["违约", "仲裁", "违约责任", "保密"],
}
FILTERS = Filters(states=frozenset({"SIGNED", "ACTIVE"}), departments=frozenset({"法务部"}))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        out.append((time.perf_counter() - began) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_engine", description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--body-repeat", type=int, default=3, help="3: about 2 KB per contract")
    parser.add_argument("--repeat", type=int, default=100, help="timed runs per query kind")
    parser.add_argument("--directory", type=Path, default=None)
    args = parser.parse_args(argv)

    directory = args.directory or Path(tempfile.mkdtemp(prefix="search-bench-"))
    shutil.rmtree(directory, ignore_errors=True)
    began = time.perf_counter()
    docs = generate_corpus(args.documents, seed=1, body_repeat=args.body_repeat)
    generated = time.perf_counter() - began
    size = sum(len(d.text.encode()) for d in docs) / len(docs)
    print(f"generated {len(docs)} contracts, {size:.0f} bytes of text each, in {generated:.1f} s")

    engine = TantivyEngine(directory)
    began = time.perf_counter()
    for start in range(0, len(docs), BATCH):
        engine.index(docs[start : start + BATCH])
    elapsed = time.perf_counter() - began
    disk = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 1e6
    print(f"indexed in {elapsed:.1f} s: {len(docs) / elapsed:.0f} docs/s, {disk:.0f} MB on disk")

    everyone = Visibility.everything()
    print(f"{'query kind':<18} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  (page of 20, snippets)")
    for kind, texts in QUERIES.items():
        filtered = kind.startswith("word +")
        requests = [
            SearchRequest(
                everyone,
                parse_query(text),
                filters=FILTERS if filtered else Filters(),
                facets=frozenset(Facet) if filtered else frozenset(),
            )
            for text in texts
        ]
        for request in requests:  # warm the caches once
            engine.search(request)
        latencies: list[float] = []
        per_query = max(1, args.repeat // len(requests))
        for request in requests:
            latencies += timed(functools.partial(engine.search, request), per_query)
        print(
            f"{kind:<18} {statistics.median(latencies):8.1f} {percentile(latencies, 0.95):8.1f}"
            f" {max(latencies):8.1f}"
        )
    engine.close()
    if args.directory is None:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
