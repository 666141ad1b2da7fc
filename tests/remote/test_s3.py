"""Inputs and outputs on S3, against a real SeaweedFS S3 gateway on loopback: credentials from the environment,
the same bytes as a local file, objects that appear whole or not at all, and a connection that drops."""

from __future__ import annotations

import os
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
def inbox(s3_server) -> str:
    """The sample's daily files as objects under inbox/, put there by the tests' own S3 client."""
    for day in DAYS:
        s3_server.filesystem.put_file(sample_input(day), f"{s3_server.bucket}/inbox/{Path(sample_input(day)).name}")
    return "inbox"


def remote_input(s3_server, day: str = DAY) -> str:
    return s3_server.url(f"inbox/{Path(sample_input(day)).name}")


def objects(s3_server, prefix: str) -> list[str]:
    fs = s3_server.filesystem
    fs.invalidate_cache()
    return sorted(p.rsplit("/", 1)[-1] for p in fs.find(f"{s3_server.bucket}/{prefix}"))


@pytest.fixture
def endpoint_through(monkeypatch, s3_server, cutting_proxy):
    """Point juki's S3 client at a cutting proxy in front of SeaweedFS (the tests' own client stays direct)."""
    def through(budgets: list[int | None]):
        proxy = cutting_proxy(s3_server.port, budgets)
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{proxy.port}")
        return proxy
    return through


def test_sha256_of_an_s3_input_is_the_local_files(s3_server, inbox):
    assert storage.sha256_of(remote_input(s3_server)) == storage.sha256_of(LOCAL)


def test_nightly_reads_its_input_from_s3_and_sends_what_a_local_run_sends(tmp_path, s3_server, inbox, sample_runs):
    _, local_runs = sample_runs
    for day, local in zip(DAYS[:2], local_runs, strict=False):
        remote = run_nightly(remote_input(s3_server, day), day, tmp_path / "wd", config=SAMPLE / "city.toml")
        assert remote.read.input_sha256 == local.read.input_sha256
        assert remote.snapshot.sha256 == local.snapshot.sha256
        for role, output in local.outputs.items():
            assert remote.outputs[role].sha256 == output.sha256, (day, role)
    assert remote.notices == local_runs[1].notices > 0


def test_parse_from_sftp_to_s3(tmp_path, s3_server, sftp_server):
    (sftp_server.root / "to-s3").mkdir()
    (sftp_server.root / "to-s3" / LOCAL.name).write_bytes(LOCAL.read_bytes())
    out = s3_server.url("parsed/day.parquet")
    result = run_cli("parse", sftp_server.url(f"to-s3/{LOCAL.name}"), "--layout", "juki_daicho", "--out", out,
                     "--workdir", tmp_path / "wd")
    assert result.code == 0, result.err
    assert storage.display_name(out) in result.out
    local = run_cli("parse", LOCAL, "--layout", "juki_daicho", "--out", tmp_path / "local.parquet",
                    "--workdir", tmp_path / "wd")
    assert local.code == 0
    s3_server.filesystem.get_file(f"{s3_server.bucket}/parsed/day.parquet", str(tmp_path / "back.parquet"))
    assert pl.read_parquet(tmp_path / "back.parquet").equals(pl.read_parquet(tmp_path / "local.parquet"))
    assert objects(s3_server, "parsed") == ["day.parquet"]


def test_a_nights_outputs_delivered_to_an_s3_outbox_are_the_same_bytes(s3_server, sample_runs):
    _, runs = sample_runs
    for output in runs[1].outputs.values():
        local = Path(runs[1].dir) / output.file
        assert storage.copy_file(local, s3_server.url(f"outbox/{output.file}")) == output.sha256
        assert s3_server.filesystem.cat(f"{s3_server.bucket}/outbox/{output.file}") == local.read_bytes()
    assert objects(s3_server, "outbox") == sorted(o.file for o in runs[1].outputs.values())


def test_a_failure_while_writing_leaves_the_previous_object_and_no_other(s3_server):
    s3_server.filesystem.pipe(f"{s3_server.bucket}/fail/notices.dat", b"yesterday")
    with pytest.raises(RuntimeError, match="injected"), \
            storage.atomic_output(s3_server.url("fail/notices.dat")) as sink:
        sink.write(os.urandom(3 << 20))
        raise RuntimeError("injected mid-write")
    assert objects(s3_server, "fail") == ["notices.dat"]
    assert s3_server.filesystem.cat(f"{s3_server.bucket}/fail/notices.dat") == b"yesterday"


def test_an_upload_that_always_drops_is_one_line_and_leaves_the_previous_object(s3_server, endpoint_through):
    s3_server.filesystem.pipe(f"{s3_server.bucket}/down/big.bin", b"yesterday")
    proxy = endpoint_through([300_000])  # every connection cut after 300 kB: the PUT body never arrives whole
    url = s3_server.url("down/big.bin")
    with pytest.raises(storage.StorageError) as caught, storage.atomic_output(url) as sink:
        sink.write(os.urandom(2 << 20))
    assert str(caught.value).startswith(f"{storage.display_name(url)}: upload failed; gave up after 3 retries (")
    assert proxy.cuts > remote.RETRIES
    assert objects(s3_server, "down") == ["big.bin"]
    assert s3_server.filesystem.cat(f"{s3_server.bucket}/down/big.bin") == b"yesterday"


def test_a_read_cut_once_resumes_and_is_byte_identical(s3_server, inbox, endpoint_through):
    proxy = endpoint_through([300_000, None])
    assert storage.read_bytes(remote_input(s3_server)) == LOCAL.read_bytes()
    assert proxy.cuts == 1


def test_an_s3_server_that_keeps_dropping_is_one_line_and_exit_2(tmp_path, s3_server, inbox, endpoint_through):
    proxy = endpoint_through([300_000, 0])
    result = run_cli("parse", remote_input(s3_server), "--layout", "juki_daicho", "--out", tmp_path / "o.parquet",
                     "--workdir", tmp_path / "wd")
    assert result.code == 2 and proxy.cuts >= 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    assert lines[0].startswith(f"juki: {storage.display_name(remote_input(s3_server))}: ")
    assert "gave up after 3 retries" in lines[0]
    assert s3_server.secret_key not in result.err and s3_server.access_key not in result.err
    assert not (tmp_path / "o.parquet").exists()


def test_wrong_credentials_are_refused_without_repeating_them(s3_server, inbox, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(InputUnusable) as caught, storage.open_input(remote_input(s3_server)):
        pass
    assert str(caught.value) == f"{storage.display_name(remote_input(s3_server))}: permission denied"
    assert "not-the-secret" not in str(caught.value) and s3_server.access_key not in str(caught.value)


def test_a_missing_object_is_input_unusable(s3_server):
    with pytest.raises(InputUnusable, match="file not found"), storage.open_input(s3_server.url("no/such.dat")):
        pass
