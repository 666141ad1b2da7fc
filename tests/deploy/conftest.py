"""A throwaway Prefect installation on loopback for the deployment tests.

The ``prefect_stack`` fixture starts ``prefect server start`` (SQLite in a temporary PREFECT_HOME), creates the
``juki`` process work pool, applies every deployment of prefect.yaml with ``prefect deploy --all`` from the
project directory, and starts ``prefect worker start --pool juki``. Every command gets a private environment:
no PREFECT_* or JUKI_* variable of the developer's shell leaks in, so their profiles, API URL and workdir are
never read or written. Nothing leaves the machine: the server listens on 127.0.0.1, analytics are off, and the
scheduler service is off (the deployments keep their schedules, but no scheduled run is created behind the
tests' back — a 02:00 Tokyo run could otherwise start during a CI run at 17:00 UTC and take the concurrency
slot). Server and worker run in their own process groups, which teardown ends, together with any flow-run
process the worker started (each in a session of its own, so found through /proc).

The tests talk to the server's REST API with httpx, so the test process never loads Prefect settings.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE = PROJECT / "sample_data"
POOL = "juki"
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
STARTUP_TIMEOUT = 90  # the server migrates a fresh SQLite database first: ~13 s on a 2-core machine
RUN_TIMEOUT = 180  # one flow run, from creation to a final state
CLI_TIMEOUT = 120
RETRY_CODES = {408, 429, 502, 503}


def prefect_cmd() -> list[str]:
    """The prefect CLI of the interpreter running the tests (the project's venv)."""
    exe = Path(sys.executable).with_name("prefect")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "prefect"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def process_start(pid: int) -> str | None:
    """The start time of a process (Linux /proc), which tells it from a later process given the same id."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return None


def descendants(pid: int) -> list[tuple[int, str]]:
    """(id, start time) of every process below ``pid``; empty where there is no /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, IndexError, ValueError):
            children.setdefault(int(stat.read_text().rpartition(")")[2].split()[1]), []).append(int(stat.parent.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        todo += children.get(child, [])
        if (started := process_start(child)) is not None:
            found.append((child, started))
    return found


@dataclass
class Service:
    """A long-running prefect command in its own process group, its output in a log file."""

    name: str
    proc: subprocess.Popen
    log: Path
    stop_signal: int = signal.SIGTERM

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        below = descendants(self.proc.pid)  # the worker starts each flow run in a session of its own
        if self.alive():
            self._signal(self.stop_signal)
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=15)
        # whatever is left of the group (the server's uvicorn, a flow run the worker started) goes too
        self._signal(signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        for pid, started in below:
            if process_start(pid) == started:  # still the process we saw, not a reused id
                with suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)

    def _signal(self, sig: int) -> None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)


@dataclass
class PrefectStack:
    api: str  # http://127.0.0.1:PORT/api
    env: dict[str, str]
    home: Path
    inbox: Path
    workdir: Path
    http: httpx.Client
    services: dict[str, Service] = field(default_factory=dict)

    # -- commands and logs --------------------------------------------------------------------------------------
    def cli(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """Run a prefect CLI command against this server; fail the test with its output if it fails."""
        done = subprocess.run([*prefect_cmd(), *args], cwd=cwd or self.home, env=self.env, capture_output=True,
                              text=True, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
        command = " ".join(args)
        assert done.returncode == 0, f"prefect {command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        return done

    def logs(self) -> str:
        return "\n".join(f"--- {s.name} log (tail) ---\n{tail(s.log)}" for s in self.services.values())

    # -- the REST API -------------------------------------------------------------------------------------------
    def request(self, method: str, path: str, body: dict | None = None):
        """One API call, retried as Prefect's own client retries: on 503 the server says SQLite was busy."""
        for attempt in range(10):
            r = self.http.request(method, path, json=body)
            if r.status_code not in RETRY_CODES:
                break
            time.sleep(min(0.2 * 2**attempt, 3))
        r.raise_for_status()
        return r.json()

    def get(self, path: str) -> dict:
        return self.request("GET", path)

    def post(self, path: str, body: dict) -> dict | list:
        return self.request("POST", path, body)

    def deployment(self, name: str) -> dict:
        """``name`` is FLOW/DEPLOYMENT, as `prefect deployment run` takes it."""
        return self.get(f"/deployments/name/{name}")

    def trigger(self, name: str, **parameters) -> str:
        """Create a flow run of a deployment (merged with the deployment's own parameters); its id."""
        run = self.post(f"/deployments/{self.deployment(name)['id']}/create_flow_run", {"parameters": parameters})
        return run["id"]

    def runs_of(self, name: str) -> list[dict]:
        return self.post("/flow_runs/filter", {"deployments": {"id": {"any_": [self.deployment(name)["id"]]}}})

    def wait(self, run_id: str, timeout: float = RUN_TIMEOUT) -> dict:
        """The flow run once it reaches a final state; fails (with the worker's log) on timeout or a dead worker."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.get(f"/flow_runs/{run_id}")
            state = (run.get("state") or {}).get("type")
            if state in FINAL_STATES:
                return run
            worker = self.services["worker"]
            if not worker.alive():
                pytest.fail(f"the worker exited ({worker.proc.returncode}) with run {run_id} {state}\n{self.logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"flow run {run_id} still {state} after {timeout} s\n{self.logs()}")
            time.sleep(0.5)

    def explain(self, run: dict) -> str:
        state = run.get("state") or {}
        return f"flow run {run['name']} ({run['id']}): {state.get('type')} {state.get('message')!r}\n{self.logs()}"


def private_env(home: Path, port: int, inbox: Path, workdir: Path) -> dict[str, str]:
    """The environment of every prefect command: the developer's minus their Prefect and juki settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "JUKI_"))}
    env.update({
        "PREFECT_HOME": str(home),
        "PREFECT_PROFILES_PATH": str(home / "profiles.toml"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",  # pick up a triggered run within a second, not ten
        "PREFECT_CLI_COLORS": "false",
        "PREFECT_CLI_WRAP_LINES": "false",
        # what prefect.yaml reads when it is applied (parameters) and run (the pull step's directory)
        "JUKI_PROJECT_DIR": str(PROJECT),
        "JUKI_INBOX": str(inbox),
        "JUKI_WORKDIR": str(workdir),
    })
    return env


def start(name: str, args: list[str], env: dict[str, str], cwd: Path, log: Path,
          stop_signal: int = signal.SIGTERM) -> Service:
    out = log.open("wb")
    try:
        proc = subprocess.Popen([*prefect_cmd(), *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        out.close()  # the child has its own copy
    return Service(name, proc, log, stop_signal)


def wait_for(what: str, ready, service: Service, stack: PrefectStack, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if not service.alive():
            pytest.fail(f"{service.name} exited ({service.proc.returncode}) before {what}\n{stack.logs()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout} s\n{stack.logs()}")
        time.sleep(0.25)


def answers(http: httpx.Client, path: str, check=lambda body: True) -> bool:
    try:
        r = http.get(path, timeout=2)
        return r.status_code == 200 and bool(check(r.json()))
    except (httpx.HTTPError, ValueError):
        return False


@pytest.fixture(scope="module")
def prefect_stack(tmp_path_factory) -> Iterator[PrefectStack]:
    root = tmp_path_factory.mktemp("prefect")
    home, inbox, workdir = root / "home", root / "inbox", root / "workdir"
    home.mkdir()
    shutil.copytree(SAMPLE, inbox)  # the deployments read their input (and city.toml beside it) from here
    port = free_port()
    env = private_env(home, port, inbox, workdir)
    with ExitStack() as cleanup, httpx.Client(base_url=env["PREFECT_API_URL"], timeout=30) as http:
        stack = PrefectStack(env["PREFECT_API_URL"], env, home, inbox, workdir, http)

        server = start("server", ["server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui",
                                  "--no-scheduler", "--analytics-off"], env, home, root / "server.log")
        stack.services["server"] = server
        cleanup.callback(server.stop)
        wait_for("answer on /api/health", lambda: answers(http, "/health"), server, stack)

        stack.cli("work-pool", "create", POOL, "--type", "process")
        stack.cli("deploy", "--all", "--no-prompt", cwd=PROJECT)

        # started outside the project directory, so the flows import only because the pull step moves there
        worker = start("worker", ["worker", "start", "--pool", POOL, "--type", "process"],
                       env, home, root / "worker.log", stop_signal=signal.SIGINT)
        stack.services["worker"] = worker
        cleanup.callback(worker.stop)  # runs before the server's: callbacks unwind last in, first out
        wait_for("worker polling the pool", lambda: answers(http, f"/work_pools/{POOL}",
                                                          lambda pool: pool.get("status") == "READY"), worker, stack)
        yield stack
