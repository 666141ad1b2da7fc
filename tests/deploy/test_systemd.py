"""The production set-up as shipped: deploy/systemd's two units and deploy/juki.env agree with each other, with
prefect.yaml and with what the flows read. (test_deployments.py also starts the worker unit's command.)"""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from juki.flows import common
from juki.jobs import inbox
from tests.deploy.conftest import POOL, PROJECT

DEPLOY = PROJECT / "deploy"
INSTALL = "/opt/juki-etl"


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A systemd unit file: section → key → values (a key may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def env_file() -> dict[str, str]:
    pairs = [line.split("=", 1) for line in (DEPLOY / "juki.env").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return {k.strip(): v.strip() for k, v in pairs}


def exec_start(name: str) -> list[str]:
    (command,) = unit(name)["Service"]["ExecStart"]
    return shlex.split(command)


def test_the_units_run_prefect_from_the_install_as_the_juki_user():
    for name in ("prefect-server.service", "juki-worker.service"):
        service = unit(name)["Service"]
        assert service["User"] == ["juki"] and service["UMask"] == ["0077"], name
        assert service["EnvironmentFile"] == ["/etc/juki/juki.env"], name
        assert "TZ=Asia/Tokyo" in service["Environment"], name
        assert exec_start(name)[0] == f"{INSTALL}/.venv/bin/prefect", name
        assert unit(name)["Install"]["WantedBy"] == ["multi-user.target"], name


def test_the_worker_serves_the_pool_of_prefect_yaml_after_the_server():
    pools = {d["work_pool"]["name"] for d in yaml.safe_load((PROJECT / "prefect.yaml").read_text())["deployments"]}
    assert pools == {POOL}
    assert exec_start("juki-worker.service")[1:] == ["worker", "start", "--pool", POOL, "--type", "process"]
    worker = unit("juki-worker.service")
    assert "prefect-server.service" in worker["Unit"]["After"][0].split()
    assert worker["Service"]["Restart"] == ["always"]


def test_the_environment_file_names_the_server_and_every_path_the_flows_read():
    env = env_file()
    server = exec_start("prefect-server.service")
    host, port = server[server.index("--host") + 1], server[server.index("--port") + 1]
    assert server[1:3] == ["server", "start"]
    assert env["PREFECT_API_URL"] == f"http://{host}:{port}/api"
    for variable in (inbox.INBOX_ENV, inbox.WAIT_ENV, common.WORKDIR_ENV, common.OUTBOX_ENV):
        assert variable in env, variable
    assert Path(env["JUKI_INBOX"]).is_absolute() and Path(env["JUKI_WORKDIR"]).is_absolute()
    assert float(env[inbox.WAIT_ENV]) > 0
