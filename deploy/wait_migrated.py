#!/usr/bin/env python
"""Waits until a service's database is at the newest migration (the migration Job's work).

Installed in the image as `callops-wait-migrated SERVICE`; the pods' init container runs it
so a new pod starts once the Job has migrated, instead of crash-looping into back-off."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

from services.common.db import make_engine
from services.common.migrations import DatabaseNotMigrated, ensure_migrated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="callops-wait-migrated", description=__doc__)
    parser.add_argument("service", help="customer, contract, callcenter, search or alerts")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before giving up")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between checks")
    args = parser.parse_args(argv)
    spec = importlib.util.find_spec(f"services.{args.service}")
    if spec is None or spec.origin is None:
        parser.error(f"no service named {args.service!r}")
    url = os.environ.get("CALLOPS_DATABASE_URL", "")
    if not url:
        parser.error("CALLOPS_DATABASE_URL is not set")
    migrations = Path(spec.origin).parent / "migrations"
    engine = make_engine(url)
    deadline = time.monotonic() + args.timeout
    while True:
        try:
            ensure_migrated(engine, migrations, args.service)
        except DatabaseNotMigrated as behind:  # the Job has not finished yet
            problem = str(behind)
        except Exception as exc:  # the database may not accept connections yet
            problem = f"{type(exc).__name__}: {exc}"
        else:
            print(f"callops {args.service}: the database is migrated", flush=True)
            return 0
        if time.monotonic() >= deadline:
            print(f"{problem}\ncallops {args.service}: gave up waiting", file=sys.stderr)
            return 1
        print(f"waiting: {problem}", flush=True)
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
