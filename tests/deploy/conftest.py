"""`make serve`, as a city runs it, on loopback: the fixture the deployment tests drive (issue 10).

``served`` runs ``make serve`` from the project directory, exactly the README's command, in a session of its own
(as a terminal runs it): a real Prefect server with its UI, the ``juki`` process work pool, the deployments of
prefect.yaml and a real worker. It waits for the "live in N s" line, and the tests talk to the server's REST API
with httpx (the test process never loads Prefect settings). ``stop`` is Ctrl-C: SIGINT to the whole group.

Every command gets a private environment: no PREFECT_* or JUKI_* variable of the developer's shell leaks in, so
their profiles, API URL and workdir are never read or written. Nothing leaves the machine: the server listens on
127.0.0.1 and analytics are off. The scheduler runs (schedules are what is tested); a scheduled nightly run that
falls during the tests (02:00 Tokyo) finds no file for its date and, with JUKI_WAIT_MINUTES=0, fails at once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from juki.cli.serve_cmd import descendants
from tests.cities.stack import api

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE = PROJECT / "sample_data"
POOL = "juki"
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
STARTUP_TIMEOUT = 300  # server migration, UI, deploy, worker: 40-90 s on a loaded 2-core machine
RUN_TIMEOUT = 180  # one flow run, from creation to a final state
LATE_DAY = "20260403"  # kept out of the inbox: the late-arrival test delivers it


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    """`make serve` running: its process (the group leader), and its output so far."""

    proc: subprocess.Popen
    lines: list[str] = field(default_factory=list)
    below: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for raw in iter(self.proc.stdout.readline, b""):
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def ctrl_c(self, timeout: float = 90) -> int:
        """What a terminal's Ctrl-C does: SIGINT to the foreground group (make, and juki serve under it)."""
        self.below = descendants(self.proc.pid)
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGINT)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        """Teardown after a failed test: nothing may outlive the module."""
        below = descendants(self.proc.pid) + self.below
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        for pid, _ in below:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)


@dataclass
class PrefectStack:
    api: str  # http://127.0.0.1:PORT/api
    env: dict[str, str]
    root: Path
    inbox: Path
    workdir: Path
    http: httpx.Client
    served: Served
    live_seconds: float = 0.0

    def logs(self) -> str:
        return "--- make serve (tail) ---\n" + "\n".join(self.served.lines[-60:])

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """A prefect CLI command against this server, as an operator types it."""
        exe = PROJECT / ".venv" / "bin" / "prefect"
        done = subprocess.run([str(exe), *args], cwd=self.root, env=self.env, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"prefect {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        return done

    # -- the REST API -------------------------------------------------------------------------------------------
    def request(self, method: str, path: str, body: dict | None = None):
        return api(self.http, method, path, body)

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, body: dict):
        return self.request("POST", path, body)

    def deployment(self, name: str) -> dict:
        """``name`` is FLOW/DEPLOYMENT, as `prefect deployment run` takes it."""
        return self.get(f"/deployments/name/{name}")

    def trigger(self, name: str, job_variables: dict | None = None, **parameters) -> str:
        """Create a flow run of a deployment, as the UI's "Run" does; its id."""
        body = {"parameters": parameters} | ({"job_variables": job_variables} if job_variables else {})
        return self.post(f"/deployments/{self.deployment(name)['id']}/create_flow_run", body)["id"]

    def runs_of(self, name: str, states: tuple[str, ...] = ()) -> list[dict]:
        body = {"deployments": {"id": {"any_": [self.deployment(name)["id"]]}}}
        if states:
            body["flow_runs"] = {"state": {"type": {"any_": list(states)}}}
        return self.post("/flow_runs/filter", body)

    def run_logs(self, run_id: str) -> list[str]:
        rows = self.post("/logs/filter", {"logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC",
                                          "limit": 200})
        return [r["message"] for r in rows]

    def artifact(self, key: str, run_id: str) -> dict[str, float]:
        """The counts table a flow run published under ``key``: item → count."""
        found = self.post("/artifacts/filter", {"artifacts": {"key": {"any_": [key]},
                                                              "flow_run_id": {"any_": [run_id]}}})
        assert found, f"no artifact {key!r} for run {run_id}"
        data = found[0]["data"]
        rows = json.loads(data) if isinstance(data, str) else data
        return {row["item"]: row["count"] for row in rows}

    def wait(self, run_id: str, timeout: float = RUN_TIMEOUT, until=None) -> dict:
        """The flow run once it reaches a final state (or ``until(run)`` holds); fails on timeout or if make
        serve died."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.get(f"/flow_runs/{run_id}")
            state = (run.get("state") or {}).get("type")
            if state in FINAL_STATES or (until and until(run)):
                return run
            if not self.served.alive():
                pytest.fail(f"make serve exited ({self.served.proc.returncode}) with run {run_id} {state}\n"
                            f"{self.logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"flow run {run_id} still {state} after {timeout} s\n{self.logs()}")
            time.sleep(0.5)

    def explain(self, run: dict) -> str:
        state = run.get("state") or {}
        return f"flow run {run['name']} ({run['id']}): {state.get('type')} {state.get('message')!r}\n{self.logs()}"


def private_env(root: Path, port: int, inbox: Path, workdir: Path) -> dict[str, str]:
    """The environment of `make serve`: the developer's minus their Prefect and juki settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "JUKI_")) and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    home = root / "prefect-home"
    env.update({
        "PREFECT_HOME": str(home),
        "PREFECT_PROFILES_PATH": str(home / "profiles.toml"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",  # for the operator's `prefect` commands of the tests
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",  # pick up a triggered run within a second, not ten
        "PREFECT_CLI_COLORS": "false",
        "PREFECT_CLI_WRAP_LINES": "false",
        "JUKI_INBOX": str(inbox),
        "JUKI_WORKDIR": str(workdir),
        "JUKI_WAIT_MINUTES": "0",  # see the module docstring; the tests that wait say how long
        "JUKI_PROGRESS_SECONDS": "0",  # every progress report becomes a log line
    })
    return env


LIVE = re.compile(r"^live in (\d+) s\. UI: (http://\S+)")


@pytest.fixture(scope="module")
def prefect_stack(tmp_path_factory) -> Iterator[PrefectStack]:
    root = tmp_path_factory.mktemp("served")
    inbox, workdir = root / "inbox", root / "workdir"
    shutil.copytree(SAMPLE, inbox)  # the deployments read their input (and city.toml beside it) from here
    (inbox / f"juki_daicho_{LATE_DAY}.dat").unlink()
    port = free_port()
    env = private_env(root, port, inbox, workdir)
    start = time.monotonic()
    proc = subprocess.Popen(["make", "-s", "serve", f"PORT={port}"], cwd=PROJECT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    served = Served(proc)
    with httpx.Client(base_url=env["PREFECT_API_URL"], timeout=30) as http:
        stack = PrefectStack(env["PREFECT_API_URL"], env, root, inbox, workdir, http, served)
        try:
            while not any(LIVE.match(line) for line in served.lines):
                if not served.alive():
                    pytest.fail(f"make serve exited ({proc.returncode}) before it was live\n{stack.logs()}")
                if time.monotonic() - start > STARTUP_TIMEOUT:
                    pytest.fail(f"make serve not live after {STARTUP_TIMEOUT} s\n{stack.logs()}")
                time.sleep(0.25)
            stack.live_seconds = time.monotonic() - start
            yield stack
        finally:
            if served.alive():
                served.kill()
