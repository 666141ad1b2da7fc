"""The night planned as data (juki/jobs/fanout.py) and the Kubernetes base job template that sizes its runs."""

from __future__ import annotations

import json
import re

import pytest

from juki.errors import UsageError
from juki.jobs.fanout import job_variables, limit_name, plan
from juki.registry import LARGEST_CITY, SIZE_CLASSES
from tests.cities.stack import PROJECT

TEMPLATE = PROJECT / "deploy" / "kubernetes" / "base-job-template.json"
NIGHTLY = PROJECT / "benchmarks" / "results" / "nightly.json"


def test_one_run_per_city_with_paths_codes_and_dates_only(cities):
    runs = plan(cities.registry, "20260402", "process")
    assert [r.dantai_code for r in runs] == list(cities.registry.codes)
    for r in runs:
        assert r.parameters == {"registry": cities.registry.path, "dantai_code": r.dantai_code, "date": "2026-04-02"}
        assert r.idempotency_key == f"juki-nightly-{r.dantai_code}-20260402"
        assert r.limit == limit_name(r.dantai_code) == f"juki-city-{r.dantai_code}"
        assert r.flow_run_name == f"{r.dantai_code}-2026-04-02" and r.job_variables == {}
    again = plan(cities.registry, "20260402", "process")
    assert [r.idempotency_key for r in again] == [r.idempotency_key for r in runs]  # a second dispatch: same keys
    assert {r.idempotency_key for r in plan(cities.registry, "20260403", "process")}.isdisjoint(
        {r.idempotency_key for r in runs})
    only = plan(cities.registry, "20260402", "docker", [cities.registry.codes[1]])
    assert [r.dantai_code for r in only] == [cities.registry.codes[1]]


def test_memory_follows_the_size_class_on_each_kind_of_pool():
    large = SIZE_CLASSES["L"]
    assert job_variables(large, "process") == {}
    assert job_variables(large, "docker") == {"mem_limit": "6656m"}
    assert job_variables(large, "kubernetes") == {"memory_request": "6656Mi", "memory_limit": "6656Mi",
                                                  "cpu_request": "2"}
    sizes = [int(job_variables(c, "docker")["mem_limit"].rstrip("m")) for c in SIZE_CLASSES.values()]
    assert sizes == sorted(sizes)
    with pytest.raises(UsageError, match="work pools of type 'ecs' are not sized by juki"):
        job_variables(large, "ecs")


def test_each_size_class_holds_its_largest_city_as_measured():
    """The nightly job's peak memory, measured at two sizes (benchmarks/results/nightly.json, `make bench`), drawn
    as a line: every class leaves a third of headroom over its largest city (XL: 横浜市, 3.77M residents). New
    measurements that outgrow a class fail here, before a worker is killed for its memory."""
    runs = {r["residents"]: r["peak_rss_mb"] for r in json.loads(NIGHTLY.read_text(encoding="utf-8"))["results"]}
    (small, a), (big, b) = sorted(runs.items())[:1] + sorted(runs.items())[-1:]
    peak_mb = lambda residents: a + (residents - small) * (b - a) / (big - small)  # noqa: E731
    for c in SIZE_CLASSES.values():
        assert peak_mb(c.up_to or LARGEST_CITY) * 4 / 3 <= c.memory_gib * 1024, c


def test_the_kubernetes_template_takes_the_variables_the_dispatcher_sets():
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    variables = template["variables"]["properties"]
    used = set(re.findall(r"\{\{\s*([a-z_]+)\s*\}\}", json.dumps(template["job_configuration"])))
    assert used <= set(variables), used - set(variables)
    assert set(job_variables(SIZE_CLASSES["XL"], "kubernetes")) <= used
    spec = template["job_configuration"]["job_manifest"]["spec"]
    assert spec["backoffLimit"] == "{{ backoff_limit }}" and variables["backoff_limit"]["default"] == 0
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["resources"]["limits"]["memory"] == "{{ memory_limit }}"
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"{{ juki_mount }}", "/tmp"}
