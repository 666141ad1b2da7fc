"""A throwaway Prefect server (and, for the dispatcher's test, process workers) on loopback, for tests/cities.

Every command gets a private environment: no PREFECT_* or JUKI_* variable of the developer's shell leaks in.
The server listens on 127.0.0.1 with analytics, UI and scheduler off (the dispatcher's 02:00 schedule must not
fire behind a test's back). Each long-running command runs in a process group of its own, its output in a log
file; ``stop`` ends the group and whatever flow-run processes a worker started below it. The test process talks
to the server's REST API with httpx and never loads Prefect settings.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from juki.cli.serve_cmd import descendants, start_time  # the same care as `juki serve` takes

PROJECT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 300  # a fresh SQLite database is migrated first: 15-90 s on a loaded 2-core machine
CLI_TIMEOUT = 300
RETRY_CODES = {408, 429, 502, 503}
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def bin_of(name: str) -> str:
    """A console script of the interpreter running the tests (the project's venv)."""
    return str(Path(sys.executable).with_name(name))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(http: httpx.Client, method: str, path: str, body: dict | None = None):
    """One call to the Prefect REST API, retried as Prefect's own client retries: on 503 the server says SQLite was
    busy. The body's JSON, or None when it has none."""
    for attempt in range(10):
        r = http.request(method, path, json=body)
        if r.status_code not in RETRY_CODES:
            break
        time.sleep(min(0.2 * 2**attempt, 3))
    r.raise_for_status()
    return r.json() if r.content else None


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Service:
    name: str
    proc: subprocess.Popen
    log: Path
    stop_signal: int = signal.SIGTERM

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        below = descendants(self.proc.pid)
        if self.alive():
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, self.stop_signal)
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        for pid, started in below:
            if start_time(pid) == started:  # still the process we saw, not a reused id
                with suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)


def start(name: str, argv: list[str], env: dict[str, str], cwd: Path, log: Path,
          stop_signal: int = signal.SIGTERM) -> Service:
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    return Service(name, proc, log, stop_signal)


def private_env(home: Path, port: int) -> dict[str, str]:
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
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_CLI_COLORS": "false",
        "PREFECT_CLI_WRAP_LINES": "false",
        "PREFECT_CLIENT_MAX_RETRIES": "10",  # the server answers 503 while SQLite is busy: ask again
    })
    return env


@dataclass
class Server:
    root: Path
    env: dict[str, str]
    http: httpx.Client
    services: dict[str, Service] = field(default_factory=dict)

    @property
    def db(self) -> Path:
        return Path(self.env["PREFECT_HOME"]) / "prefect.db"

    def logs(self) -> str:
        return "\n".join(f"--- {s.name} log (tail) ---\n{tail(s.log)}" for s in self.services.values())

    def add(self, service: Service) -> Service:
        self.services[service.name] = service
        return service

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()

    def cli(self, *args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([bin_of("prefect"), *args], cwd=cwd or self.root, env=self.env, capture_output=True,
                              text=True, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
        if check and done.returncode != 0:
            raise AssertionError(f"prefect {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n"
                                 f"{done.stderr}")
        return done

    def python(self, code: str, *args: str, env: dict | None = None,
               timeout: float = 900) -> subprocess.CompletedProcess:
        """Python code in a process of its own against this server (flows started directly, not by a worker)."""
        return subprocess.run([sys.executable, "-c", code, *args], cwd=PROJECT, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def request(self, method: str, path: str, body: dict | None = None):
        return api(self.http, method, path, body)

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, body: dict):
        return self.request("POST", path, body)

    def flow_runs(self, **filters) -> list[dict]:
        return self.post("/flow_runs/filter", {"sort": "EXPECTED_START_TIME_ASC", **filters})

    def artifacts(self, key: str) -> list[dict]:
        return self.post("/artifacts/filter", {"artifacts": {"key": {"any_": [key]}}})


def wait_until(what: str, ready, service: Service, server: Server, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if not service.alive():
            raise AssertionError(f"{service.name} exited ({service.proc.returncode}) before {what}\n{server.logs()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout} s\n{server.logs()}")
        time.sleep(0.5)


def answers(http: httpx.Client, path: str, check=lambda body: True) -> bool:
    try:
        r = http.get(path, timeout=5)
        return r.status_code == 200 and bool(check(r.json()))
    except (httpx.HTTPError, ValueError):
        return False


def start_server(root: Path) -> Server:
    """``prefect server start`` on a free loopback port, waited for; stop it with ``Server.stop``."""
    home = root / "home"
    home.mkdir(parents=True)
    port = free_port()
    env = private_env(home, port)
    server = Server(root, env, httpx.Client(base_url=env["PREFECT_API_URL"], timeout=60))
    service = server.add(start("server", [bin_of("prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                                          str(port), "--no-ui", "--no-scheduler", "--analytics-off"],
                               env, home, root / "server.log"))
    try:
        wait_until("answer on /api/health", lambda: answers(server.http, "/health"), service, server)
    except BaseException:
        server.stop()
        raise
    return server
