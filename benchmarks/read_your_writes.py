"""Read-your-writes latency: from a write's commit to wait_for returning, the projection worker
in another process (as engage-projections runs it), on PostgreSQL. A measurement, not a test.

    .venv/bin/python -m benchmarks.read_your_writes postgresql://engage:engage@127.0.0.1:5432/engage_test
        [--writes 200] [--worker-poll 0.1] [--think 0.1] [--reads cards,people]

Between two writes the script pauses a random time up to --think seconds, so the writes do not
fall in step with the worker's polling (a closed loop would otherwise measure its phase).

A fresh schema is created and dropped. Prints p50/p95/max of the wait, the waiter's polls
and the machine's load average. Runs against any checkout of engage (PYTHONPATH): a
checkout whose wait_for names no projections waits for all of them.
"""

from __future__ import annotations

import argparse
import base64
import inspect
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid

import psycopg

WORKER = """
import json, os, signal
from engage.services import Engage
from engage.projections.engine import ProjectionWorker
engage = Engage.from_settings(json.loads(os.environ["RYW_SETTINGS"]), run_projections=False)
worker = ProjectionWorker(engage.engine, poll_interval=float(os.environ["RYW_POLL"]))
signal.signal(signal.SIGTERM, lambda *_: worker.stop())
print("ready", flush=True)
try:
    worker.run_forever()
finally:
    engage.close()
"""


def settings_for(url: str) -> dict:
    return {
        "engage.database_url": url,
        "engage.session_secret": "bench-" + uuid.uuid4().hex,
        "engage.identifier_key": "bench-identifier-key-0123456789",
        "engage.projections.in_process": "false",
        "engage.password_hashing": "cheapest-for-tests-only",
        "engage.mailer": "outbox",
        "engage.public_url": "http://localhost",
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a PostgreSQL URL (a schema is created in its database)")
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--worker-poll", type=float, default=0.1, help="the worker's poll interval (s)")
    parser.add_argument("--think", type=float, default=0.1, help="the longest pause between two writes (s)")
    parser.add_argument("--reads", default="", help="projections to wait for (comma-separated); all by default")
    args = parser.parse_args()
    os.environ.setdefault("ENGAGE_VAULT_KEK", base64.b64encode(os.urandom(32)).decode())

    from engage.db import DatabaseURL
    from engage.services import Engage

    base = DatabaseURL.parse(args.url)
    admin = dict(host=base.host, port=base.port, user=base.user, password=base.password, dbname=base.dbname)
    schema = f"ryw_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = f"{args.url}{'&' if '?' in args.url else '?'}schema={schema}"
    settings = settings_for(url)
    engage = Engage.from_settings(settings, run_projections=False)
    worker = subprocess.Popen([sys.executable, "-c", WORKER], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "RYW_SETTINGS": json.dumps(settings),
                                   "RYW_POLL": str(args.worker_poll)})
    try:
        assert worker.stdout.readline().strip() == "ready"
        named = "projections" in inspect.signature(engage.engine.wait_for).parameters
        reads = [r for r in args.reads.split(",") if r]
        kwargs = {"projections": reads} if reads and named else {}
        rng = random.Random(1)
        waits = []
        for i in range(args.writes + 10):
            time.sleep(rng.uniform(0, args.think))
            issued = engage.app.issue_card(name=f"Personne {i}", email=f"p{i}@exemple.fr",
                                           arrondissement=rng.randint(1, 20), age_band="25-34",
                                           consent_to_consultation=True)
            committed = time.perf_counter()
            engage.engine.wait_for(issued.position, 30, **kwargs)
            if i >= 10:  # the first ones warm the connections up
                waits.append((time.perf_counter() - committed) * 1000)
        load = os.getloadavg()
        print(f"read-your-writes wait after commit, {len(waits)} writes, worker poll {args.worker_poll * 1000:.0f} ms,"
              f" pauses up to {args.think * 1000:.0f} ms,"
              f" waits for {','.join(reads) if kwargs else 'every projection'}:")
        print(f"  p50 {statistics.median(waits):.1f} ms  p95 {percentile(waits, 95):.1f} ms"
              f"  max {max(waits):.1f} ms  mean {statistics.mean(waits):.1f} ms")
        print(f"  waiter polls: {getattr(engage.engine, 'polls', 'n/a')}"
              f"  notifications heard: {getattr(getattr(engage.engine, 'listener', None), 'notifications', 'n/a')}")
        print(f"  load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        engage.close()
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
