"""Durable-intake throughput and ack latency, as ratios against a bare aiohttp server, and
the inbox's processing rate for deliveries about one issue against deliveries about many.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/intake.py``). The servers (bare
aiohttp; Warden with its workers off, "intake only"; the whole Warden server) run as
subprocesses on loopback and are measured in the same run, so the ratios
hold on a noisy machine even when the absolute figures do not. The processing figures run
the inbox in this process on a SQLite file, with a handler that does nothing: what is
measured is claiming in order, not the work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import NamedTuple

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import SECRET, example_payload, webhook_headers  # noqa: E402

FAKE_PEM = "-----BEGIN RSA PRIVATE KEY-----\\nunused\\n-----END RSA PRIVATE KEY-----"


def serve(kind: str, port: int) -> None:
    from aiohttp import web

    if kind == "bare":

        async def accept(request: web.Request) -> web.Response:
            await request.read()
            return web.json_response({"message": "queued"}, status=202)

        app = web.Application()
        app.router.add_post("/webhook", accept)
    else:
        from app.feature import Feature, Wiring
        from app.platform.settings import load_settings
        from app.server import create_app

        app = create_app(
            load_settings(dotenv=None),
            wiring=Wiring.of(Feature("benchmark")),
            run_workers=kind == "warden",
            run_scheduler=False,
        )
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(kind: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GITHUB_APP_ID": "1",
        "GITHUB_PRIVATE_KEY": FAKE_PEM,
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": f"sqlite:///{tmp / (kind + '.sqlite3')}",
        "LOG_LEVEL": "warning",
    }
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--port", str(port)], env=env, cwd=ROOT
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc, f"http://127.0.0.1:{port}/webhook"
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{kind} server did not start")


def bodies(n: int) -> list[tuple[bytes, dict[str, str]]]:
    """Real ``issues.opened`` payloads, each about its own issue (so they may run in parallel)."""
    payload = example_payload("issues.opened")
    out = []
    for number in range(n):
        payload["issue"]["number"] = number
        body = json.dumps(payload).encode()
        out.append((body, webhook_headers(body, delivery=str(uuid.uuid4()))))
    return out


class Flood(NamedTuple):
    rate: float  # deliveries/s
    client_us: float  # the load generator's own CPU per delivery, in microseconds


async def flood(url: str, n: int, concurrency: int) -> Flood:
    """Send n deliveries as fast as ``concurrency`` connections allow; deliveries/s, and
    what sending them cost this process (the load generator shares the machine's cores)."""
    work = bodies(n)
    queue: asyncio.Queue[tuple[bytes, dict[str, str]]] = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while not queue.empty():
                body, headers = queue.get_nowait()
                async with session.post(url, data=body, headers=headers) as r:
                    assert r.status == 202, r.status

        start, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed, spent = time.perf_counter() - start, time.process_time() - cpu
        return Flood(n / elapsed, spent / n * 1e6)


async def paced(url: str, rate: float, seconds: float) -> list[float]:
    """Send at a fixed rate; return each ack latency in milliseconds."""
    n = int(rate * seconds)
    work = bodies(n)
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(body: bytes, headers: dict[str, str]) -> None:
            t0 = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as r:
                assert r.status == 202, r.status
            latencies.append((time.perf_counter() - t0) * 1000)

        start = time.perf_counter()
        tasks = []
        for i, (body, headers) in enumerate(work):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(body, headers)))
        await asyncio.gather(*tasks)
    return latencies


def wrk_script(path: Path) -> None:
    """A wrk script that posts one real signed ``issues.opened`` payload with a new
    ``X-GitHub-Delivery`` per request (the signature does not cover headers), so every
    request is stored as a new delivery: the outside check of the throughput figure."""
    body = json.dumps(example_payload("issues.opened"))
    headers = webhook_headers(body.encode(), delivery="unused")
    lines = ["wrk.method = 'POST'", f"wrk.body = {json.dumps(body)}"]
    lines += [
        f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}"
        for name, value in headers.items()
        if name != "X-GitHub-Delivery"
    ]
    lines += [
        "local run = tostring(os.time()) .. '-' .. tostring(math.random(1, 1000000000))",
        "local n = 0",
        "request = function()",
        "  n = n + 1",
        "  wrk.headers['X-GitHub-Delivery'] = run .. '-' .. n",
        "  return wrk.format()",
        "end",
    ]
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}; time a running server with:")
    print(f"  wrk -t1 -c32 -d5s -s {path} http://127.0.0.1:PORT/webhook")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def process(count: int, issues: int, tmp: Path) -> float:
    """Seconds for the inbox to run ``count`` queued deliveries spread over ``issues`` issues
    (deliveries about one issue run one at a time, in order)."""
    from gidgethub import routing

    from app.feature import Feature, Wiring
    from app.intake.inbox import Inbox
    from app.platform.settings import load_settings
    from app.runtime import open_runtime
    from app.store import NewDelivery

    router = routing.Router()
    router.add(_nothing, "issues", action="opened")
    database = f"sqlite:///{tmp / f'inbox-{issues}.sqlite3'}"
    settings = load_settings({"DATABASE_URL": database}, dotenv=None)
    async with open_runtime(settings, Wiring.of(Feature("bench", router=router))) as ctx:
        body = json.dumps(example_payload("issues.opened")).encode()
        now = time.time()
        await ctx.store.insert_deliveries(
            [
                NewDelivery(f"p{n}", "issues", "opened", None, f"issue:1:{n % issues}", body, now)
                for n in range(count)
            ]
        )
        inbox = Inbox(ctx, ctx.wiring.router, workers=settings.workers, max_attempts=3)
        start = time.perf_counter()
        await inbox.start()
        try:
            while (await ctx.store.count_deliveries()).get("done", 0) < count:
                await asyncio.sleep(0.05)
        finally:
            await inbox.stop()
        return time.perf_counter() - start


async def _nothing(*args: object, **kwargs: object) -> None:
    return None


async def measure_one(kind: str, args: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start(kind, Path(tmp))
        try:
            await flood(url, 200, 16)  # warm up
            flooded = await flood(url, args.count, args.concurrency)
            latencies = await paced(url, args.rate, args.seconds)
        finally:
            proc.terminate()
            proc.wait(10)
    return {
        "throughput": flooded.rate,
        "client": flooded.client_us,
        "p50": statistics.median(latencies),
        "p99": pct(latencies, 99),
        "max": max(latencies),
    }


async def measure(args: argparse.Namespace) -> None:
    """Each round starts every server in turn, alone, on a fresh database, so the ratios
    pair figures taken seconds apart (no server's leftover work runs beside another's);
    the medians of the rounds are printed."""
    kinds = args.kinds.split(",")
    rounds: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for _ in range(args.rounds):
        for kind in kinds:
            rounds[kind].append(await measure_one(kind, args))
    results = {
        kind: {key: statistics.median(r[key] for r in rounds[kind]) for key in rounds[kind][0]}
        for kind in kinds
    }
    ratios = {
        kind: statistics.median(
            w["throughput"] / b["throughput"]
            for w, b in zip(rounds[kind], rounds["bare"], strict=True)
        )
        for kind in kinds
    }
    for kind in kinds:
        results[kind]["paired"] = ratios[kind]
    report(args, results)
    if args.process:
        with tempfile.TemporaryDirectory() as tmp:
            one = await process(args.process, 1, Path(tmp))
            many = await process(args.process, args.process, Path(tmp))
        print(f"processing {args.process} queued deliveries (inbox, no-op handler, SQLite):")
        print(f"  about one issue:    {one:6.2f}s  {args.process / one:7.0f}/s  goal >= 200/s")
        print(f"  about {args.process} issues: {many:6.2f}s  {args.process / many:7.0f}/s")


LABELS = {"bare": "bare aiohttp", "intake-only": "intake only", "warden": "whole server"}
GOALS = {"throughput": "goal >= 0.50 of bare", "p99": "goal <= 10 ms"}


def report(args: argparse.Namespace, results: dict[str, dict[str, float]]) -> None:
    """One column per server; each Warden figure with its ratio to bare aiohttp's."""
    print(
        f"intake benchmark: {args.count} deliveries at concurrency {args.concurrency}; "
        f"latency at {args.rate:.0f}/s for {args.seconds:.0f}s (SQLite, fsync on commit)"
    )
    print(
        f"  medians of {args.rounds} rounds; intake only: the webhook route with the workers "
        "off; whole server: workers on"
    )
    bare = results["bare"]
    wardens = [k for k in results if k != "bare"]
    print(f"{'':<22}{LABELS['bare']:>14}" + "".join(f"{LABELS[k]:>22}" for k in wardens))
    rows = (("throughput", "throughput (deliv/s)", "{:.0f}"), ("p50", "ack p50 (ms)", "{:.2f}"))
    tail = (("p99", "ack p99 (ms)", "{:.2f}"), ("max", "ack max (ms)", "{:.1f}"))
    for key, label, form in (*rows, *tail):
        cells = "".join(
            f"{form.format(results[k][key]):>12}{f'({results[k][key] / bare[key]:.2f})':>10}"
            for k in wardens
        )
        print(f"{label:<22}{form.format(bare[key]):>14}{cells}  {GOALS.get(key, '')}")
        if key == "throughput":
            paired = "".join(f"{results[k]['paired']:>22.2f}" for k in wardens)
            print(f"{'  paired ratio':<22}{'':>14}{paired}  median of the rounds' ratios")
            client = "".join(f"{results[k]['client']:>22.0f}" for k in wardens)
            print(
                f"{'  client CPU (us/del)':<22}{bare['client']:>14.0f}{client}  the load "
                "generator's own, on the same cores"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--serve", choices=["bare", "warden", "intake-only"])
    parser.add_argument("--port", type=int)
    parser.add_argument(
        "--flood", metavar="URL", help="only send --count deliveries to URL (an outside check)"
    )
    parser.add_argument(
        "--wrk-lua", metavar="PATH", type=Path, help="only write a wrk script for the outside check"
    )
    parser.add_argument("--kinds", default="bare,intake-only,warden", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument(
        "--process", type=int, default=5000, help="deliveries to process (0: skip that part)"
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
    elif args.wrk_lua:
        wrk_script(args.wrk_lua)
    elif args.flood:
        flooded = asyncio.run(flood(args.flood, args.count, args.concurrency))
        print(f"{flooded.rate:.0f} deliveries/s; client CPU {flooded.client_us:.0f} us each")
    else:
        asyncio.run(measure(args))


if __name__ == "__main__":
    main()
