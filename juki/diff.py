"""Today's 本人確認情報 against the prior snapshot: what changed, why, and in what order.

Keyed on 住民票コード (checked unique and non-null by validation first). A 住民票コード change is one change,
linked through the stable 識別番号: the old code becomes 旧住民票コード. Each change takes its 異動事由 and
異動年月日 from the source record when the source recorded a new 異動; otherwise the reason is inferred from
what changed (new → 転入/出生, 消除 → 転出, address → 転居 …, dated the business date), and a change that
neither explains is rejected, not guessed. Held (処理停止情報, 更新禁止フラグ) and rejected changes keep the
person's prior version in the new snapshot, so that nothing unsent is ever taken as sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from juki import rejects as rj
from juki.codes import table
from juki.derive import DEAD, EXPIRED, EXTRA, HELD, honnin_columns
from juki.reader import RECORD_NO
from juki.schemas.catalogue import rule_for

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


@dataclass(frozen=True)
class Diff:
    snapshot: pl.DataFrame  # the new snapshot, SNAPSHOT_COLUMNS, sorted by 住民票コード
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
    live = current.filter(~pl.col(DEAD) & ~pl.col(EXPIRED))
    dead = current.filter(pl.col(DEAD))
    expired = current.filter(pl.col(EXPIRED) & ~pl.col(DEAD)).select("juminhyo_code")
    pairs = _pair(prior, live)
    cols = [c for c in honnin_columns() if c not in BOOKKEEPING]
    differs = {c: pl.col(c).ne_missing(pl.col(f"{c}_p")) for c in cols}
    pairs = pairs.with_columns(
        pl.when(pl.col("juminhyo_code_p").is_null()).then(pl.lit("added"))
        .when(pl.col("juminhyo_code") != pl.col("juminhyo_code_p")).then(pl.lit("code_changed"))
        .when(pl.any_horizontal(*differs.values())).then(pl.lit("changed"))
        .otherwise(pl.lit("unchanged")).alias(KIND))
    unchanged = pairs.filter(pl.col(KIND) == "unchanged").select(PRIOR_KEY)
    # The rest of the work concerns the few that changed (about 1 % a night).
    moving = pairs.filter(pl.col(KIND) != "unchanged").with_columns(
        pl.concat_str([pl.when(pl.col(c).ne_missing(pl.col(f"{c}_p"))).then(pl.lit("1")).otherwise(pl.lit("0"))
                       if c in differs else pl.lit("0") for c in honnin_columns()]).alias(BITMAP))
    moving = _reason(moving, ido, business_date, differs)
    gone = prior.join(live.select(pl.col("juminhyo_code")), on="juminhyo_code", how="anti") \
        .join(pairs.select(pl.col(PRIOR_KEY).alias("juminhyo_code")), on="juminhyo_code", how="anti")
    deaths, lost = _deaths(gone, dead, ido)
    lost = lost.join(expired, on="juminhyo_code", how="anti")  # past retention: leaves without a notice
    held_now = pl.col(HELD) | (pl.col("koshin_kinshi_flag_p") == "1").fill_null(False)
    held = moving.filter(held_now)
    rejected = moving.filter(~held_now & pl.col("ido_jiyu").is_null())
    accepted = moving.filter(~held_now & pl.col("ido_jiyu").is_not_null())
    held_deaths = deaths.filter(pl.col(HELD))
    changes = _number(pl.concat([_after(accepted), deaths.filter(~pl.col(HELD))], how="diagonal_relaxed"), last_seq)
    keep_prior = pl.concat([held.select(pl.col(PRIOR_KEY).alias("k")), rejected.select(pl.col(PRIOR_KEY).alias("k")),
                            held_deaths.select(pl.col("juminhyo_code").alias("k")),
                            lost.select(pl.col("juminhyo_code").alias("k"))])
    snapshot = _new_snapshot(prior, unchanged, changes, keep_prior)
    held_rows = pl.concat([_held(held, "処理停止情報 or 更新禁止フラグ"), _held(held_deaths, "death")])
    return Diff(snapshot, changes, pl.concat([_unexplained(rejected), _unexplained(lost)]), held_rows)


def _pair(prior: pl.DataFrame, live: pl.DataFrame) -> pl.DataFrame:
    """Each of today's rows beside its prior version: by 住民票コード, or by 識別番号 when the code changed."""
    known = prior.select("juminhyo_code")
    fresh = live.join(known, on="juminhyo_code", how="anti")
    orphans = prior.join(live.select("juminhyo_code"), on="juminhyo_code", how="anti")
    links = fresh.select("shikibetsu_bango", "juminhyo_code").join(
        orphans.select("shikibetsu_bango", pl.col("juminhyo_code").alias("_old")), on="shikibetsu_bango")
    live = live.join(links.select("juminhyo_code", "_old"), on="juminhyo_code", how="left") \
        .with_columns(pl.coalesce("_old", "juminhyo_code").alias(PRIOR_KEY)).drop("_old")
    p = prior.select([pl.col(c).alias(f"{c}_p") for c in SNAPSHOT_COLUMNS])
    return live.join(p, left_on=PRIOR_KEY, right_on="juminhyo_code_p", how="left", coalesce=False)


def _reason(pairs: pl.DataFrame, ido, business_date: str, differs: dict) -> pl.DataFrame:
    """異動事由 and 異動年月日 of changed rows: the source's when it recorded a new 異動 of a fitting kind, else
    inferred (dated the business date), else null (unexplained)."""
    kind_of = {r["code"]: r["kind"] for r in ido.rows}
    k = pl.col("ido_jiyu").replace_strict(kind_of, default=None)
    carried = pl.col("ido_jiyu").is_not_null() & pl.col("ido_ymd").is_not_null() & (
        pl.col("ido_jiyu_p").is_null() | pl.col("ido_jiyu").ne_missing(pl.col("ido_jiyu_p"))
        | pl.col("ido_ymd").ne_missing(pl.col("ido_ymd_p")))
    removing = (pl.col("record_jokyo_flag") == "1") & (pl.col("record_jokyo_flag_p") != "1").fill_null(True)
    fits = (pl.when(pl.col(KIND) == "added").then(k == "記載").when(removing).then(k == "消除")
            .otherwise(k == "修正"))
    identity = [c for c in differs if c not in ("ido_jiyu", "ido_ymd", *ALONG)]
    only = {reason: pl.any_horizontal(*(differs[c] for c in group))
            & ~pl.any_horizontal(*(differs[c] for c in identity if c not in group))
            for reason, group in GROUPS.items()}
    inferred = (pl.when(pl.col(KIND) == "added").then(
        pl.when(pl.col("tennyu_mae_jusho").is_not_null()).then(pl.lit(ido.code_of("転入")))
        .otherwise(pl.lit(ido.code_of("出生"))))
        .when(removing).then(pl.lit(ido.code_of("転出")))
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


def _after(accepted: pl.DataFrame) -> pl.DataFrame:
    """The new version of each changed person, with the history items filled from the prior version."""
    code_changed = pl.col(KIND) == "code_changed"
    return accepted.with_columns(
        pl.coalesce("jumin_ymd", "jumin_ymd_p").alias("jumin_ymd"),
        pl.when(code_changed).then(pl.col("juminhyo_code_p")).otherwise(pl.col("kyu_juminhyo_code_p"))
        .alias("kyu_juminhyo_code"),
        pl.when(code_changed).then(pl.col("ido_ymd")).otherwise(pl.col("juminhyo_code_shiyo_ymd_p"))
        .alias("juminhyo_code_shiyo_ymd"),
        pl.coalesce("koshin_kinshi_flag_p", pl.lit("0")).alias("koshin_kinshi_flag"),
    )


def _number(changes: pl.DataFrame, last_seq: int) -> pl.DataFrame:
    """更新順番号: in the order the changes happened (異動年月日), continuing from the last run."""
    changes = changes.sort("ido_ymd", "juminhyo_code")
    return changes.with_columns((pl.int_range(1, changes.height + 1, dtype=pl.Int64) + last_seq)
                                .alias("koshin_jun_bango"))


def _new_snapshot(prior, unchanged_keys, changes, keep_prior) -> pl.DataFrame:
    """Unchanged persons as they were; accepted changes in their new version; held, rejected and unexplained
    ones in their prior version; the dead gone."""
    unchanged = prior.join(unchanged_keys, left_on="juminhyo_code", right_on=PRIOR_KEY, how="semi")
    kept = prior.join(keep_prior, left_on="juminhyo_code", right_on="k", how="semi")
    applied = changes.filter(pl.col(KIND) != "removed")
    return _snapshot(pl.concat([unchanged, kept, applied.select(SNAPSHOT_COLUMNS)], how="diagonal_relaxed"))


def _snapshot(df: pl.DataFrame) -> pl.DataFrame:
    return df.select(SNAPSHOT_COLUMNS).sort("juminhyo_code")


def _held(df: pl.DataFrame, reason: str) -> pl.DataFrame:
    kind = pl.col(KIND) if KIND in df.columns else pl.lit("baseline")
    return df.select(pl.col(RECORD_NO), pl.col("juminhyo_code"), kind.alias(KIND), pl.lit(reason).alias("reason"))


def _unexplained(df: pl.DataFrame) -> pl.DataFrame:
    rule = rule_for("ido.unexplained")
    return df.select(pl.col(RECORD_NO).cast(pl.Int64).alias("record_no"), pl.lit("ido_jiyu").alias("field"),
                     pl.lit(None, pl.Int64).alias("offset"), pl.lit("ido.unexplained").alias("rule"),
                     pl.lit(rule.severity).alias("severity"), pl.lit(rule.message).alias("message"),
                     pl.col("juminhyo_code").alias("key"))


def _no_changes(current: pl.DataFrame) -> pl.DataFrame:
    return current.head(0).with_columns(pl.lit("").alias(KIND), pl.lit("").alias(BITMAP))


__all__ = ["Diff", "baseline", "diff", "SNAPSHOT_COLUMNS", "EXTRA"]
