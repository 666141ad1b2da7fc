"""What an operator reads: `juki runs` and `juki audit show` in Tokyo time (stored in UTC), and `juki serve` /
`juki deploy` refusing in one line when their port is taken or no server answers."""

from __future__ import annotations

import json
import socket

from juki.dates import shown
from tests.conftest import run_cli


def test_runs_and_the_run_log_are_shown_in_tokyo_time(sample_runs):
    workdir, records = sample_runs
    table = run_cli("runs", "--workdir", workdir)
    assert table.code == 0
    for record in records:
        assert record.finished_at.endswith("+00:00")  # stored in UTC
        assert shown(record.finished_at) in table.out
    assert " JST" in table.out and "+00:00" not in table.out
    stored = json.loads(run_cli("runs", "--workdir", workdir, "--json").out)
    assert {r["finished_at"] for r in stored} >= {r.finished_at for r in records}  # machine output stays UTC
    log = run_cli("audit", "show", "--workdir", workdir)
    assert log.code == 0 and log.out.count(" JST ") >= len(records) and "+00:00" not in log.out


def test_serve_refuses_a_taken_port_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "--port", str(port), "--workdir", tmp_path / "wd")
    assert done.code == 2
    assert done.err == f"juki: port {port} is in use (another Prefect server?): stop it or pass --port\n"


def test_deploy_says_when_no_server_answers(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once closed
    done = run_cli("deploy", "--api", f"http://127.0.0.1:{port}/api")
    assert done.code == 2 and done.err.count("\n") == 1
    assert f"no Prefect server answers at http://127.0.0.1:{port}/api" in done.err
