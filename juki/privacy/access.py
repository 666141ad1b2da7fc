"""Reading the snapshot by hand, as the seed's risk measures allow (III リスク対策).

- Lookup needs at least two of the identity items other than 性別 (氏名 + 住所, or 氏名 + 生年月日 …); 性別 may
  narrow a search but never counts. The 個人番号 is masked unless shown with an approval reference.
- Bulk output (extract) only with prior approval: who approved and the reference go into the run log.
Both read the newest nightly snapshot (or that of a given date), checked against its manifest.
An item or an approval made only of spaces (ASCII or full-width) is no item and no approval: it is refused, named.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import polars as pl

from juki.checks.rules import seion_kana, seion_kana_expr
from juki.errors import UsageError, Where
from juki.jobs import publish as jobs
from juki.jobs.workdir import existing

COUNTING = ("name", "address", "birth")  # 性別 does not count (docs/DOMAIN.md, 評価書 III)
MASK = "*" * 12


def blank(text: str | None) -> bool:
    """Given, but nothing in it once spaces are trimmed (ASCII and full-width alike)."""
    return text is not None and not text.strip(" \t\u3000")


def required(option: str, text: str | None, why: str) -> str:
    """An approval or a name the run log records: present and not blank, or a refusal naming the option."""
    if text is None:
        raise UsageError(f"{option} is missing: {why}")
    if blank(text):
        raise UsageError(f"{option} is blank (only spaces): {why}")
    return text.strip(" \t\u3000")


def snapshot(workdir, business_date: str | None = None) -> tuple[str, pl.DataFrame]:
    wd = existing(workdir)
    runs = wd.manifests("nightly")
    if business_date:
        runs = [m for m in runs if m.business_date == business_date]
    if not runs:
        what = f"for {business_date}" if business_date else "yet"
        raise UsageError(f"no nightly snapshot {what}", Where(file=str(wd.root)))
    return runs[-1].business_date, jobs.load_snapshot(Path(runs[-1].dir))


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "")


def _plain_expr(e: pl.Expr) -> pl.Expr:
    """The column twin of _plain: NFKC (full-width letters and digits become half-width), no spaces."""
    return e.str.normalize("NFKC").str.replace_all(r"[ \u3000]", "")


def lookup(snap: pl.DataFrame, name: str | None = None, address: str | None = None, birth: str | None = None,
           sex: str | None = None) -> pl.DataFrame:
    items = {"name": name, "address": address, "birth": birth}
    given = [k for k, v in items.items() if v and not blank(v)]
    empty = [f"--{k} is blank" for k, v in items.items() if blank(v)]
    if len(given) < 2:
        raise UsageError("a lookup needs at least two of --name, --address, --birth (性別 does not count); "
                         f"given: {', '.join(given) or 'none'}" + (f" ({', '.join(empty)})" if empty else ""))
    if empty or blank(sex):
        raise UsageError(f"{', '.join(empty) or '--sex is blank'} (only spaces): give a value or leave it out")
    if birth and not (len(birth.replace("-", "")) == 8 and birth.replace("-", "").isdigit()):
        raise UsageError("--birth must be a date written YYYY-MM-DD")
    conditions = []
    if name:
        conditions.append((_plain_expr(pl.col("shimei")) == _plain(name))
                          | (seion_kana_expr(pl.col("furigana")) == seion_kana(name)))
    if address:
        conditions.append(_plain_expr(pl.col("jusho")).str.starts_with(_plain(address)))
    if birth:
        conditions.append(pl.col("seinengappi") == birth.replace("-", ""))
    if sex:
        conditions.append(pl.col("seibetsu") == {"男": "1", "女": "2"}.get(sex, sex))
    return snap.filter(pl.all_horizontal(conditions)).sort("juminhyo_code")


def masked(found: pl.DataFrame) -> pl.DataFrame:
    return found.with_columns(pl.when(pl.col("kojin_bango").is_not_null()).then(pl.lit(MASK)).alias("kojin_bango"))


def extract(snap: pl.DataFrame, dantai: str | None = None, address_prefix: str | None = None) -> pl.DataFrame:
    """A subset of the snapshot for a bulk output: by 市町村コード and/or 住所 prefix."""
    conditions = [pl.lit(True)]
    if dantai:
        conditions.append(pl.col("shichoson_code") == dantai)
    if address_prefix:
        conditions.append(_plain_expr(pl.col("jusho")).str.starts_with(_plain(address_prefix)))
    return snap.filter(pl.all_horizontal(conditions)).sort("juminhyo_code")
