"""Write a fixed-width file to an open binary handle: header, data records in batches, trailer.

The writer counts the data records for the trailer and, where the trailer has a ``content_hash`` field, hashes
the data records' bytes for it. Problems (a value too long for its field, a character CP932 cannot carry) are
collected over the whole file and raised together at the end, before the caller commits the output: callers
write through ``storage.atomic_output`` so a rejected write leaves no file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import polars as pl
import pyarrow as pa

from juki.codec.encode import encode_frame, rows
from juki.errors import InputUnusable, RecordsRejected, Where
from juki.layout import Layout, RecordType
from juki.rejects import RejectSink

BATCH_BYTES = 16 << 20  # records per encode call; two batches are in memory (one encoding, one being written)


class RecordWriter:
    """Streams records of one layout into ``handle``; call ``write`` for each batch, then ``close``."""

    def __init__(self, handle: BinaryIO, layout: Layout, header: dict, name: str = "output"):
        self.handle, self.layout, self.name = handle, layout, name
        self.sink = RejectSink()
        self.count = 0
        # The data records' hash, for a trailer that carries one (consistency files): only then is it computed.
        self._digest = hashlib.sha256() if any(f.id == "content_hash" for f in layout.trailer.fields) else None
        self._pool, self._pending = ThreadPoolExecutor(max_workers=1), None
        self._write_one(layout.header, {"layout_version": layout.version, **header}, record_no=1)

    def write(self, df: pl.DataFrame | pa.RecordBatch, progress: Callable[[int], None] | None = None) -> None:
        """Write the rows of a DataFrame, or of an Arrow record batch (as read from Parquet), as data records;
        ``progress`` hears the number of data records written so far, after each batch."""
        columns = df.columns if isinstance(df, pl.DataFrame) else df.schema.names
        missing = [f.id for f in self.layout.data.value_fields if f.id not in columns]
        if missing:
            raise InputUnusable(f"the data lack {len(missing)} column(s) of layout {self.layout.name}: "
                                f"{', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}", Where(file=self.name))
        stride = self.layout.record_length + len(self.layout.terminator_bytes)
        step = max(1, BATCH_BYTES // stride)
        for start in range(0, rows(df), step):
            part = df.slice(start, step)
            records = encode_frame(part, self.layout, self.layout.data, self.count + 2, self.sink)
            self._settle()
            self._pending = self._pool.submit(self._put, records.reshape(-1))
            self.count += rows(part)
            if progress:
                progress(self.count)

    def _put(self, raw) -> None:
        """Hash and write one batch of records (on the writer's thread: hashlib and file writes let go of the
        GIL, so this runs while the next batch is encoded)."""
        if self._digest is not None:
            self._digest.update(raw)
        self.handle.write(raw)

    def _settle(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def close(self, trailer: dict | None = None) -> int:
        self._settle()
        self._pool.shutdown()
        values = {"record_count": self.count, **(trailer or {})}
        if self._digest is not None:
            values["content_hash"] = self._digest.hexdigest()
        self._write_one(self.layout.trailer, values, record_no=self.count + 2)
        if len(self.sink):
            rejects = self.sink.to_frame()
            raise RecordsRejected(f"{rejects['record_no'].n_unique()} record(s) cannot be written as the layout "
                                  f"says ({', '.join(sorted(set(rejects['rule'])))})", rejects, Where(file=self.name))
        return self.count

    def _write_one(self, rt: RecordType, values: dict, record_no: int) -> None:
        self.handle.write(encode_frame(_one_row(rt, values), self.layout, rt, record_no, self.sink).tobytes())


def write_records(handle: BinaryIO, layout: Layout, df: pl.DataFrame, header: dict,
                  trailer: dict | None = None, name: str = "output",
                  progress: Callable[[int], None] | None = None) -> int:
    """Write a whole file: header, every row of ``df`` as a data record, trailer. Returns the data record count."""
    writer = RecordWriter(handle, layout, header, name)
    writer.write(df, progress)
    return writer.close(trailer)


def write_with_header(source, handle: BinaryIO, layout: Layout, header: dict) -> int:
    """Write ``source`` (a file this layout wrote) again under another header: the data records and the trailer
    are copied as bytes, not encoded again. How one set of records goes to two recipients."""
    stride = layout.record_length + len(layout.terminator_bytes)
    sink = RejectSink()
    record = encode_frame(_one_row(layout.header, {"layout_version": layout.version, **header}), layout,
                          layout.header, 1, sink)
    if len(sink):
        raise RecordsRejected("the header cannot be written as the layout says", sink.to_frame())
    handle.write(record.tobytes())
    with open(source, "rb") as src:
        src.seek(stride)
        while chunk := src.read(1 << 24):
            handle.write(chunk)
    return (Path(source).stat().st_size // stride) - 2


def _one_row(rt: RecordType, values: dict) -> pl.DataFrame:
    schema = {f.id: pl.Int64 if f.integer else pl.String for f in rt.value_fields}
    return pl.DataFrame([{f.id: values.get(f.id, f.value) for f in rt.value_fields}], schema=schema, orient="row")
