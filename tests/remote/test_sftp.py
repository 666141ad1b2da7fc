"""Inputs and outputs over SFTP, against a real OpenSSH server on loopback: the same bytes as a local file, outputs
that appear whole and owner-only or not at all, and a connection that drops (resumed, or one clear line)."""

from __future__ import annotations

import gzip
import os
import shutil
import stat
from pathlib import Path

import polars as pl
import pytest

from juki import storage
from juki.errors import InputUnusable
from juki.jobs.nightly import run_nightly
from juki.storage import remote
from tests.conftest import DAYS, SAMPLE, run_cli, sample_input

DAY = DAYS[0]
LOCAL = Path(sample_input(DAY))


@pytest.fixture(scope="module")
def inbox(sftp_server) -> Path:
    """The sample's daily files on the SFTP server (the server's files live on this machine)."""
    folder = sftp_server.root / "inbox"
    folder.mkdir(exist_ok=True)
    for day in DAYS:
        shutil.copyfile(sample_input(day), folder / Path(sample_input(day)).name)
    return folder


def remote_input(sftp_server, day: str = DAY, port: int | None = None) -> str:
    return sftp_server.url(f"inbox/{Path(sample_input(day)).name}", port)


def parse(tmp_path: Path, source: str, out: str | Path, name: str = "parse"):
    return run_cli("parse", source, "--layout", "juki_daicho", "--out", out, "--workdir", tmp_path / f"wd-{name}")


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_parse_reads_an_sftp_url_like_the_local_file(tmp_path, sftp_server, inbox):
    url = remote_input(sftp_server)
    remote = parse(tmp_path, url, tmp_path / "remote.parquet", "remote")
    local = parse(tmp_path, LOCAL, tmp_path / "local.parquet", "local")
    assert remote.code == local.code == 0, remote.err
    assert pl.read_parquet(tmp_path / "remote.parquet").equals(pl.read_parquet(tmp_path / "local.parquet"))
    log = "\n".join(p.read_text() for p in (tmp_path / "wd-remote").rglob("*") if p.is_file())
    assert storage.display_name(url) in log
    assert str(sftp_server.client_key) not in log and "client_ed25519" not in log


def test_sha256_of_an_sftp_input_is_the_local_files(sftp_server, inbox):
    assert storage.sha256_of(remote_input(sftp_server)) == storage.sha256_of(LOCAL)


def test_a_gzipped_input_is_unpacked_on_the_way(sftp_server, inbox):
    (inbox / f"{LOCAL.name}.gz").write_bytes(gzip.compress(LOCAL.read_bytes()))
    assert storage.read_bytes(sftp_server.url(f"inbox/{LOCAL.name}.gz")) == LOCAL.read_bytes()


def test_nightly_reads_its_input_from_sftp_and_sends_what_a_local_run_sends(tmp_path, sftp_server, inbox,
                                                                           sample_runs):
    _, local_runs = sample_runs
    for day, local in zip(DAYS[:2], local_runs, strict=False):
        remote = run_nightly(remote_input(sftp_server, day), day, tmp_path / "wd", config=SAMPLE / "city.toml")
        assert remote.read.input == storage.display_name(remote_input(sftp_server, day))
        assert remote.read.input_sha256 == local.read.input_sha256
        assert remote.snapshot.sha256 == local.snapshot.sha256
        for role, output in local.outputs.items():
            assert remote.outputs[role].sha256 == output.sha256, (day, role)
    assert remote.notices == local_runs[1].notices > 0


def test_an_output_over_sftp_is_whole_and_owner_only_in_a_new_folder(tmp_path, sftp_server, inbox):
    target = sftp_server.root / "outbox" / "new" / "day.parquet"
    result = parse(tmp_path, remote_input(sftp_server), sftp_server.url("outbox/new/day.parquet"))
    assert result.code == 0, result.err
    assert parse(tmp_path, LOCAL, tmp_path / "local.parquet", "local").code == 0
    assert pl.read_parquet(target).equals(pl.read_parquet(tmp_path / "local.parquet"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert listing(target.parent) == ["day.parquet"]


def test_a_nights_outputs_delivered_to_an_sftp_outbox_are_the_same_bytes_owner_only(sftp_server, sample_runs):
    _, runs = sample_runs
    for output in runs[1].outputs.values():
        local = Path(runs[1].dir) / output.file
        assert storage.copy_file(local, sftp_server.url(f"outbox-night/{output.file}")) == output.sha256
        delivered = sftp_server.root / "outbox-night" / output.file
        assert delivered.read_bytes() == local.read_bytes()
        assert stat.S_IMODE(delivered.stat().st_mode) == 0o600
    assert listing(sftp_server.root / "outbox-night") == sorted(o.file for o in runs[1].outputs.values())


def test_a_failure_while_writing_leaves_the_previous_file_and_no_partial_one(sftp_server):
    folder = sftp_server.root / "outbox-fail"
    folder.mkdir()
    (folder / "notices.dat").write_bytes(b"yesterday")
    with pytest.raises(RuntimeError, match="injected"), \
            storage.atomic_output(sftp_server.url("outbox-fail/notices.dat")) as sink:
        sink.write(os.urandom(3 << 20))
        raise RuntimeError("injected mid-write")
    assert listing(folder) == ["notices.dat"]
    assert (folder / "notices.dat").read_bytes() == b"yesterday"


def test_an_upload_cut_once_is_retried_and_leaves_no_partial_file(sftp_server, cutting_proxy):
    proxy = cutting_proxy(sftp_server.port, [400_000, None])
    sftp_server.trust_port(proxy.port)
    folder = sftp_server.root / "outbox-retry"
    folder.mkdir()
    data = os.urandom(2 << 20)
    with storage.atomic_output(sftp_server.url("outbox-retry/big.bin", proxy.port)) as sink:
        sink.write(data)
    assert proxy.cuts == 1 and proxy.connections >= 2
    assert (folder / "big.bin").read_bytes() == data
    assert listing(folder) == ["big.bin"]  # the .part of the cut attempt was removed
    assert stat.S_IMODE((folder / "big.bin").stat().st_mode) == 0o600


def test_an_upload_that_always_drops_fails_in_one_line_and_leaves_the_previous_file(sftp_server, cutting_proxy):
    proxy = cutting_proxy(sftp_server.port, [400_000])  # every connection: cut after 400 kB
    sftp_server.trust_port(proxy.port)
    folder = sftp_server.root / "outbox-down"
    folder.mkdir()
    (folder / "big.bin").write_bytes(b"yesterday")
    url = sftp_server.url("outbox-down/big.bin", proxy.port)
    with pytest.raises(storage.StorageError) as caught, storage.atomic_output(url) as sink:
        sink.write(os.urandom(2 << 20))
    assert str(caught.value).startswith(f"{storage.display_name(url)}: upload failed; gave up after 3 retries (")
    assert proxy.connections >= 4
    assert listing(folder) == ["big.bin"] and (folder / "big.bin").read_bytes() == b"yesterday"


def test_a_read_cut_once_resumes_at_the_byte_reached(sftp_server, inbox, cutting_proxy):
    proxy = cutting_proxy(sftp_server.port, [300_000, None])
    sftp_server.trust_port(proxy.port)
    assert storage.read_bytes(remote_input(sftp_server, port=proxy.port)) == LOCAL.read_bytes()
    assert proxy.cuts == 1 and proxy.connections == 2


def test_a_server_that_keeps_dropping_is_one_line_and_exit_2(tmp_path, sftp_server, inbox, cutting_proxy):
    proxy = cutting_proxy(sftp_server.port, [300_000, 0])  # cut mid-transfer, then every reconnection refused
    sftp_server.trust_port(proxy.port)
    url = remote_input(sftp_server, port=proxy.port)
    result = parse(tmp_path, url, tmp_path / "out.parquet")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    assert lines[0].startswith(f"juki: {storage.display_name(url)}: connection lost at byte ")
    assert "; gave up after 3 retries (" in lines[0]
    assert "client_ed25519" not in result.err and f"{sftp_server.user}@" not in result.err
    assert not (tmp_path / "out.parquet").exists()
    assert proxy.connections == 1 + remote.RETRIES


def test_an_unknown_host_key_is_refused_not_learned(tmp_path, sftp_server, inbox, cutting_proxy):
    proxy = cutting_proxy(sftp_server.port, [None])  # the same server on a port known_hosts does not list
    before = sftp_server.known_hosts.read_text()
    result = parse(tmp_path, remote_input(sftp_server, port=proxy.port), tmp_path / "out.parquet")
    assert result.code == 2
    assert f"the host key of [127.0.0.1]:{proxy.port} is not in known_hosts: refused" in result.err
    assert sftp_server.known_hosts.read_text() == before


def test_a_password_in_the_url_is_refused_and_not_repeated(sftp_server, inbox):
    url = f"sftp://{sftp_server.user}:hunter2@127.0.0.1:{sftp_server.port}{inbox}/{LOCAL.name}"
    with pytest.raises(storage.StorageError) as caught, storage.open_input(url):
        pass
    assert "password in the URL is not accepted" in str(caught.value) and "hunter2" not in str(caught.value)


def test_a_missing_remote_file_is_input_unusable(sftp_server, inbox):
    with pytest.raises(InputUnusable, match="file not found"), \
            storage.open_input(sftp_server.url("inbox/nothing.dat")):
        pass
