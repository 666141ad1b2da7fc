"""Fixed width ⇄ Parquet, streamed, for `juki parse` and `juki write`.

Parquet files made here carry the header values, the trailer's own values (those the writer does not compute:
the change notices' first and last 更新順番号, not the count or the content hash) and the layout (name, version,
hash) in their key-value metadata, so that `juki write` reproduces the original file byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl
import pyarrow.parquet as pq

from juki import storage
from juki.codec.reader import ReadResult, scan_batches
from juki.codec.writer import RecordWriter
from juki.layout import Layout

META_KEY = b"juki"
BATCH_ROWS = 4_096


@dataclass(frozen=True)
class Converted:
    records: int
    rejects: pl.DataFrame
    output_sha256: str
    input_sha256: str | None = None


COMPUTED = ("record_count", "content_hash")  # trailer values the writer works out from the records it writes


def layout_meta(layout: Layout, header: dict, trailer: dict | None = None) -> dict:
    own = {k: v for k, v in (trailer or {}).items() if k not in COMPUTED}
    return {"layout": layout.name, "version": layout.version, "content_hash": layout.content_hash, "header": header,
            "trailer": own}


def parse_to_parquet(location, layout: Layout, out, progress: Callable[[ReadResult], None] | None = None
                     ) -> Converted:
    """Stream a fixed-width file into Parquet, one row group per batch; memory stays at one batch."""
    result = ReadResult()
    name = storage.display_name(location)
    with storage.open_input(location) as raw, storage.atomic_output(out) as sink:
        handle = storage.HashingReader(raw)
        writer, pending = None, None
        # Parquet is written on a thread of its own (pyarrow lets go of the GIL) while the next batch is decoded:
        # one batch in flight, so memory stays at about two batches.
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            for batch in scan_batches(handle, layout, name, result=result, progress=progress):
                # The trailer is read last: the metadata is written with the footer, on close, so it goes in then.
                writer = writer or pq.ParquetWriter(sink, batch.schema)
                if pending is not None:
                    pending.result()
                pending = pool.submit(writer.write_batch, batch)
            if pending is not None:
                pending.result()
            if writer is None:  # a file with no data records still gets a Parquet file with the columns
                writer = pq.ParquetWriter(sink, pl.DataFrame(schema=_empty_schema(layout)).to_arrow().schema)
            writer.add_key_value_metadata(_meta(layout, result.header, result.trailer))
        finally:
            pool.shutdown(wait=True)  # a batch still being written is done before the writer closes
            if writer is not None:  # also on failure, before the temporary output is discarded
                writer.close()
    return Converted(result.data_records, result.rejects.to_frame(), sink.sha256, handle.sha256)


def _meta(layout: Layout, header: dict, trailer: dict) -> dict:
    return {META_KEY: json.dumps(layout_meta(layout, header, trailer), ensure_ascii=False)}


def _empty_schema(layout: Layout) -> dict:
    return {"record_no": pl.Int64} | {f.id: pl.Int64 if f.integer else pl.String for f in layout.data.value_fields}


def read_parquet_meta(path) -> dict:
    """The file's juki metadata: in the footer's key-value metadata (or, in files of older versions, the schema's)."""
    meta = {**(pq.read_schema(str(path)).metadata or {}), **(pq.ParquetFile(str(path)).metadata.metadata or {})}
    return json.loads(meta[META_KEY]) if META_KEY in meta else {}


def write_from_parquet(path, layout: Layout, out, header: dict | None = None) -> Converted:
    """Write a Parquet file (from `juki parse`, or with the layout's columns) as fixed width, in file order.

    Streams row groups, so memory stays at one batch whatever the file size.
    """
    meta = read_parquet_meta(path)
    values = {**meta.get("header", {}), **(header or {})}
    trailer = {k: v for k, v in meta.get("trailer", {}).items() if k not in COMPUTED}
    source = pq.ParquetFile(str(path))
    with storage.atomic_output(out) as sink:
        writer = RecordWriter(sink, layout, values, name=storage.display_name(out))
        for batch in source.iter_batches(batch_size=BATCH_ROWS):
            writer.write(batch)  # Arrow straight to the encoder: no DataFrame in between
        count = writer.close(trailer)
    return Converted(count, pl.DataFrame(), sink.sha256)
