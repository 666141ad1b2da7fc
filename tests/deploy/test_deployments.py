"""The deployments of prefect.yaml, brought up by `make serve` and run by its real worker (issue 10).

See conftest.py for the served stack. The tests run in file order on one stack: the nightly runs of the first two
sample days (``nightly_runs``), then a file that comes late, one that never comes, a bad date, the consistency
job, a rerun, and last Ctrl-C, which must stop everything.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.conftest import sample_changes
from tests.deploy.conftest import LATE_DAY, POOL, PROJECT, SAMPLE, PrefectStack
from tests.deploy.test_systemd import INSTALL, env_file, exec_start
from tests.nightly.test_side_doors import personal_values, scan

TOKYO = "Asia/Tokyo"
DEPLOYMENTS = {"nightly": "nightly/nightly", "consistency": "consistency/consistency", "rerun": "rerun/rerun"}
REASON = "deployment test: the operator reran 2026-04-01"


def prefect_yaml() -> dict:
    return yaml.safe_load((PROJECT / "prefect.yaml").read_text(encoding="utf-8"))


def declared() -> dict[str, dict]:
    return {d["name"]: d for d in prefect_yaml()["deployments"]}


def is_yearly(cron: str) -> bool:
    """One run a year: fixed minute, hour, day and month (a day every year has), any weekday."""
    fields = cron.split()
    if len(fields) != 5 or fields[4] != "*" or not all(f.isdigit() for f in fields[:4]):
        return False
    minute, hour, day, month = map(int, fields[:4])
    try:
        date(2027, month, day)  # not a leap year: 29 February would be once in four years
    except ValueError:
        return False
    return minute < 60 and hour < 24


# -- prefect.yaml as written --------------------------------------------------------------------------------------

def test_prefect_yaml_declares_the_documented_schedules_and_limits():
    deployments = declared()
    assert set(deployments) == set(DEPLOYMENTS)
    nightly, consistency, rerun = (deployments[n] for n in ("nightly", "consistency", "rerun"))
    assert [(s["cron"], s["timezone"], s.get("active", True)) for s in nightly["schedules"]] == [
        ("0 2 * * *", TOKYO, True)]
    (annual,) = consistency["schedules"]
    assert is_yearly(annual["cron"]), annual
    assert annual["timezone"] == TOKYO and annual.get("active", True)
    assert not rerun.get("schedules"), "rerun is ad hoc"
    for name, d in deployments.items():
        assert d["concurrency_limit"] == 1, name
        assert d["work_pool"]["name"] == POOL, name


def test_entrypoints_are_modules_that_import_from_any_directory(tmp_path):
    """No pull step and no path: a worker runs the flows from wherever it starts (here, an empty folder)."""
    assert prefect_yaml()["pull"] == []
    entrypoints = {name: d["entrypoint"] for name, d in declared().items()}
    code = ("import importlib, sys\n"
            "for name, entry in [a.split('=', 1) for a in sys.argv[1:]]:\n"
            "    module, _, function = entry.partition(':')\n"
            "    print(name, getattr(importlib.import_module(module), function).name)\n")
    done = subprocess.run([sys.executable, "-c", code, *(f"{n}={e}" for n, e in entrypoints.items())],
                          cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PREFECT_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split("\n")[:-1]) == sorted(f"{n} {n}" for n in DEPLOYMENTS)
    for entry in entrypoints.values():
        assert not entry.endswith(".py") and ".py:" not in entry, entry
        assert importlib.util.find_spec(entry.partition(":")[0]) is not None


def test_no_city_path_is_frozen_into_a_deployment():
    text = (PROJECT / "prefect.yaml").read_text(encoding="utf-8")
    assert "{{" not in text, "a template is resolved when deploying, not when the run starts"
    for d in declared().values():
        assert not d.get("parameters"), d["name"]


# -- make serve ---------------------------------------------------------------------------------------------------

def test_make_serve_brings_up_the_schedules(prefect_stack: PrefectStack):
    out = prefect_stack.served.output
    nightly = r"^  nightly +cron 0 2 \* \* \* Asia/Tokyo, next run \d{4}-\d\d-\d\d 02:00:00 JST$"
    assert re.search(nightly, out, re.M), out
    assert re.search(r"^  consistency +cron 0 4 1 4 \* Asia/Tokyo", out, re.M), out
    assert re.search(r"^  rerun +on demand", out, re.M), out
    ui = re.search(r"UI: (http://\S+)", out).group(1)
    assert prefect_stack.http.get(ui, timeout=10).status_code == 200  # the UI answers where it says
    for name, full in DEPLOYMENTS.items():
        d = prefect_stack.deployment(full)
        assert d["work_pool_name"] == POOL and d["entrypoint"] == declared()[name]["entrypoint"]
        assert (d.get("global_concurrency_limit") or {}).get("limit", d.get("concurrency_limit")) == 1
        assert not d["parameters"] and not d["pull_steps"], name
    upcoming = prefect_stack.runs_of(DEPLOYMENTS["nightly"], ("SCHEDULED",))
    assert upcoming, "the scheduler made no nightly run"
    for run in upcoming:
        at = datetime.fromisoformat(run["expected_start_time"]).astimezone(ZoneInfo(TOKYO))
        assert (at.hour, at.minute) == (2, 0), at
    pool = prefect_stack.get(f"/work_pools/{POOL}")
    assert pool["type"] == "process" and pool["status"] == "READY"


@pytest.fixture(scope="module")
def nightly_runs(prefect_stack: PrefectStack) -> dict[str, dict]:
    """The nightly deployment for 2026-04-01 (the baseline), then 2026-04-02: parameters as a clerk gives them in
    the UI (the date only); the inbox and workdir come from the worker's environment."""
    return {day: prefect_stack.wait(prefect_stack.trigger(DEPLOYMENTS["nightly"], date=day))
            for day in ("2026-04-01", "2026-04-02")}


def run_dir(stack: PrefectStack, job: str, day: str) -> Path:
    return stack.workdir / "runs" / job / day


def manifest(stack: PrefectStack, job: str, day: str) -> dict:
    return json.loads((run_dir(stack, job, day) / "manifest.json").read_text(encoding="utf-8"))


def test_nightly_runs_complete_with_their_counts_artifact(prefect_stack, nightly_runs):
    for run in nightly_runs.values():
        assert run["state"]["type"] == "COMPLETED", prefect_stack.explain(run)
    counts = prefect_stack.artifact("nightly-counts", nightly_runs["2026-04-02"]["id"])
    m = manifest(prefect_stack, "nightly", "20260402")
    assert counts["notices"] == m["notices"] == sample_changes("20260402")
    assert counts["sofusaki"] == m["sofusaki_records"] == 3
    assert counts["records"] == m["read"]["records"] > 0
    assert m["run"]["input"] == str(prefect_stack.inbox / "juki_daicho_20260402.dat")  # $JUKI_INBOX at run time
    out = run_dir(prefect_stack, "nightly", "20260402")
    for name in ("koshin_20260402.dat", "sofusaki_20260402.dat", "manifest.json"):
        assert (out / name).is_file(), f"{name} missing; {out} has {sorted(p.name for p in out.iterdir())}"


def test_progress_reaches_the_run_log_as_counts_only(prefect_stack, nightly_runs):
    logs = prefect_stack.run_logs(nightly_runs["2026-04-02"]["id"])
    assert any(re.match(r"read: [\d.,]+ MB of [\d.,]+ MB \(\d+%\), \d+ s$", line) for line in logs), logs
    assert any(line.startswith("validate: ") for line in logs), logs
    assert scan("\n".join(logs).encode("utf-8"), personal_values()) == []


def test_a_late_file_is_waited_for_then_processed(prefect_stack, nightly_runs):
    """Another inbox for this run only (the run's job variables), where the day's file arrives after the run
    started: the run says it waits, then processes the file once it is there."""
    late_inbox = prefect_stack.root / "late-inbox"
    late_inbox.mkdir()
    for name in ("city.toml", "daitai_moji.csv"):
        shutil.copy(SAMPLE / name, late_inbox / name)
    run_id = prefect_stack.trigger(DEPLOYMENTS["nightly"], {"env": {"JUKI_INBOX": str(late_inbox)}},
                                   date="2026-04-03", wait_minutes=3)
    waiting = re.compile(r".*juki_daicho_20260403\.dat is not there yet: waiting until .* JST")
    deadline = time.monotonic() + 120
    while not any(waiting.match(line) for line in prefect_stack.run_logs(run_id)):
        run = prefect_stack.get(f"/flow_runs/{run_id}")
        assert run["state"]["type"] in ("SCHEDULED", "PENDING", "RUNNING"), prefect_stack.explain(run)
        assert time.monotonic() < deadline, prefect_stack.explain(run)
        time.sleep(0.5)
    part = late_inbox / ".arriving"
    shutil.copy(SAMPLE / f"juki_daicho_{LATE_DAY}.dat", part)
    part.rename(late_inbox / f"juki_daicho_{LATE_DAY}.dat")
    run = prefect_stack.wait(run_id)
    assert run["state"]["type"] == "COMPLETED", prefect_stack.explain(run)
    assert any("arrived after" in line for line in prefect_stack.run_logs(run_id))
    arrived = late_inbox / f"juki_daicho_{LATE_DAY}.dat"
    assert manifest(prefect_stack, "nightly", LATE_DAY)["run"]["input"] == str(arrived)


def test_a_file_that_never_comes_fails_the_run_with_one_line(prefect_stack, nightly_runs):
    run = prefect_stack.wait(prefect_stack.trigger(DEPLOYMENTS["nightly"], date="2026-04-04", wait_minutes=0.1))
    assert run["state"]["type"] == "FAILED", prefect_stack.explain(run)
    expected = (rf"{re.escape(str(prefect_stack.inbox))}/juki_daicho_20260404\.dat has not arrived by "
                r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST \(waited 0\.1 min\); nothing was processed")
    assert re.fullmatch(expected, run["state"]["message"]), run["state"]["message"]
    logs = "\n".join(prefect_stack.run_logs(run["id"]))
    assert "Traceback" not in logs and "NoneType" not in logs, logs
    failed = json.loads((prefect_stack.workdir / "failed" / "nightly-20260404" / "manifest.json").read_text())
    assert failed["error"] == run["state"]["message"]


def test_a_bad_date_fails_the_run_with_one_line(prefect_stack, nightly_runs):
    run = prefect_stack.wait(prefect_stack.trigger(DEPLOYMENTS["nightly"], date="2026-13-01"))
    assert run["state"]["type"] == "FAILED", prefect_stack.explain(run)
    assert run["state"]["message"] == "the date parameter '2026-13-01' is not a day of the calendar"
    assert "Traceback" not in "\n".join(prefect_stack.run_logs(run["id"]))


def test_consistency_completes_and_writes_both_files(prefect_stack, nightly_runs):
    run = prefect_stack.wait(prefect_stack.trigger(DEPLOYMENTS["consistency"], date="2026-04-02"))
    assert run["state"]["type"] == "COMPLETED", prefect_stack.explain(run)
    out = run_dir(prefect_stack, "consistency", "20260402")
    for name in ("seigo_todofuken_20260402.dat", "seigo_jlis_20260402.dat"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert prefect_stack.artifact("consistency-counts", run["id"])["records"] == manifest(
        prefect_stack, "consistency", "20260402")["records"]


def test_rerun_completes_and_records_the_reason(prefect_stack, nightly_runs):
    first = manifest(prefect_stack, "nightly", "20260401")
    # as an operator would: the CLI, parameters on the command line
    prefect_stack.cli("deployment", "run", DEPLOYMENTS["rerun"], "--param", "job=nightly", "--param",
                      "date=2026-04-01", "--param", f"reason={REASON}")
    (created,) = prefect_stack.runs_of(DEPLOYMENTS["rerun"])
    run = prefect_stack.wait(created["id"])
    assert run["state"]["type"] == "COMPLETED", prefect_stack.explain(run)
    assert manifest(prefect_stack, "nightly", "20260401") == first  # made again, byte for byte: the run stands
    assert prefect_stack.artifact("rerun-counts", run["id"])["reproduced"] == 1
    log = [json.loads(line) for line in (prefect_stack.workdir / "runlog.jsonl").read_text().splitlines()]
    assert [(e["command"], e["business_date"], e["approval"]["reason"]) for e in log if e["command"] == "rerun nightly"
            ] == [("rerun nightly", "20260401", REASON)]  # the reason is on record in the run log


def test_the_systemd_worker_command_joins_the_pool(prefect_stack):
    """deploy/systemd/juki-worker.service's command, with deploy/juki.env, run against the served server (its
    address and paths moved to this test's): a second worker joins the pool, and SIGINT (KillSignal) stops it."""
    command = [arg.replace(INSTALL, str(PROJECT)) for arg in exec_start("juki-worker.service")]
    env = prefect_stack.env | {k: v for k, v in env_file().items() if k.startswith("PREFECT_SERVER_")}
    before = {w["name"] for w in prefect_stack.post(f"/work_pools/{POOL}/workers/filter", {})}
    worker = subprocess.Popen(command, env=env, cwd=prefect_stack.root, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not {w["name"] for w in prefect_stack.post(f"/work_pools/{POOL}/workers/filter", {})} - before:
            assert worker.poll() is None, f"the unit's worker exited ({worker.returncode})"
            assert time.monotonic() < deadline, "the unit's worker did not join the pool"
            time.sleep(0.5)
        os.killpg(worker.pid, signal.SIGINT)
        assert worker.wait(timeout=60) is not None
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def test_ctrl_c_stops_the_worker_and_the_server(prefect_stack):
    """Last: Ctrl-C ends `make serve` within a minute, and no process it started is left."""
    served = prefect_stack.served
    start = time.monotonic()
    served.ctrl_c(timeout=90)
    assert time.monotonic() - start < 60
    assert "stopped: worker and server" in served.output, prefect_stack.logs()
    time.sleep(1)
    left = [pid for pid, _ in served.below if Path(f"/proc/{pid}").exists()
            and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    assert not left, f"still running after Ctrl-C: {left}"
    with pytest.raises(Exception):  # noqa: B017 - any failure to connect will do
        prefect_stack.http.get("/health", timeout=3)
