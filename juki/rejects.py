"""Reject rows: errors as data.

A reject says where (record number, field, byte offset) and which rule, with a message written for a clerk.
It never holds the field's value: rejects are written to files, counted in reports and printed in logs, and the
values are residents' personal data. Every stage (codec, schema, domain rules, diff) reports through this shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

SCHEMA = {
    "record_no": pl.Int64,
    "field": pl.String,
    "offset": pl.Int64,
    "rule": pl.String,
    "severity": pl.String,
    "message": pl.String,
    "key": pl.String,  # the 住民票コード, only where no record number can say which person (never another value)
}
ERROR, WARNING = "error", "warning"


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame of rejects in SCHEMA's column order and types (a missing ``key`` is null)."""
    if "key" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("key"))
    return frame.select(list(SCHEMA)).cast(SCHEMA)


@dataclass
class RejectSink:
    """Collects reject rows from code that finds them one at a time (the rare, slow paths)."""

    rows: list[tuple] = field(default_factory=list)
    frames: list[pl.DataFrame] = field(default_factory=list)

    def add(self, record_no: int, field_id: str | None, offset: int | None, rule: str, message: str,
            severity: str = ERROR) -> None:
        self.rows.append((int(record_no), field_id, None if offset is None else int(offset), rule, severity, message,
                          None))

    def add_frame(self, frame: pl.DataFrame) -> None:
        """Add rejects found in bulk (already in SCHEMA's shape)."""
        if frame.height:
            self.frames.append(conform(frame))

    def __len__(self) -> int:
        return len(self.rows) + sum(f.height for f in self.frames)

    def to_frame(self) -> pl.DataFrame:
        parts = [pl.DataFrame(self.rows, schema=SCHEMA, orient="row")] if self.rows else []
        out = pl.concat([*parts, *self.frames]) if parts or self.frames else empty()
        return out.sort("record_no", "offset", "rule", nulls_last=True)


def summarize(rejects: pl.DataFrame) -> pl.DataFrame:
    """Counts per rule and severity, for the summary table and the report."""
    return (
        rejects.group_by("rule", "severity")
        .agg(pl.len().alias("count"), pl.col("record_no").n_unique().alias("records"))
        .sort("count", "rule", descending=[True, False])
    )
