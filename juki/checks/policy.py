"""What rejects mean for a run: which records they reject, how codec and schema rejects combine, and when a
policy fails the run."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from juki import rejects as rj


@dataclass(frozen=True)
class Policy:
    """When rejects fail a run: more than ``max_rejects`` rejected records, or more than ``max_percent`` %."""

    max_rejects: int | None = 0
    max_percent: float | None = None

    def fails(self, rejected_records: int, records: int) -> bool:
        if self.max_rejects is not None and rejected_records > self.max_rejects:
            return True
        return self.max_percent is not None and records > 0 and 100 * rejected_records / records > self.max_percent


def merge_rejects(codec: pl.DataFrame, schema: pl.DataFrame) -> pl.DataFrame:
    """A record the codec could not read is reported by the codec's reasons alone: its unreadable fields are null
    to the schema, and every rule that reads them (required, 外字数, 項目長 …) would only echo the codec."""
    unread = codec.select("record_no").unique()
    schema = schema.join(unread, on="record_no", how="anti")
    return pl.concat([rj.conform(codec), rj.conform(schema)]).sort("record_no", "offset", "rule")


def rejected_records(rejects: pl.DataFrame) -> int:
    """Records with at least one error (warnings do not reject a record)."""
    return rejects.filter(pl.col("severity") == rj.ERROR)["record_no"].n_unique()
