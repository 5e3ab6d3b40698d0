"""Load test of `rules serve`: start-up time, then throughput and latency of `POST /v1/eval` with the full
explanation, at 1 and 8 concurrent clients, and a soak of 10,000 requests that must give no error and leave the
server's memory where it was.

The server is the real command (`rules serve`, one uvicorn process) on 127.0.0.1 and a free port; the clients are
asyncio tasks sharing one HTTP/1.1 connection pool (httpx2), each sending its next request when its last answer has
been read. Every request carries one example profile (all of examples/profiles in turn), `year` 2025, `as_of`
2025-06-01, `explain` full. Every phase is bounded in requests and in time, and stops by itself.

Baseline, side by side: the same documents built in this process with no HTTP (`evaluate_inputs`, then
`report_document` encoded as the server encodes it), one at a time: the floor of the server's time per request.

The machine has 2 cores, which the server, the clients and anything else running share; the load average is
reported with each phase. Run: `.venv/bin/python bench/serve_load.py [--soak 10000] [--json FILE]`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx2
import psutil

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
RULES_COMMAND = Path(sys.executable).parent / "rules"
HOST = "127.0.0.1"
YEAR, AS_OF = "2025", "2025-06-01"
TARGET_P99_MS = 20.0


def bodies() -> list[bytes]:
    """One request body per example profile, in file order."""
    from engine.model.profile import read_profiles

    result = []
    for path in sorted(EXAMPLES.iterdir()):
        (profile,) = read_profiles(path)
        assert profile.data is not None, profile.problems
        result.append(json.dumps({"profiles": [profile.data], "year": YEAR, "as_of": AS_OF,
                                  "explain": "full"}).encode())
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """`rules serve` in a child process; `started` is the seconds from launching it to its first health answer, and
    `start_cpu` the CPU seconds it used meanwhile (which, unlike the wall time, other processes do not stretch)."""

    def __init__(self, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        launched = time.perf_counter()
        command = [str(RULES_COMMAND), "serve", "--host", HOST, "--port", str(self.port), "--log-level", "warning",
                   "--workers", str(workers)]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = launched + 60
        while True:
            try:
                if httpx2.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if self.process.poll() is not None or time.perf_counter() > deadline:
                self.stop()
                raise SystemExit(f"the server did not start: {self.process.stderr.read().decode()[-2000:]}"
                                 if self.process.stderr else "the server did not start")
            time.sleep(0.005)
        self.started = time.perf_counter() - launched
        self.start_cpu = self.cpu()

    def processes(self) -> list[psutil.Process]:
        """The server and its worker processes, if any."""
        main = psutil.Process(self.process.pid)
        return [main, *main.children(recursive=True)]

    def rss(self) -> int:
        return sum(int(p.memory_info().rss) for p in self.processes())

    def cpu(self) -> float:
        return float(sum(p.cpu_times().user + p.cpu_times().system for p in self.processes()))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Phase:
    name: str
    clients: int
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    mean_response_bytes: int
    load_before: float
    load_after: float
    stopped_by_time: bool
    server_cpu_ms_per_request: float | None = None
    rss_before_mb: float | None = None
    rss_after_mb: float | None = None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run_phase(name: str, server: Server, payloads: list[bytes], clients: int, requests: int,
                    max_seconds: float) -> Phase:
    """`clients` tasks send `requests` requests in all (or fewer, if `max_seconds` runs out first)."""
    url = server.url
    cpu_before = server.cpu()
    latencies: list[float] = []
    sizes: list[int] = []
    errors = 0
    issued = 0
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)

    def next_index() -> int | None:
        nonlocal issued
        if issued >= requests or time.perf_counter() - started > max_seconds:
            return None
        issued += 1
        return issued - 1

    async with httpx2.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        async def worker() -> None:
            nonlocal errors
            while (index := next_index()) is not None:
                body = payloads[index % len(payloads)]
                sent = time.perf_counter()
                response = await client.post("/v1/eval", content=body, headers={"content-type": "application/json"})
                latencies.append(time.perf_counter() - sent)
                sizes.append(len(response.content))
                if response.status_code != 200:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(clients)))
    seconds = time.perf_counter() - started
    milliseconds = [1000 * value for value in latencies]
    cpu_ms = 1000 * (server.cpu() - cpu_before) / len(latencies)
    return Phase(name, clients, len(latencies), errors, round(seconds, 2), round(len(latencies) / seconds, 1),
                 round(percentile(milliseconds, 0.50), 1), round(percentile(milliseconds, 0.99), 1),
                 round(max(milliseconds), 1), int(statistics.mean(sizes)), round(load_before, 2),
                 round(os.getloadavg()[0], 2), len(latencies) < requests, round(cpu_ms, 2))


def in_process_baseline(payloads: list[bytes], rounds: int) -> dict[str, float]:
    """Milliseconds per request body with no HTTP: parse, check, evaluate, explain, encode, as the server does (its
    rulebooks frozen out of the garbage collector's reach, as the server's are)."""
    from starlette.responses import JSONResponse

    from engine.explain.evaluation import evaluate_inputs
    from engine.explain.report import report_document
    from engine.lower.rulebook import default_rules_tree
    from engine.serve.library import load_library
    from engine.serve.requests import Limits, parse_json, read_eval_request

    library = load_library(default_rules_tree())
    gc.collect()
    gc.freeze()  # as the server does before its first request (engine/serve/app.py)

    def one(body: bytes) -> bytes:
        request = read_eval_request(parse_json(body), library, Limits())
        evaluated = evaluate_inputs(request.inputs, request.rulebooks, request.as_of, request.detail)
        return bytes(JSONResponse(report_document(evaluated.reports, [])).body)

    for body in payloads:
        one(body)
    times = []
    for _ in range(rounds):
        for body in payloads:
            start = time.perf_counter()
            one(body)
            times.append(1000 * (time.perf_counter() - start))
    return {"mean_ms": round(statistics.mean(times), 2), "p50_ms": round(percentile(times, 0.5), 2),
            "p99_ms": round(percentile(times, 0.99), 2)}


def start_times(runs: int, workers: int) -> Iterator[tuple[float, float]]:
    for _ in range(runs):
        server = Server(workers)
        server.stop()
        yield round(server.started, 3), round(server.start_cpu, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per latency phase (default 400)")
    parser.add_argument("--soak", type=int, default=10_000, help="requests of the soak (default 10,000)")
    parser.add_argument("--max-seconds", type=float, default=900, help="time bound of each phase (default 900)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()

    payloads = bodies()
    figures: dict[str, Any] = {"cpus": os.cpu_count(), "profiles": len(payloads), "workers": arguments.workers}
    figures["start_wall_and_cpu_seconds"] = list(start_times(3, arguments.workers))
    print(f"start-up, launch to first health answer (wall, CPU) s: {figures['start_wall_and_cpu_seconds']}",
          flush=True)
    figures["baseline_in_process"] = in_process_baseline(payloads, 3)
    print(f"in process, no HTTP: {figures['baseline_in_process']}", flush=True)

    server = Server(arguments.workers)
    try:
        asyncio.run(run_phase("warm-up", server, payloads, 2, 2 * len(payloads), arguments.max_seconds))
        phases = []
        for clients in (1, 8):
            phase = asyncio.run(run_phase(f"{clients} client(s)", server, payloads, clients, arguments.requests,
                                          arguments.max_seconds))
            phases.append(phase)
            print(asdict(phase), flush=True)
        rss_before = server.rss()
        soak = asyncio.run(run_phase("soak", server, payloads, 8, arguments.soak, arguments.max_seconds))
        soak.rss_before_mb, soak.rss_after_mb = round(rss_before / 2**20, 1), round(server.rss() / 2**20, 1)
        phases.append(soak)
        print(asdict(soak), flush=True)
    finally:
        server.stop()
    figures["phases"] = [asdict(p) for p in phases]
    eight = phases[1]
    figures["target_p99_ms_at_8"] = TARGET_P99_MS
    figures["target_met"] = eight.p99_ms < TARGET_P99_MS
    print(f"\np99 at 8 clients: {eight.p99_ms} ms; target {TARGET_P99_MS} ms: "
          f"{'met' if figures['target_met'] else 'not met'}")
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
