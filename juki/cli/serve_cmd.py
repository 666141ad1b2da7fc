"""`juki serve`, `juki deploy`: the three deployments live on Prefect, with Prefect's own server, pool and worker.

`juki serve` (what `make serve` runs) brings up a city's whole Prefect side on one machine: a Prefect server (UI
and API), the `juki` process work pool, the deployments of prefect.yaml (nightly 02:00 Tokyo, consistency every
1 April, rerun on demand) and a worker; prints the UI's address; stops the worker, then the server, on Ctrl-C.
It is deploy/systemd's production set-up in one command (same server, pool, prefect.yaml and worker), so what a
city tries here is what it then keeps under systemd; Prefect's `serve` would hold the schedules in a Python
process instead of prefect.yaml and has no work pool to hand to systemd.

`juki deploy` applies prefect.yaml to the server of PREFECT_API_URL, creating the pool first if it is missing.
Prefect is driven through its CLI and REST API: nothing here imports it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from juki.dates import shown
from juki.errors import EXIT_OK, UsageError

POOL = "juki"
DEFAULT_API = "http://127.0.0.1:4200/api"
DEPLOYMENTS = ("nightly", "consistency", "rerun")
STARTUP_SECONDS = 180  # a fresh server migrates its database first: ~15-40 s on a busy 2-core machine
PATHS = (("inbox", "JUKI_INBOX"), ("workdir", "JUKI_WORKDIR"), ("outbox", "JUKI_OUTBOX"))


def register(sub) -> None:
    s = sub.add_parser("serve", help="run the Prefect server, work pool, deployments and a worker on this machine "
                       "(Ctrl-C stops them)")
    s.add_argument("--host", default="127.0.0.1", help="address of the UI and API (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=4200, help="port of the UI and API (default 4200)")
    for name, env in PATHS:
        s.add_argument(f"--{name}", help=f"for the runs' {env} (default: ${env})")
    s.add_argument("--prefect-file", help="the deployments (default: prefect.yaml of the juki-etl folder)")
    s.set_defaults(run=run_serve)
    d = sub.add_parser("deploy", help="apply prefect.yaml to the Prefect server of PREFECT_API_URL "
                       "(creates the juki work pool if missing)")
    d.add_argument("--prefect-file", help="the deployments (default: prefect.yaml of the juki-etl folder)")
    d.add_argument("--api", help=f"the server's API (default: $PREFECT_API_URL, else {DEFAULT_API})")
    d.set_defaults(run=run_deploy)


def prefect() -> list[str]:
    exe = Path(sys.executable).with_name("prefect")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "prefect"]


def prefect_file(given: str | None) -> Path:
    candidates = [Path(given)] if given else [Path.cwd() / "prefect.yaml",
                                              Path(__file__).resolve().parents[2] / "prefect.yaml"]
    for path in candidates:
        if path.is_file():
            return path.resolve()
    raise UsageError(f"no prefect.yaml at {candidates[0]}: run from the juki-etl folder or pass --prefect-file")


# -- the REST API, without Prefect's client ----------------------------------------------------------------------
def api(base: str, method: str, path: str, body: dict | None = None, timeout: float = 10):
    """(status, JSON body); status 0 when the server does not answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:  # noqa: S310 - our own server's URL
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None
    except (OSError, ValueError):
        return 0, None


def ensure_pool(base: str, env: dict) -> str:
    status, _ = api(base, "GET", f"/work_pools/{POOL}")
    if status == 200:
        return "exists"
    run_prefect(["work-pool", "create", POOL, "--type", "process"], env)
    return "created"


def run_prefect(args: list[str], env: dict, cwd: Path | None = None) -> None:
    done = subprocess.run([*prefect(), *args], env=env, cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        raise UsageError(f"`prefect {' '.join(args[:2])}` failed ({done.returncode}): {last}")


def deploy(base: str, env: dict, file: Path) -> str:
    pool = ensure_pool(base, env)
    run_prefect(["--no-prompt", "deploy", "--all", "--prefect-file", str(file)], env, cwd=file.parent)
    return pool


def run_deploy(args) -> int:
    base = (args.api or os.environ.get("PREFECT_API_URL") or DEFAULT_API).rstrip("/")
    if api(base, "GET", "/health")[0] != 200:
        raise UsageError(f"no Prefect server answers at {base}: start it (systemctl start prefect-server) "
                         "or pass --api")
    pool = deploy(base, dict(os.environ, PREFECT_API_URL=base), prefect_file(args.prefect_file))
    print(f"work pool {POOL}: {pool}; deployments applied: {', '.join(DEPLOYMENTS)}")
    return EXIT_OK


# -- juki serve --------------------------------------------------------------------------------------------------
class Child:
    """A long-running prefect command in a session of its own (Ctrl-C reaches `juki serve` only, which stops it
    in order), its output to a log file or, line by line, to our stdout."""

    def __init__(self, name: str, args: list[str], env: dict, log: Path | None):
        self.name = name
        out = log.open("ab") if log else subprocess.PIPE
        self.proc = subprocess.Popen([*prefect(), *args], env=env, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        if log:
            out.close()
        else:
            threading.Thread(target=self._echo, daemon=True).start()

    def _echo(self) -> None:
        for line in iter(self.proc.stdout.readline, b""):
            sys.stdout.write(f"  {self.name} | {line.decode('utf-8', 'replace').rstrip()}\n")
            sys.stdout.flush()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, sig: int, grace: float = 30) -> None:
        """``sig`` to the whole group, then SIGKILL after ``grace``; then any process it started in a session of
        its own (a flow run the worker started) that outlived it."""
        below = descendants(self.proc.pid)
        for s, wait in ((sig, grace), (signal.SIGKILL, 10)):
            if self.proc.poll() is not None:
                break
            try:
                os.killpg(self.proc.pid, s)
            except (ProcessLookupError, PermissionError):
                break
            try:
                self.proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        for pid, started in below:
            if start_time(pid) == started:  # still that process, not a new one with its number
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)


def start_time(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return None


def descendants(pid: int) -> list[tuple[int, str]]:
    """(id, start time) of every process below ``pid`` (Linux /proc; none elsewhere)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            children.setdefault(int(stat.read_text().rpartition(")")[2].split()[1]), []).append(int(stat.parent.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        todo += children.get(child, [])
        if (started := start_time(child)) is not None:
            found.append((child, started))
    return found


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def wait_until(what: str, ready, child: Child, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if not child.alive():
            raise UsageError(f"the Prefect {child.name} stopped before {what} (exit {child.proc.returncode}); "
                             "see its log")
        if time.monotonic() > deadline:
            raise UsageError(f"no {what} after {seconds:.0f} s; see the {child.name}'s log")
        time.sleep(0.5)


def schedules(base: str) -> dict[str, str]:
    """Each deployment's schedule in words, with its next scheduled run (Tokyo time) once the server made it."""
    found = {}
    for name in DEPLOYMENTS:
        status, d = api(base, "GET", f"/deployments/name/{name}/{name}")
        if status != 200:
            continue
        crons = [f"cron {s['schedule']['cron']} {s['schedule'].get('timezone') or 'UTC'}"
                 for s in d.get("schedules") or [] if s.get("active") and "cron" in s.get("schedule", {})]
        _, runs = api(base, "POST", "/flow_runs/filter", {
            "deployments": {"id": {"any_": [d["id"]]}}, "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
            "sort": "EXPECTED_START_TIME_ASC", "limit": 1})
        upcoming = f", next run {shown(runs[0]['expected_start_time'])}" if runs else ""
        found[name] = (", ".join(crons) + upcoming) if crons else "on demand (no schedule)"
    return found


def run_serve(args) -> int:
    if not port_free(args.host, args.port):
        raise UsageError(f"port {args.port} is in use (another Prefect server?): stop it or pass --port")
    file = prefect_file(args.prefect_file)
    started = time.monotonic()
    base = f"http://{args.host}:{args.port}/api"
    env = dict(os.environ, PREFECT_API_URL=base, PREFECT_SERVER_API_HOST=args.host,
               PREFECT_SERVER_API_PORT=str(args.port))
    env.setdefault("TZ", "Asia/Tokyo")  # the worker's log lines in Tokyo time (Prefect stores UTC)
    for name, var in PATHS:
        value = getattr(args, name) or os.environ.get(var)
        if value:  # the worker runs flows in a temporary folder: relative paths would point nowhere
            env[var] = value if "://" in value else str(Path(value).resolve())
    if "JUKI_WORKDIR" not in env:
        raise UsageError("no workdir: pass --workdir or set JUKI_WORKDIR (where the city's runs are kept)")
    logs = Path(env["JUKI_WORKDIR"]) / "prefect-logs"
    logs.mkdir(parents=True, exist_ok=True, mode=0o700)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    children: list[Child] = []
    live: dict[str, str] = {}
    try:
        server = Child("server", ["server", "start", "--host", args.host, "--port", str(args.port)], env,
                       logs / "server.log")
        children.append(server)
        print(f"Prefect server starting on {args.host}:{args.port} (log: {logs / 'server.log'})", flush=True)
        wait_until("answer from the server", lambda: stop.is_set() or api(base, "GET", "/health")[0] == 200, server)
        pool = "" if stop.is_set() else deploy(base, env, file)
        if not stop.is_set():
            print(f"  work pool {POOL}: {pool}; deployments from {file}", flush=True)
            worker = Child("worker", ["worker", "start", "--pool", POOL, "--type", "process"], env, None)
            children.append(worker)
            wait_until("worker polling the pool", lambda: stop.is_set() or
                       (api(base, "GET", f"/work_pools/{POOL}")[1] or {}).get("status") == "READY", worker)
        deadline = time.monotonic() + 60
        while not stop.is_set() and "next" not in (live := schedules(base)).get("nightly", "") \
                and time.monotonic() < deadline:
            time.sleep(1)
        if not stop.is_set():
            for name in DEPLOYMENTS:
                print(f"  {name:<12} {live.get(name, 'missing')}")
            for _, var in PATHS:
                print(f"  {var:<13} {env.get(var, '(not set)')}")
            print(f"live in {time.monotonic() - started:.0f} s. UI: http://{args.host}:{args.port}  "
                  "(Ctrl-C stops the worker, then the server)", flush=True)
        while not stop.wait(1):
            for child in children:
                if not child.alive():
                    raise UsageError(f"the Prefect {child.name} stopped (exit {child.proc.returncode}); "
                                     f"see {logs}")
    finally:
        for child in reversed(children):
            child.stop(signal.SIGINT if child.name == "worker" else signal.SIGTERM)
        if children:
            print("stopped: worker and server", flush=True)
    return EXIT_OK
