"""Many cities on this machine (issue 11): cities × residents per minute, and the dispatcher's overhead per city.

    python benchmarks/bench_cities.py [--cities 4] [--residents 50000] [--tiny 8]

Two measurements, both of a second night (after each city's baseline night, which is not timed):

1. Throughput: ``--cities`` generated real cities of ``--residents`` each, run (a) one after another in one
   process (`juki cities nightly`) and (b) through the dispatcher on a real Prefect server with a process work
   pool of two workers, the ``cities`` queue limited to 2. Residents per minute = cities × residents / wall time.
2. Overhead: ``--tiny`` cities of 100 residents, where the job itself is a fraction of a second, run (a) by
   the same loop and (b) by the dispatcher with one worker and the queue limited to 1, so both run one city at
   a time. Overhead per city = (dispatched wall − loop wall) / cities: what a flow run of its own costs a city
   (the worker's poll, a process, imports, the pull step, the API calls of the run and its tasks).

Results go to results/cities.json (with the machine and its load, which varies: the machine is shared).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import DATA, load_average, save  # noqa: E402
from juki.registry import REGISTRY_NAME, load_registry  # noqa: E402
from juki.sample import SampleSpec  # noqa: E402
from juki.sample.cities import generate_cities, spread_codes  # noqa: E402
from tests.cities.stack import PROJECT, bin_of, start, start_server, wait_until  # noqa: E402

POOL, DISPATCH = "juki-cities", "dispatch-nightly/dispatch-nightly"
NIGHTS = ("2026-04-01", "2026-04-02")


def make(root: Path, n: int, residents: int, seed: int):
    """The cities, generated once under root/loop and copied to root/dispatch: (loop registry, dispatch one)."""
    shutil.rmtree(root, ignore_errors=True)
    registry, _ = generate_cities(root / "loop", SampleSpec(residents=residents, days=2, seed=seed,
                                                            start=date(2026, 4, 1)), spread_codes(n))
    shutil.copytree(root / "loop", root / "dispatch")
    return registry, load_registry(root / "dispatch" / REGISTRY_NAME)


def loop(registry, night: str) -> float:
    start_ = time.monotonic()
    done = subprocess.run([bin_of("juki"), "cities", "nightly", "--registry", registry.path, "--date", night],
                          capture_output=True, text=True)
    seconds = time.monotonic() - start_
    assert done.returncode == 0, done.stderr
    return seconds


def dispatched(registry, workers: int, limit: int, root: Path) -> tuple[float, dict]:
    """Both nights through the dispatcher; the wall time of the second, from trigger to its final state."""
    server = start_server(root / "prefect")
    try:
        server.env = {**server.env, "JUKI_REGISTRY": registry.path}
        server.cli("work-pool", "create", POOL, "--type", "process")
        server.cli("work-queue", "create", "cities", "--pool", POOL, "--limit", str(limit))
        server.cli("work-queue", "create", "dispatch", "--pool", POOL)
        server.cli("deploy", "--all", "--no-prompt", "--prefect-file", "prefect-cities.yaml", cwd=PROJECT)
        for i in range(workers):
            w = server.add(start(f"worker-{i}", [bin_of("prefect"), "worker", "start", "--pool", POOL, "--type",
                                                 "process"], server.env, root, root / f"worker-{i}.log",
                                 stop_signal=signal.SIGINT))
        wait_until("workers", lambda: len(server.post(f"/work_pools/{POOL}/workers/filter", {})) == workers, w,
                   server)
        deployment = server.get(f"/deployments/name/{DISPATCH}")["id"]
        seconds = 0.0
        for night in NIGHTS:
            start_ = time.monotonic()
            run = server.post(f"/deployments/{deployment}/create_flow_run", {"parameters": {"date": night}})
            while (state := server.get(f"/flow_runs/{run['id']}")["state"]["type"]) not in {
                    "COMPLETED", "FAILED", "CRASHED", "CANCELLED"}:
                time.sleep(0.5)
            seconds = time.monotonic() - start_
            assert state == "COMPLETED", f"{night}: {state}\n{server.logs()}"
        runs = [r for r in server.flow_runs() if r["parameters"].get("date") == NIGHTS[1]
                and "dantai_code" in r["parameters"]]
        per_city = sorted(round(r["total_run_time"], 2) for r in runs)
        return seconds, {"city_run_seconds": per_city}
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cities", type=int, default=4)
    ap.add_argument("--residents", type=int, default=50_000)
    ap.add_argument("--tiny", type=int, default=8)
    args = ap.parse_args()
    root = DATA / "cities"
    results = []

    big, big_dispatch = make(root / "big", args.cities, args.residents, 1)
    loop(big, NIGHTS[0])
    loop_s = loop(big, NIGHTS[1])
    disp_s, detail = dispatched(big_dispatch, workers=2, limit=2, root=root / "big-run")
    residents = args.cities * args.residents
    results.append({"measure": "throughput", "cities": args.cities, "residents_each": args.residents,
                    "loop_seconds": round(loop_s, 2), "dispatched_seconds": round(disp_s, 2),
                    "loop_residents_per_minute": round(residents / loop_s * 60),
                    "dispatched_residents_per_minute": round(residents / disp_s * 60),
                    "workers": 2, "queue_limit": 2, "load_average": load_average(), **detail})
    print(results[-1], flush=True)

    tiny, tiny_dispatch = make(root / "tiny", args.tiny, 100, 2)
    loop(tiny, NIGHTS[0])
    tiny_loop = loop(tiny, NIGHTS[1])
    tiny_disp, detail = dispatched(tiny_dispatch, workers=1, limit=1, root=root / "tiny-run")
    results.append({"measure": "overhead", "cities": args.tiny, "residents_each": 100,
                    "loop_seconds": round(tiny_loop, 2), "dispatched_seconds": round(tiny_disp, 2),
                    "overhead_seconds_per_city": round((tiny_disp - tiny_loop) / args.tiny, 2),
                    "workers": 1, "queue_limit": 1, "load_average": load_average(), **detail})
    print(results[-1], flush=True)
    save("cities", {"command": "python benchmarks/bench_cities.py " + " ".join(sys.argv[1:]), "results": results})


if __name__ == "__main__":
    main()
