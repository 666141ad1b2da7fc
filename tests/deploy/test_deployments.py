"""The deployments of prefect.yaml, applied to a real Prefect server and run by a real worker.

See conftest.py for the throwaway server. The nightly runs of the first two sample days are triggered once per
module (``nightly_runs``); the consistency and rerun tests build on them.
"""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import POOL, PROJECT, PrefectStack

TOKYO = "Asia/Tokyo"
DEPLOYMENTS = {"nightly": "nightly/nightly", "consistency": "consistency/consistency", "rerun": "rerun/rerun"}
REASON = "deployment test: the operator reran 2026-04-01"


def prefect_yaml() -> dict:
    return yaml.safe_load((PROJECT / "prefect.yaml").read_text(encoding="utf-8"))


def declared() -> dict[str, dict]:
    return {d["name"]: d for d in prefect_yaml()["deployments"]}


# -- the schedules, limits and entrypoints as written --------------------------------------------------------------

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


def flow_name_at(entrypoint: str) -> str | None:
    """The name of the @flow that ``path.py:function`` names (without importing it), or None."""
    path, _, function = entrypoint.partition(":")
    source = PROJECT / path
    if not function or not source.is_file():
        return None
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            for deco in node.decorator_list:
                call = deco if isinstance(deco, ast.Call) else None
                target = call.func if call else deco
                if isinstance(target, ast.Name) and target.id == "flow":
                    names = [k.value.value for k in (call.keywords if call else []) if k.arg == "name"]
                    return names[0] if names else function.replace("_", "-")
    return None


def test_prefect_yaml_declares_the_documented_schedules_and_limits():
    deployments = declared()
    assert set(deployments) == set(DEPLOYMENTS)
    nightly, consistency, rerun = (deployments[n] for n in ("nightly", "consistency", "rerun"))

    assert [(s["cron"], s["timezone"], s.get("active", True)) for s in nightly["schedules"]] == [
        ("0 2 * * *", TOKYO, True)]
    assert len(consistency["schedules"]) == 1
    (annual,) = consistency["schedules"]
    assert is_yearly(annual["cron"]), annual
    assert annual["timezone"] == TOKYO and annual.get("active", True)
    assert not rerun.get("schedules"), "rerun is ad hoc"

    for name, d in deployments.items():
        assert d["concurrency_limit"] == 1, name
        assert d["work_pool"]["name"] == POOL, name
        assert flow_name_at(d["entrypoint"]) == DEPLOYMENTS[name].split("/")[0], d["entrypoint"]


def test_pull_step_enters_the_project_directory():
    assert prefect_yaml()["pull"] == [
        {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $JUKI_PROJECT_DIR }}"}}]


# -- the same, as the server holds them after `prefect deploy --all` ----------------------------------------------

def concurrency_limit(deployment: dict):
    # Prefect 3 keeps a deployment's limit as a global concurrency limit named after it
    gcl = deployment.get("global_concurrency_limit") or {}
    return gcl.get("limit", deployment.get("concurrency_limit"))


def test_applied_deployments_have_the_schedules_and_limits(prefect_stack: PrefectStack):
    applied = {name: prefect_stack.deployment(full) for name, full in DEPLOYMENTS.items()}
    for name, d in applied.items():
        assert concurrency_limit(d) == 1, name
        assert d["work_pool_name"] == POOL, name
        assert d["entrypoint"] == declared()[name]["entrypoint"]
        assert d["pull_steps"] == [
            {"prefect.deployments.steps.set_working_directory": {"directory": str(PROJECT)}}], name
        assert "{{" not in json.dumps(d["parameters"]), f"{name}: unresolved template in {d['parameters']}"
        assert d["parameters"]["workdir"] == str(prefect_stack.workdir)

    def schedules(name):
        return [(s["schedule"].get("cron"), s["schedule"].get("timezone"), s["active"])
                for s in applied[name]["schedules"]]

    assert schedules("nightly") == [("0 2 * * *", TOKYO, True)]
    assert schedules("consistency") == [(declared()["consistency"]["schedules"][0]["cron"], TOKYO, True)]
    assert schedules("rerun") == []
    assert applied["nightly"]["parameters"]["input"] == f"{prefect_stack.inbox}/juki_daicho_{{date}}.dat"


# -- runs through the server and the worker ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def nightly_runs(prefect_stack: PrefectStack) -> dict[str, dict]:
    """The nightly deployment for 2026-04-01 (the baseline), then 2026-04-02: each waited for in turn."""
    runs = {}
    for day in ("2026-04-01", "2026-04-02"):
        runs[day] = prefect_stack.wait(prefect_stack.trigger(DEPLOYMENTS["nightly"], date=day))
    return runs


def run_dir(stack: PrefectStack, job: str, day: str) -> Path:
    return stack.workdir / "runs" / job / day


def manifest(stack: PrefectStack, job: str, day: str) -> dict:
    return json.loads((run_dir(stack, job, day) / "manifest.json").read_text(encoding="utf-8"))


def test_nightly_runs_complete_and_write_their_outputs(prefect_stack, nightly_runs):
    for run in nightly_runs.values():
        assert run["state"]["type"] == "COMPLETED", prefect_stack.explain(run)
    out = run_dir(prefect_stack, "nightly", "20260402")
    for name in ("koshin_20260402.dat", "sofusaki_20260402.dat", "manifest.json"):
        assert (out / name).is_file(), f"{name} missing; {out} has {sorted(p.name for p in out.iterdir())}"
    m = manifest(prefect_stack, "nightly", "20260402")
    assert m["business_date"] == "20260402"
    assert m["run"]["input"] == str(prefect_stack.inbox / "juki_daicho_20260402.dat")
    assert run_dir(prefect_stack, "nightly", "20260401").is_dir()


def test_consistency_completes_and_writes_both_files(prefect_stack, nightly_runs):
    run = prefect_stack.wait(prefect_stack.trigger(DEPLOYMENTS["consistency"], date="2026-04-02"))
    assert run["state"]["type"] == "COMPLETED", prefect_stack.explain(run)
    out = run_dir(prefect_stack, "consistency", "20260402")
    for name in ("seigo_todofuken_20260402.dat", "seigo_jlis_20260402.dat"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name


def test_rerun_completes_and_records_the_reason(prefect_stack, nightly_runs):
    first = manifest(prefect_stack, "nightly", "20260401")
    # as an operator would: the CLI, parameters on the command line
    prefect_stack.cli("deployment", "run", DEPLOYMENTS["rerun"], "--param", "job=nightly", "--param",
                      "date=2026-04-01", "--param", f"reason={REASON}")
    (created,) = prefect_stack.runs_of(DEPLOYMENTS["rerun"])
    run = prefect_stack.wait(created["id"])
    assert run["state"]["type"] == "COMPLETED", prefect_stack.explain(run)
    assert run["parameters"] | {"workdir": None} == {"job": "nightly", "date": "2026-04-01", "reason": REASON,
                                                     "workdir": None}
    m = manifest(prefect_stack, "nightly", "20260401")
    assert m["rerun"]["reason"] == REASON
    assert m["rerun"]["supersedes"] == first["finished_at"]
    assert (run_dir(prefect_stack, "nightly", "20260401") / "koshin_20260401.dat").is_file()
