"""Build the defect corpus under tests/defects/ from the sample city and the table in catalogue.py.

    .venv/bin/python -m tests.defects.make_defects            # everything: clean bases, configs, defect files
    .venv/bin/python -m tests.defects.make_defects --defects  # only the defect files, from the committed bases

Clean bases: a few records of sample_data/juki_daicho_20260403.dat (住民基本台帳), of the 本人確認情報 snapshot
the nightly job keeps after 2026-04-02, and of the 送付先情報 it writes on 2026-04-02 and 2026-04-03 (the job runs
in a temporary folder). Defect files: each is clean.dat read back, one record changed as the table says, and
written with juki.codec.writer.write_records; a defect the writer would refuse (bytes that are not CP932, a control
character…) is planted in the written bytes instead. The output is deterministic: tests/validation compares the
committed files with a fresh build byte for byte.
"""

from __future__ import annotations

import argparse
import io
import re
import tempfile
from pathlib import Path

import polars as pl

from juki.codec.reader import RECORD_NO, read_records
from juki.codec.writer import write_records
from juki.layout import Layout, load_layout
from tests.defects.catalogue import (
    CLEAN,
    CONFIG,
    DEFECTS,
    FILE_DATES,
    LAYOUTS,
    MANY,
    STRICT,
    TRANSFORMS,
    Bytes,
    Changed,
    Defect,
    Edit,
    From,
    Same,
    defects_of,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE = ROOT / "sample_data"

# The residents of each clean base, by the key that does not change between runs.
JUKI_DAICHO_PEOPLE = ["000100000000011", "000100000000026", "000100000000032", "000100000000099",
                      "000100000000170", "000100000000290"]  # 識別番号
HONNIN_KAKUNIN_PEOPLE = ["00191534808", "01026273770", "02285314928", "06437411008", "21183801497",
                         "56722030538", "73301912720", "92789666794"]  # 住民票コード


# ---------------------------------------------------------------------------------------------- bases


def build_bases(out: Path) -> list[Path]:
    """clean.dat of every layout and the two city configurations, under ``out``."""
    written = _write_configs(out)
    daicho = load_layout("juki_daicho")
    df, result = read_records(SAMPLE / "juki_daicho_20260403.dat", daicho)
    people = _all_of(df.filter(pl.col("shikibetsu_bango").is_in(JUKI_DAICHO_PEOPLE)), JUKI_DAICHO_PEOPLE)
    people = people.drop(RECORD_NO)
    written.append(_write(out / "juki_daicho" / CLEAN, daicho, people, result.header))
    with tempfile.TemporaryDirectory(prefix="juki-defects-") as workdir:
        runs = _nightly(workdir)
        snapshot = pl.read_parquet(runs["20260402"] / "snapshot.parquet")
        people = _all_of(snapshot.filter(pl.col("juminhyo_code").is_in(HONNIN_KAKUNIN_PEOPLE)), HONNIN_KAKUNIN_PEOPLE)
        people = people.sort("juminhyo_code")
        header = {"created_on": FILE_DATES["honnin_kakunin"], "dantai_code": "042021"}
        written.append(_write(out / "honnin_kakunin" / CLEAN, load_layout("honnin_kakunin"),
                              people.drop("shikibetsu_bango"), header))
        sofusaki = load_layout("sofusaki")
        frames = [read_records(runs[day] / f"sofusaki_{day}.dat", sofusaki)[0] for day in ("20260402", "20260403")]
        header = {"created_on": FILE_DATES["sofusaki"], "dantai_code": "042021"}
        written.append(_write(out / "sofusaki" / CLEAN, sofusaki, pl.concat(frames).drop(RECORD_NO), header))
    return written


def _all_of(people: pl.DataFrame, wanted: list[str]) -> pl.DataFrame:
    if people.height != len(wanted):
        raise ValueError(f"the sample holds {people.height} of the {len(wanted)} residents of a clean base")
    return people


def _nightly(workdir: str) -> dict[str, Path]:
    from juki.jobs.nightly import run_nightly  # noqa: PLC0415 - only the bases need the nightly job

    return {day: Path(run_nightly(str(SAMPLE / f"juki_daicho_{day}.dat"), day, workdir).dir)
            for day in ("20260401", "20260402", "20260403")}


def _write_configs(out: Path) -> list[Path]:
    """The sample city's configuration without its 代替文字 table (validation does not use it), and a strict twin."""
    text = (SAMPLE / "city.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^daitai_moji = .*\n", "", text)
    if "strict = false" not in text:
        raise ValueError("sample_data/city.toml no longer says `strict = false` under [juminhyo_code]")
    out.mkdir(parents=True, exist_ok=True)
    (out / CONFIG).write_text(text, encoding="utf-8")
    (out / STRICT).write_text(text.replace("strict = false", "strict = true"), encoding="utf-8")
    return [out / CONFIG, out / STRICT]


def _write(path: Path, layout: Layout, df: pl.DataFrame, header: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encode(layout, df, header))
    return path


def _encode(layout: Layout, df: pl.DataFrame, header: dict) -> bytes:
    buf = io.BytesIO()
    write_records(buf, layout, df, header)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------- defects


def build_defects(bases: Path, out: Path) -> list[Path]:
    """Every file of the table (and many-defects.dat of each layout), from ``bases``/<layout>/clean.dat."""
    written = []
    for layout_name in LAYOUTS:
        layout = load_layout(layout_name)
        df, result = read_records(bases / layout_name / CLEAN, layout)
        if result.header["created_on"] != FILE_DATES[layout_name]:
            raise ValueError(f"{layout_name}/{CLEAN} is dated {result.header['created_on']}, the table says "
                             f"{FILE_DATES[layout_name]}")
        entries = defects_of(layout_name)
        for entry in entries:
            written.append(_write_bytes(out / layout_name / entry.name,
                                        plant(layout, df, result.header, [entry])))
        # Schema defects only: a record the codec cannot read is reported by the codec alone (merge_rejects).
        defects = [e for e in entries if e.rule is not None and isinstance(e.plant, Edit)]
        written.append(_write_bytes(out / layout_name / MANY, plant(layout, df, result.header, defects)))
    return written


def plant(layout: Layout, df: pl.DataFrame, header: dict, entries: list[Defect]) -> bytes:
    """The file ``df`` makes with the defects of ``entries`` planted: edits first, each computed on the clean
    record (the first entry to edit a field of a record wins), then bytes."""
    values: dict[tuple[int, str], object] = {}
    for entry in entries:
        if isinstance(entry.plant, Edit):
            for field_id, value in _values(df, entry.record, entry.plant).items():
                values.setdefault((entry.record, field_id), value)
    for (record, field_id), value in values.items():
        df = df.with_columns(pl.when(pl.col(RECORD_NO) == record).then(pl.lit(value, dtype=df.schema[field_id]))
                             .otherwise(pl.col(field_id)).alias(field_id))
    raw = bytearray(_encode(layout, df.drop(RECORD_NO), header))
    if any(f.id == "content_hash" for f in layout.trailer.fields) and any(isinstance(e.plant, Bytes) for e in entries):
        raise ValueError(f"{layout.name}: the trailer hashes the records; planting bytes would need a new hash")
    stride = layout.record_length + len(layout.terminator_bytes)
    for entry in entries:
        if isinstance(entry.plant, Bytes):
            p = entry.plant
            f = layout.data.field(p.field)
            if len(p.data) > f.width:
                raise ValueError(f"{entry.id}: {len(p.data)} bytes do not fit {p.field}")
            start = (entry.record - 1) * stride + f.offset + (0 if p.at == "start" else f.width - len(p.data))
            raw[start : start + len(p.data)] = p.data
    return bytes(raw)


def _values(df: pl.DataFrame, record: int, e: Edit) -> dict[str, object]:
    """The values an edit sets, worked out on the clean record."""
    row = df.filter(pl.col(RECORD_NO) == record)
    if row.height != 1:
        raise ValueError(f"no record {record} in the base")
    current = row.row(0, named=True)
    values = {}
    for field_id, value in e.values:
        if isinstance(value, From):
            value = df.filter(pl.col(RECORD_NO) == value.record)[field_id].item()
        elif isinstance(value, Same):
            value = current[value.field]
        elif isinstance(value, Changed):
            value = TRANSFORMS[value.how](current[value.of or field_id])
        values[field_id] = value
    return values


def _write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where to write (default: tests/defects)")
    parser.add_argument("--defects", action="store_true", help="only the defect files, from the committed bases")
    args = parser.parse_args(argv)
    bases = [] if args.defects else build_bases(args.out)
    files = build_defects(HERE if args.defects else args.out, args.out)
    print(f"{len(bases)} base file(s), {len(files)} defect file(s) ({len(DEFECTS)} table entries) in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
