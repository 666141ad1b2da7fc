"""The many-city reconciliation as a Prefect flow against a real server: on the default thread runner and on a
local Dask cluster (`dask scheduler` and `dask worker` processes, DaskTaskRunner(address=…)), with the same files
and counts as the CLI's plain loop; one task per city; only counts in Prefect's artifact; a city that fails
fails alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from juki.cli.main import main
from tests.cities.conftest import DAY, Cities, copy_of, out
from tests.cities.stack import Server, bin_of, free_port, start, start_server, wait_until

THEIRS = "{inbox}/seigo_todofuken_{date}.dat"
PARTS = 3
RUN = """
import json, sys
from juki.flows.reconcile_cities import reconcile_cities
state = reconcile_cities(registry=sys.argv[1], date="2026-04-02", theirs=sys.argv[2] or None, parts=int(sys.argv[3]),
                         return_state=True)
print(json.dumps({"type": state.type.value, "message": state.message,
                  "flow_run_id": str(state.state_details.flow_run_id)}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("prefect-reconcile"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def dask_address(server, tmp_path_factory) -> str:
    """A scheduler and two single-threaded worker processes, each with the server's PREFECT_API_URL."""
    root = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    scheduler = server.add(start("dask-scheduler", [bin_of("dask"), "scheduler", "--host", "127.0.0.1", "--port",
                                                    address.rsplit(":", 1)[1], "--no-dashboard"],
                                 server.env, root, root / "scheduler.log"))
    server.add(start("dask-worker", [bin_of("dask"), "worker", address, "--nworkers", "2", "--nthreads", "1",
                                     "--no-dashboard", "--local-directory", str(root / "space")],
                     server.env, root, root / "worker.log"))
    from distributed import Client

    def two_workers() -> bool:
        try:
            with Client(address, timeout=5) as client:
                return len(client.scheduler_info(n_workers=-1)["workers"]) == 2
        except OSError:
            return False

    wait_until("two Dask workers", two_workers, scheduler, server)
    return address


def results(cities: Cities) -> dict[str, dict]:
    """Each city's published files (bytes) and record (its finishing time aside)."""
    found = {}
    for code in cities.registry.codes:
        folder = out(cities, code)
        record = json.loads((folder / "reconcile.json").read_text())
        record.pop("finished_at")
        record["ours"] = Path(record["ours"]).relative_to(cities.root).as_posix()
        record["theirs"] = Path(record.get("theirs", "")).name
        found[code] = {"record": record, **{p.name: p.read_bytes() for p in folder.glob("*.csv")}}
    return found


def run_flow(server: Server, cities: Cities, env: dict | None = None) -> dict:
    done = server.python(RUN, str(cities.registry_path), THEIRS, str(PARTS), env=env)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr[-4000:]}\n{server.logs()}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def by_cli(planted, tmp_path_factory) -> dict:
    cities = copy_of(planted[0], tmp_path_factory.mktemp("by-cli") / "dc")
    assert main(["cities", "reconcile", "--registry", str(cities.registry_path), "--date", "2026-04-02",
                 "--theirs", THEIRS, "--parts", str(PARTS)]) == 1
    return results(cities)


def task_runs(server: Server, flow_run_id: str) -> list[dict]:
    return server.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run_id]}}})


def check_run(server: Server, state: dict, cities: Cities) -> list[dict]:
    assert state["type"] == "COMPLETED", state
    names = sorted(t["name"] for t in task_runs(server, state["flow_run_id"]))
    codes = cities.registry.codes
    assert names == sorted([f"prepare-{c}" for c in codes] + [f"finish-{c}" for c in codes]
                           + [f"cross-check-{i}" for i in range(PARTS)])
    (artifact,) = [a for a in server.artifacts("reconcile-cities") if a["flow_run_id"] == state["flow_run_id"]]
    rows = json.loads(artifact["data"]) if isinstance(artifact["data"], str) else artifact["data"]
    assert [r["dantai_code"] for r in rows] == sorted(codes)
    return rows


def test_thread_runner_gives_the_cli_results(server, planted, by_cli, tmp_path):
    cities = copy_of(planted[0], tmp_path / "dc")
    rows = check_run(server, run_flow(server, cities), cities)
    assert results(cities) == by_cli
    a = planted[1]["a"]
    (row_a,) = [r for r in rows if r["dantai_code"] == a]
    assert (row_a["state"], row_a["theirs.only_ours"], row_a["theirs.differs"], row_a["cross.current_in_both"]) == (
        "completed", 1, 2, 1)


def test_dask_cluster_gives_the_same_results(server, dask_address, planted, by_cli, tmp_path):
    from distributed import Client

    cities = copy_of(planted[0], tmp_path / "dc")
    rows = check_run(server, run_flow(server, cities, {"JUKI_DASK_ADDRESS": dask_address}), cities)
    assert results(cities) == by_cli
    assert {r["state"] for r in rows} == {"completed"}
    with Client(dask_address, timeout=10) as client:  # the tasks ran on the cluster, not in the flow's process
        ran = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert any(name.startswith("prepare") for name in ran) and any(name.startswith("finish") for name in ran), ran


def test_a_city_that_fails_fails_alone_in_the_flow(server, planted, tmp_path):
    cities = copy_of(planted[0], tmp_path / "dc")
    broken = cities.registry.codes[2]
    shutil.rmtree(Path(cities.registry.city(broken).workdir) / "runs")
    state = run_flow(server, cities)
    assert state["type"] == "FAILED"
    assert state["message"] == f"1 of {len(cities.registry.codes)} cities failed: {broken}"
    (artifact,) = [a for a in server.artifacts("reconcile-cities") if a["flow_run_id"] == state["flow_run_id"]]
    rows = {r["dantai_code"]: r for r in (json.loads(artifact["data"]) if isinstance(artifact["data"], str)
                                          else artifact["data"])}
    assert rows[broken]["state"] == "failed"
    assert rows[broken]["message"].endswith(f"city {broken} has no consistency file nor nightly run for {DAY}")
    for code in cities.registry.codes:
        assert (out(cities, code) / "cross_city.csv").exists() == (code != broken)
        assert rows[code]["state"] == ("failed" if code == broken else "completed")
