"""A data centre's nights end to end (issue 11): a real Prefect server, the ``juki-cities`` process work pool with
two real workers, the deployments of prefect-cities.yaml and the dispatcher, 8 generated cities for two nights
with one city's input broken on the second.

Checked: every other city's outputs are byte for byte those of `juki nightly` run alone; the broken city fails
with its one line, and completes when rerun with one command once its file is put right; a second dispatch of a
night starts nothing new (idempotency keys); each city has its one-slot global concurrency limit and no more than
the ``cities`` queue's limit ran at once; both workers ran cities; and no personal value of any city is in the
server's database or in the log of the server or of either worker.
"""

from __future__ import annotations

import json
import shutil
import signal
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import yaml

from juki.cli.main import main
from juki.codec.reader import read_records
from juki.layout import load_layout
from juki.registry import Registry
from juki.sample import SampleSpec
from juki.sample.cities import generate_cities, spread_codes
from tests.cities.stack import PROJECT, Server, bin_of, start, start_server, wait_until
from tests.conftest import run_cli

POOL, QUEUE_LIMIT, N = "juki-cities", 2, 8
SPEC = SampleSpec(residents=120, days=2, seed=11, start=date(2026, 4, 1))
NIGHTS = ("2026-04-01", "2026-04-02")
DISPATCH, CITY = "dispatch-nightly/dispatch-nightly", "city-nightly/city-nightly"
RUN_TIMEOUT = 900  # a night of 8 cities, two at a time, on a loaded 2-core machine
OUTPUTS = ("koshin_{d}.dat", "sofusaki_{d}.dat", "snapshot.parquet")


@dataclass
class Centre:
    server: Server
    root: Path
    registry: Registry
    broken: str

    def deployment(self, name: str) -> dict:
        return self.server.get(f"/deployments/name/{name}")

    def trigger(self, name: str, **parameters) -> str:
        return self.server.post(f"/deployments/{self.deployment(name)['id']}/create_flow_run",
                                {"parameters": parameters})["id"]

    def wait(self, run_id: str, timeout: float = RUN_TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            run = self.server.get(f"/flow_runs/{run_id}")
            if (run.get("state") or {}).get("type") in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}:
                return run
            dead = [s.name for s in self.server.services.values() if not s.alive()]
            if dead or time.monotonic() > deadline:
                pytest.fail(f"run {run_id} not final ({dead or 'timeout'})\n{self.server.logs()}")
            time.sleep(1)

    def city_runs(self, day: str | None = None) -> list[dict]:
        runs = self.server.flow_runs(deployments={"id": {"any_": [self.deployment(CITY)["id"]]}})
        return [r for r in runs if day is None or r["parameters"].get("date") == day]

    def summary(self, run_id: str) -> dict[str, dict]:
        (artifact,) = [a for a in self.server.artifacts("dispatch-nightly") if a["flow_run_id"] == run_id]
        data = json.loads(artifact["data"]) if isinstance(artifact["data"], str) else artifact["data"]
        return {row["dantai_code"]: row for row in data}


def input_of(centre: Centre, code: str, day: str) -> Path:
    return Path(centre.registry.city(code).input_for(day.replace("-", "")))


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    root = tmp_path_factory.mktemp("centre")
    registry, _ = generate_cities(root / "dc", SPEC, spread_codes(N))
    server = start_server(root / "prefect")
    try:
        env = {**server.env, "JUKI_REGISTRY": registry.path}
        server.env = env
        server.cli("work-pool", "create", POOL, "--type", "process")
        server.cli("work-queue", "create", "cities", "--pool", POOL, "--limit", str(QUEUE_LIMIT))
        server.cli("work-queue", "create", "dispatch", "--pool", POOL)
        server.cli("deploy", "--all", "--no-prompt", "--prefect-file", "prefect-cities.yaml", cwd=PROJECT)
        for name in ("worker-1", "worker-2"):  # started outside the project: the flows are installed
            worker = server.add(start(name, [bin_of("prefect"), "worker", "start", "--pool", POOL, "--type",
                                             "process", "--name", name], env, root, root / f"{name}.log",
                                      stop_signal=signal.SIGINT))
        wait_until("workers polling the pool", lambda: len(server.post(f"/work_pools/{POOL}/workers/filter", {}))
                   == 2, worker, server)
        yield Centre(server, root / "dc", registry, registry.codes[2])
    finally:
        server.stop()


@pytest.fixture(scope="module")
def nights(centre):
    """Night 1; night 2 with the broken city's file cut short; the city's file put right and the city rerun."""
    broken_file = input_of(centre, centre.broken, NIGHTS[1])
    good = broken_file.read_bytes()
    broken_file.write_bytes(good[: len(good) // 2])
    runs = {night: centre.wait(centre.trigger(DISPATCH, date=night)) for night in NIGHTS}
    alone = centre.root.parent / "alone"  # the broken city's failure, as `juki nightly` says it
    said = run_cli("nightly", "--input", broken_file, "--date", NIGHTS[1], "--workdir", alone)
    assert said.code == 2, said.err
    broken_file.write_bytes(good)
    # the rerun: one command, as an operator types it
    centre.server.cli("deployment", "run", CITY, "-p", f"dantai_code={centre.broken}", "-p", f"date={NIGHTS[1]}")
    (rerun,) = [r for r in centre.city_runs(NIGHTS[1]) if r["parameters"]["dantai_code"] == centre.broken
                and r["idempotency_key"] is None]
    return runs, centre.wait(rerun["id"]), said.err


def test_the_dispatcher_is_scheduled_at_two_in_tokyo(centre):
    declared = {d["name"]: d for d in yaml.safe_load((PROJECT / "prefect-cities.yaml").read_text())["deployments"]}
    assert [(s["cron"], s["timezone"]) for s in declared["dispatch-nightly"]["schedules"]] == [("0 2 * * *",
                                                                                                "Asia/Tokyo")]
    applied = centre.deployment(DISPATCH)
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in applied["schedules"]] == [
        ("0 2 * * *", "Asia/Tokyo")]
    assert applied["work_pool_name"] == POOL and centre.deployment(CITY)["work_queue_name"] == "cities"


def test_night_one_completes_every_city(centre, nights):
    runs, _, _ = nights
    first = runs[NIGHTS[0]]
    assert first["state"]["type"] == "COMPLETED", first["state"]
    summary = centre.summary(first["id"])
    assert sorted(summary) == sorted(centre.registry.codes)
    assert {row["state"] for row in summary.values()} == {"COMPLETED"}
    assert {row["records"] for row in summary.values()} == {SPEC.residents}


def test_the_broken_city_fails_alone_with_its_one_line(centre, nights):
    runs, _, alone = nights
    second = runs[NIGHTS[1]]
    assert second["state"]["type"] == "FAILED"
    assert second["state"]["message"] == f"1 of {N} cities did not complete: {centre.broken}"
    summary = centre.summary(second["id"])
    assert {c for c, row in summary.items() if row["state"] == "COMPLETED"} == set(centre.registry.codes) - {
        centre.broken}
    (failed,) = [r for r in centre.city_runs(NIGHTS[1]) if r["parameters"]["dantai_code"] == centre.broken
                 and r["idempotency_key"]]
    line = failed["state"]["message"]
    assert "\n" not in line and summary[centre.broken]["message"] == line
    assert alone.endswith(f"juki: {line}\n")  # the line `juki nightly` prints for that file


def test_the_rerun_completes_the_broken_city(centre, nights):
    _, rerun, _ = nights
    assert rerun["state"]["type"] == "COMPLETED", rerun["state"]
    out = Path(centre.registry.city(centre.broken).workdir) / "runs" / "nightly" / "20260402"
    assert (out / "koshin_20260402.dat").is_file()


def test_outputs_are_those_of_juki_nightly_alone(centre, nights, tmp_path):
    for city in centre.registry.cities:
        alone = tmp_path / city.dantai_code
        for night in NIGHTS:
            assert main(["nightly", "--input", city.input_for(night.replace("-", "")), "--date", night,
                         "--workdir", str(alone)]) == 0
            day = night.replace("-", "")
            for name in OUTPUTS:
                ours = Path(city.workdir) / "runs" / "nightly" / day / name.format(d=day)
                assert ours.read_bytes() == (alone / "runs" / "nightly" / day / name.format(d=day)).read_bytes(), (
                    f"{city.dantai_code} {night} {name}")


def test_dispatching_a_night_again_starts_nothing_new(centre, nights):
    before = centre.city_runs(NIGHTS[0])
    assert sorted(r["parameters"]["dantai_code"] for r in before if r["state"]["type"] == "COMPLETED") == sorted(
        centre.registry.codes)
    again = centre.wait(centre.trigger(DISPATCH, date=NIGHTS[0]))
    assert again["state"]["type"] == "COMPLETED"
    after = centre.city_runs(NIGHTS[0])
    assert sorted(r["id"] for r in after) == sorted(r["id"] for r in before)
    first = {f"juki-nightly-{c}-20260401" for c in centre.registry.codes}
    keys = {r["idempotency_key"] for r in after}
    assert first <= keys and all(k.split("-retry")[0] in first for k in keys)  # a crashed run's retry: -retryN


def test_limits_per_city_and_for_the_pool(centre, nights):
    limits = {g["name"]: g["limit"] for g in centre.server.post("/v2/concurrency_limits/filter", {})}
    assert {f"juki-city-{c}": 1 for c in centre.registry.codes}.items() <= limits.items()
    spans = sorted((datetime.fromisoformat(r["start_time"]), datetime.fromisoformat(r["end_time"]))
                   for r in centre.city_runs() if r["start_time"] and r["end_time"])
    most = max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)
    assert 1 <= most <= QUEUE_LIMIT
    for name in ("worker-1", "worker-2"):
        assert "submitted to infrastructure" in centre.server.services[name].log.read_text(errors="replace"), name


def personal_values(centre: Centre) -> set[str]:
    layout = load_layout("juki_daicho")
    values: set[str] = set()
    for city in centre.registry.cities:
        for night in NIGHTS:
            frame, _ = read_records(city.input_for(night.replace("-", "")), layout)
            for field in ("juminhyo_code", "kojin_bango", "shimei", "jusho", "shikibetsu_bango"):
                values |= set(frame[field].drop_nulls().cast(pl.String).to_list())
    return {v for v in values if len(v) >= 6}


def test_nothing_personal_in_the_servers_database_or_any_log(centre, nights):
    values = personal_values(centre)
    assert len(values) > N * SPEC.residents * 3
    shutil.copy(centre.server.db, centre.root.parent / "copy.db")  # the live file, with what the WAL holds
    blobs = {p.name: p.read_bytes() for p in centre.server.db.parent.glob("prefect.db*")}
    blobs |= {s.name: s.log.read_bytes() for s in centre.server.services.values()}
    for name, blob in blobs.items():
        leaked = [v for v in values if v.encode("utf-8") in blob]
        assert not leaked, f"{len(leaked)} personal value(s) in {name}"
    assert len(blobs) >= 4 and all(len(b) for b in blobs.values())
