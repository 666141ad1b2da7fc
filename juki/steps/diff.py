"""Today's 本人確認情報 against the prior snapshot: what changed, why, and in what order.

Keyed on 住民票コード (checked unique and non-null by validation first). A 住民票コード change is one change,
linked through the stable 識別番号: the old code becomes 旧住民票コード. Each change takes its 異動事由 and
異動年月日 from the source record when the source recorded a new 異動 of a kind that fits what happened: a new
person is a 記載, a removal a 消除, a 消除者 back on the register a 記載 (転入 again, 記載の回復) or the 取消 of the
異動 that removed them (転出取消), anything else a 修正. Otherwise the reason is inferred from what changed
(new → 転入/国外からの転入/出生, 消除 → 転出/国外転出, address → 転居 …, dated the business date); a return to the
register is never inferred, and a change that neither explains is rejected, not guessed. Held (処理停止情報,
更新禁止フラグ) and rejected changes keep the person's prior version in the new snapshot, so that nothing unsent is
ever taken as sent.

A 取消 names the notice it undoes (UNDOES: the 更新順番号 of the person's prior version). Whether a change gave
the person a first 個人番号 (NEWLY, for 送付先情報) is read from the person's history: an 異動事由 that can number
someone, and a 個人番号 the prior snapshot never held. docs/DOMAIN.md explains both.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from juki import rejects as rj
from juki.checks.catalogue import rule_for
from juki.codec.reader import RECORD_NO
from juki.errors import InputUnusable
from juki.layout.codes import table
from juki.steps.derive import DEAD, EXPIRED, EXTRA, HELD, honnin_columns

# Items that are bookkeeping of the CS, not facts about the person: a difference in them alone is no change.
BOOKKEEPING = {"jumin_ymd", "kyu_juminhyo_code", "juminhyo_code_shiyo_ymd", "irai_kanri_bango", "sosasha_id",
               "tanmatsu_sosa_id", "koshin_jun_bango", "ijoji_koshin_jun_bango", "koshin_kinshi_flag",
               "yoteisha_flag", "haita_flag", "timestamp"}
# What an inferred reason may be, by the one group of items that changed.
GROUPS = {"転居": ("jusho", "oaza_code", "yubin_bango", "jusho_gaiji_su", "jutei_ymd"),
          "氏名変更": ("shimei", "furigana", "seion_kana", "shimei_gaiji_su"),
          "個人番号の変更": ("kojin_bango",), "世帯変更": ("zokugara",)}
# Items that change along with any of those groups (the 届出日, the 外字 flag of a new name or address).
ALONG = ("todoke_ymd", "gaiji_flag")
SNAPSHOT_COLUMNS = [*honnin_columns(), "shikibetsu_bango"]
KIND, BITMAP, INFERRED, PRIOR_KEY = "change_kind", "henko_komoku", "inferred", "_prior_key"
UNDOES, NEWLY = "torikeshi_koshin_jun_bango", "_newly_numbered"


@dataclass(frozen=True)
class Diff:
    snapshot: pl.DataFrame  # the new snapshot, SNAPSHOT_COLUMNS (see _new_snapshot for its order)
    changes: pl.DataFrame  # one row per accepted change, in 更新順番号 order
    rejects: pl.DataFrame
    held: pl.DataFrame  # record_no, juminhyo_code, change_kind, reason


def baseline(current: pl.DataFrame) -> Diff:
    """The first run: today's persons become the snapshot; no notices (there is nothing to compare with)."""
    gone = pl.col(DEAD) | pl.col(EXPIRED)
    held = current.filter(pl.col(HELD) & ~gone)
    snap = current.filter(~pl.col(HELD) & ~gone).with_columns(pl.lit("0").alias("koshin_kinshi_flag"))
    return Diff(_snapshot(snap), _no_changes(current), rj.empty(), _held(held, "baseline"))


def diff(prior: pl.DataFrame, current: pl.DataFrame, business_date: str, last_seq: int) -> Diff:
    ido = table("ido_jiyu")
    live = current.lazy().filter(~pl.col(DEAD) & ~pl.col(EXPIRED))  # lazy: only what is used of it is gathered
    dead = current.filter(pl.col(DEAD))
    expired = current.filter(pl.col(EXPIRED) & ~pl.col(DEAD)).select("juminhyo_code")
    cols = [c for c in honnin_columns() if c not in BOOKKEEPING]
    keys = _pair_keys(prior, live, cols)
    moving = _moving(prior, live, keys, cols, ido, business_date)
    gone = prior.select("juminhyo_code").join(keys.select(pl.col(PRIOR_KEY).alias("juminhyo_code")),
                                              on="juminhyo_code", how="anti")
    deaths, lost = _deaths(prior.join(gone, on="juminhyo_code", how="semi"), dead, ido)
    lost = lost.join(expired, on="juminhyo_code", how="anti")  # past retention: leaves without a notice
    held_now = pl.col(HELD) | (pl.col("koshin_kinshi_flag_p") == "1").fill_null(False)
    held = moving.filter(held_now)
    rejected = moving.filter(~held_now & pl.col("ido_jiyu").is_null())
    accepted = moving.filter(~held_now & pl.col("ido_jiyu").is_not_null())
    held_deaths = deaths.filter(pl.col(HELD))
    changes = _number(pl.concat([_after(accepted, prior, ido), deaths.filter(~pl.col(HELD))], how="diagonal_relaxed"),
                      last_seq)
    replaced = pl.concat([accepted.select(pl.col(PRIOR_KEY).alias("k")),
                          deaths.filter(~pl.col(HELD)).select(pl.col("juminhyo_code").alias("k")),
                          expired.select(pl.col("juminhyo_code").alias("k"))])
    snapshot = _new_snapshot(prior, replaced, changes)
    held_rows = pl.concat([_held(held, "処理停止情報 or 更新禁止フラグ"), _held(held_deaths, "death")])
    return Diff(snapshot, changes, pl.concat([_unexplained(rejected), _unexplained(lost)]), held_rows)


def _row_hash(cols: list[str]) -> pl.Expr:
    return pl.struct(cols).hash(seed=0)


def _pair_keys(prior: pl.DataFrame, live: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """Keys only, for every one of today's persons: its prior key (by 住民票コード, or by 識別番号 when the code
    changed) and what happened to it. "changed" is decided on a 64-bit hash of the compared items, so that the
    million unchanged rows are never compared column by column; _moving then compares the movers exactly."""
    now = live.select("juminhyo_code", "shikibetsu_bango", _row_hash(cols).alias("_h"), pl.col(HELD)).collect()
    was = prior.select("juminhyo_code", "shikibetsu_bango", _row_hash(cols).alias("_h"))
    _check_keys(now.filter(~pl.col(HELD)), "today's records")  # a held record is never paired with anything
    _check_keys(was, "the prior snapshot")
    now = now.drop(HELD)
    fresh = now.join(was, on="juminhyo_code", how="anti")
    orphans = was.join(now, on="juminhyo_code", how="anti")
    links = fresh.select("shikibetsu_bango", "juminhyo_code").join(
        orphans.select("shikibetsu_bango", pl.col("juminhyo_code").alias("_old")), on="shikibetsu_bango")
    now = now.join(links.select("juminhyo_code", "_old"), on="juminhyo_code", how="left") \
        .with_columns(pl.coalesce("_old", "juminhyo_code").alias(PRIOR_KEY)).drop("_old")
    paired = now.join(was.select(pl.col("juminhyo_code").alias(PRIOR_KEY), pl.col("_h").alias("_h_p"),
                                 pl.lit(True).alias("_known")), on=PRIOR_KEY, how="left")
    return paired.select("juminhyo_code", PRIOR_KEY, pl.when(pl.col("_known").is_null()).then(pl.lit("added"))
                         .when(pl.col("juminhyo_code") != pl.col(PRIOR_KEY)).then(pl.lit("code_changed"))
                         .when(pl.col("_h") != pl.col("_h_p")).then(pl.lit("changed"))
                         .otherwise(pl.lit("unchanged")).alias(KIND))


def _check_keys(frame: pl.DataFrame, what: str) -> None:
    """Keys must be unique and present before a diff: validation rejects (and so holds back) records that are
    not, so this only fails on a broken snapshot or a bug, and then before anything is compared."""
    keys = frame.get_column("juminhyo_code")
    number = keys.cast(pl.Int64, strict=False)  # 11-digit codes: comparing integers is the fast way
    if keys.null_count() or number.null_count() != keys.null_count() or number.is_duplicated().any():
        raise InputUnusable(f"住民票コード in {what} must be present, 11 digits and unique before a diff")


def _moving(prior, live, keys, cols, ido, business_date: str) -> pl.DataFrame:
    """The persons who changed, each beside its prior version, with the items that changed and the reason."""
    keys = keys.filter(pl.col(KIND) != "unchanged")
    was = prior.join(keys.select(pl.col(PRIOR_KEY).alias("juminhyo_code")), on="juminhyo_code", how="semi")
    pairs = live.join(keys.lazy(), on="juminhyo_code").collect().join(
        was.select([pl.col(c).alias(f"{c}_p") for c in SNAPSHOT_COLUMNS]),
        left_on=PRIOR_KEY, right_on="juminhyo_code_p", how="left", coalesce=False)
    differs = {c: pl.col(c).ne_missing(pl.col(f"{c}_p")) for c in cols}
    # Exactly now: a hash that differs for rows that do not would be a bug, and is dropped here.
    pairs = pairs.filter((pl.col(KIND) != "changed") | pl.any_horizontal(*differs.values())).with_columns(
        pl.concat_str([pl.when(differs[c]).then(pl.lit("1")).otherwise(pl.lit("0")) if c in differs
                       else pl.lit("0") for c in honnin_columns()]).alias(BITMAP))
    return _reason(pairs, ido, business_date, differs)


def _reason(pairs: pl.DataFrame, ido, business_date: str, differs: dict) -> pl.DataFrame:
    """異動事由 and 異動年月日 of changed rows: the source's when it recorded a new 異動 of a fitting kind, else
    inferred (dated the business date), else null (unexplained)."""
    kind_of = {r["code"]: r["kind"] for r in ido.rows}
    k = pl.col("ido_jiyu").replace_strict(kind_of, default=None)
    carried = pl.col("ido_jiyu").is_not_null() & pl.col("ido_ymd").is_not_null() & (
        pl.col("ido_jiyu_p").is_null() | pl.col("ido_jiyu").ne_missing(pl.col("ido_jiyu_p"))
        | pl.col("ido_ymd").ne_missing(pl.col("ido_ymd_p")))
    was_removed = (pl.col("record_jokyo_flag_p") == "1").fill_null(False)
    removing = (pl.col("record_jokyo_flag") == "1") & ~was_removed
    restoring = (pl.col("record_jokyo_flag") == "0") & was_removed
    withdraws = [(pl.col("ido_jiyu") == r["code"]) & pl.col("ido_jiyu_p").is_in(r["undoes"].split())
                 for r in ido.rows if r["kind"] == "取消" and r.get("undoes")]
    undo_fits = pl.any_horizontal(*withdraws) if withdraws else pl.lit(False)
    fits = (pl.when(pl.col(KIND) == "added").then(k == "記載").when(removing).then(k == "消除")
            .when(restoring).then((k == "記載") | undo_fits).otherwise(k == "修正"))
    identity = [c for c in differs if c not in ("ido_jiyu", "ido_ymd", *ALONG)]
    only = {reason: pl.any_horizontal(*(differs[c] for c in group))
            & ~pl.any_horizontal(*(differs[c] for c in identity if c not in group))
            for reason, group in GROUPS.items()}
    came_from = pl.col("tennyu_mae_jusho").is_not_null()
    abroad = pl.col("tenshutsu_jusho_code").is_null() & pl.col("tenshutsu_jusho").is_not_null()
    inferred = (pl.when(pl.col(KIND) == "added").then(
        pl.when(came_from & pl.col("tennyu_mae_shichoson_code").is_null()).then(pl.lit(ido.code_of("国外からの転入")))
        .when(came_from).then(pl.lit(ido.code_of("転入"))).otherwise(pl.lit(ido.code_of("出生"))))
        .when(removing).then(pl.when(abroad).then(pl.lit(ido.code_of("国外転出"))).otherwise(pl.lit(ido.code_of("転出"))))
        .when(restoring).then(pl.lit(None, pl.String))
        .when(pl.col(KIND) == "code_changed").then(pl.lit(ido.code_of("住民票コードの変更"))))
    for reason, ok in only.items():
        inferred = inferred.when(ok).then(pl.lit(ido.code_of(reason)))
    use_source = carried & fits.fill_null(False)
    guess = ~carried
    return pairs.with_columns(
        pl.when(use_source).then(pl.col("ido_jiyu")).when(guess).then(inferred).alias("ido_jiyu"),
        pl.when(use_source).then(pl.col("ido_ymd")).otherwise(pl.lit(business_date)).alias("ido_ymd"),
        guess.alias(INFERRED),
    )


def _deaths(gone: pl.DataFrame, dead: pl.DataFrame, ido) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Prior persons missing today: explained when today's file removes them by death, else unexplained."""
    why = dead.select("juminhyo_code", "ido_ymd", RECORD_NO, HELD)
    explained = gone.join(why, on="juminhyo_code", how="inner", suffix="_today").with_columns(
        pl.lit("removed").alias(KIND), pl.lit(ido.code_of("死亡")).alias("ido_jiyu"),
        pl.col("ido_ymd_today").alias("ido_ymd"), pl.lit(False).alias(INFERRED),
        pl.lit(_bitmap(("ido_jiyu", "ido_ymd", "record_jokyo_flag"))).alias(BITMAP)).drop("ido_ymd_today")
    lost = gone.join(why, on="juminhyo_code", how="anti").with_columns(pl.lit(None, pl.Int64).alias(RECORD_NO))
    return explained, lost


def _bitmap(items: tuple[str, ...]) -> str:
    return "".join("1" if c in items else "0" for c in honnin_columns())


def _after(accepted: pl.DataFrame, prior: pl.DataFrame, ido) -> pl.DataFrame:
    """The new version of each changed person, with the history items filled from the prior version, the notice a
    取消 undoes, and whether the change gave a first 個人番号."""
    code_changed = pl.col(KIND) == "code_changed"
    withdrawal = pl.col("ido_jiyu").is_in(ido.codes_where("kind", "取消"))
    numbering = pl.col("ido_jiyu").is_in(ido.codes_where("numbers", "1"))
    known = prior.get_column("kojin_bango").drop_nulls().implode()
    first_number = (numbering & pl.col("kojin_bango").is_not_null()
                    & pl.col("kojin_bango").ne_missing(pl.col("kojin_bango_p")) & ~pl.col("kojin_bango").is_in(known))
    return accepted.with_columns(
        pl.coalesce("jumin_ymd", "jumin_ymd_p").alias("jumin_ymd"),
        pl.when(code_changed).then(pl.col("juminhyo_code_p")).otherwise(pl.col("kyu_juminhyo_code_p"))
        .alias("kyu_juminhyo_code"),
        pl.when(code_changed).then(pl.col("ido_ymd")).otherwise(pl.col("juminhyo_code_shiyo_ymd_p"))
        .alias("juminhyo_code_shiyo_ymd"),
        pl.coalesce("koshin_kinshi_flag_p", pl.lit("0")).alias("koshin_kinshi_flag"),
        pl.when(withdrawal).then(pl.col("koshin_jun_bango_p")).alias(UNDOES),
        first_number.fill_null(False).alias(NEWLY),
    )


def _number(changes: pl.DataFrame, last_seq: int) -> pl.DataFrame:
    """更新順番号: in the order the changes happened (異動年月日), continuing from the last run."""
    changes = changes.sort("ido_ymd", "juminhyo_code")
    return changes.with_columns((pl.int_range(1, changes.height + 1, dtype=pl.Int64) + last_seq)
                                .alias("koshin_jun_bango"))


def _new_snapshot(prior: pl.DataFrame, replaced: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """The prior snapshot without the persons whose accepted change replaces them (or whose death or expiry
    removes them), then their new versions in 住民票コード order: everyone else, held and rejected ones
    included, stays as sent, where it was. (Re-sorting a million rows for the few that changed would cost more
    than the rest of the diff; the order is the same for the same inputs, and the consistency files sort.)"""
    kept = prior.filter(~pl.col("juminhyo_code").is_in(replaced["k"].implode()))
    applied = _snapshot(changes.filter(pl.col(KIND) != "removed"))
    return pl.concat([kept.select(SNAPSHOT_COLUMNS), applied])


def _snapshot(df: pl.DataFrame) -> pl.DataFrame:
    return df.select(SNAPSHOT_COLUMNS).sort("juminhyo_code")


def _held(df: pl.DataFrame, reason: str) -> pl.DataFrame:
    kind = pl.col(KIND) if KIND in df.columns else pl.lit("baseline")
    return df.select(pl.col(RECORD_NO), pl.col("juminhyo_code"), kind.alias(KIND), pl.lit(reason).alias("reason"))


def _unexplained(df: pl.DataFrame) -> pl.DataFrame:
    return rule_for("ido.unexplained").rejects(df, "ido_jiyu", key="juminhyo_code")


def _no_changes(current: pl.DataFrame) -> pl.DataFrame:
    return current.head(0).with_columns(pl.lit("").alias(KIND), pl.lit("").alias(BITMAP),
                                        pl.lit(None, pl.Int64).alias(UNDOES), pl.lit(False).alias(NEWLY))


__all__ = ["Diff", "baseline", "diff", "SNAPSHOT_COLUMNS", "EXTRA", "NEWLY", "UNDOES"]
