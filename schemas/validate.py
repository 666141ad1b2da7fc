"""Validation: every record checked against its layout's pandera schema; every failure a reject row.

pandera runs lazily over the whole frame and collects every failure, not the first. Its failure cases carry the
failing values, which are residents' data: we keep only where (row → record number, column → field) and which
check (→ rule identifier), and drop the values at once; the SchemaErrors text, which quotes them, is never
printed. A policy then decides whether the run fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context

from juki import rejects as rj
from juki.checks.catalogue import rejects_where
from juki.checks.context import Context
from juki.checks.policy import merge_rejects, rejected_records
from juki.codec.reader import RECORD_NO
from juki.errors import InputUnusable, Where
from juki.layout import Layout
from juki.progress import Progress, silent
from juki.schemas import schema_for

# pandera's own names for its built-in checks, as our rule identifiers
_BUILTIN = {"not_nullable": "required", "field_uniqueness": "unique"}


def validate_frame(df: pl.DataFrame, layout: Layout, context: Context = Context(),  # noqa: B008 - frozen
                   juminhyo_strict: bool = False, name: str = "data", only: list[str] | None = None) -> pl.DataFrame:
    """Reject rows (SCHEMA of juki.rejects) for every rule a record of ``df`` breaks; empty when all is well.

    ``only``: the fields the frame was read with (a job that decodes part of a record validates that part)."""
    schema = schema_for(layout, context)
    if only is not None:
        schema = schema.remove_columns([c for c in schema.columns if c not in set(only)])
    try:
        with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
            schema.validate(df, lazy=True)
        return rj.empty()
    except pa.errors.SchemaErrors as e:
        cases = e.failure_cases.drop("failure_case")  # the values: never kept
    structural = cases.filter(pl.col("index").is_null())
    if structural.height:
        row = structural.row(0, named=True)
        raise InputUnusable(f"the data do not have the layout's columns and types ({row['check']})",
                            Where(file=name, field=row["column"])) from None
    offsets = {f.id: f.offset for f in layout.data.value_fields}
    record_nos = df.get_column(RECORD_NO) if RECORD_NO in df.columns else pl.Series(range(2, df.height + 2))
    found = pl.DataFrame({
        "record_no": record_nos.gather(cases["index"]).cast(pl.Int64),
        "field": cases["column"],
        "offset": cases["column"].replace_strict(offsets, default=None, return_dtype=pl.Int64),
        "rule": [_rule_id(c) for c in cases["check"].to_list()],
    })
    strict = frozenset({"juminhyo_code.check_digit"} if juminhyo_strict else ())
    return rejects_where(found, strict).unique().sort("record_no", "offset", "rule")


def _rule_id(check: str) -> str:
    """Checks are named by their rule identifiers; pandera's own checks are mapped to ours."""
    name = check.split("(", 1)[0]
    return _BUILTIN.get(name, name)


def check_record(view, layout: Layout, context: Context = Context()) -> None:  # noqa: B008 - frozen
    """Run a data record's rules on one record of `juki inspect` (a ``RecordView``): each problem found goes to
    its field's list as the clerk's words and the rule identifier. A field the codec could not read is left to
    the codec's own message (every rule reading it would only echo it)."""
    if view.role != "data":
        return
    by_id = {f.id: f for f in view.fields}
    schema = {f.id: pl.Int64 if f.integer else pl.String for f in layout.data.value_fields}
    row = {k: by_id[k].value if k in by_id else None for k in schema}
    frame = pl.DataFrame([row], schema=schema, orient="row").with_columns(
        pl.lit(view.record_no, pl.Int64).alias(RECORD_NO))
    for r in validate_frame(frame, layout, context, name="record").iter_rows(named=True):
        target = by_id.get(r["field"]) or view.fields[0]
        if target.problems and r["field"] is not None:
            continue
        target.problems.append(f"{r['message']} [{r['rule']}]" + (" (warning)" if r["severity"] != "error" else ""))


@dataclass(frozen=True)
class FileValidation:
    records: int
    rejects: pl.DataFrame
    header: dict

    @property
    def rejected_records(self) -> int:
        return rejected_records(self.rejects)


def validate_file(location, layout: Layout, juminhyo_rule=None, juminhyo_strict: bool = False,
                  progress: Progress = silent, seion=None) -> FileValidation:
    """Parse a file and validate every record: codec rejects and schema rejects together."""
    from juki import storage  # noqa: PLC0415
    from juki.codec.reader import read_records  # noqa: PLC0415

    size = storage.size_of(location)
    df, result = read_records(location, layout, progress=lambda r: progress("read", r.bytes_read, size, "bytes"))
    progress("read", result.bytes_read, result.bytes_read, "bytes")
    context = Context(file_date=result.header.get("created_on"),
                      **({"juminhyo_rule": juminhyo_rule} if juminhyo_rule else {}),
                      **({"seion": seion} if seion else {}))
    progress("validate", 0, df.height)
    schema_rejects = validate_frame(df, layout, context, juminhyo_strict, storage.display_name(location))
    progress("validate", df.height, df.height)
    return FileValidation(df.height, merge_rejects(result.rejects.to_frame(), schema_rejects), result.header)
