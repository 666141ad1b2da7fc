"""What each report shows, built from the run's record (and the rejects file beside it): facts, tables, the chart
and what to do next, in Japanese. Counts, rule identifiers, field names and record numbers only."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from juki.dates import now_utc
from juki.errors import JukiError
from juki.jobs.manifest import code_version, operator
from juki.jobs.record import ConsistencyRecord, FailedRecord, NightlyRecord
from juki.jobs.workdir import Workdir
from juki.reports import labels
from juki.reports.chart import notices_chart
from juki.reports.render import japanese_date

HISTORY = 14  # runs in the nightly chart
FIRST_RECORDS = 5  # record numbers shown per rule
JOB_TITLES = {"nightly": "日次処理（本人確認情報の更新）", "consistency": "整合性確認（年次）"}
LAYOUTS = ("juki_daicho", "honnin_kakunin", "sofusaki")  # where the nightly job's rejects name their fields


@dataclass
class Table:
    heading: str
    columns: list[str]
    rows: list[list]
    note: str = ""
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    keep: set[int] = field(default_factory=set)  # columns kept on one line


def _page(title: str, job: str, record, ok: bool, verdict: str, next_steps: list[str], **extra) -> dict:
    return {"title": title, "job": job, "business_date": record.business_date, "finished_at": record.finished_at,
            "operator": record.operator, "code_version": record.code_version, "ok": ok, "verdict": verdict,
            "next_steps": next_steps or ["対応は不要です。"], "rerun": record.rerun, "chart": None,
            "chart_note": "", "tables": [], "facts": []} | extra


# -- rejects ------------------------------------------------------------------------------------------------------
def read_rejects(path: Path) -> pl.DataFrame | None:
    if not path.is_file():
        return None
    text = path.read_bytes().decode("utf-8-sig")
    return pl.read_csv(io.StringIO(text), schema_overrides={"record_no": pl.Int64, "field": pl.String})


def _field_label(field_id: str | None, layouts: tuple[str, ...]) -> str:
    for layout in layouts:
        name = labels.field(layout, field_id)
        if name != field_id:
            return name
    return labels.field(layouts[0], field_id)


def rules_table(rejects: pl.DataFrame | None, layouts: tuple[str, ...], heading: str = "規則ごとの件数") -> Table:
    rows = []
    if rejects is not None and rejects.height:
        grouped = rejects.group_by("rule", "severity").agg(
            pl.len().alias("count"), pl.col("record_no").n_unique().alias("records"),
            pl.col("field").drop_nulls().unique().sort().head(3).alias("fields"),
            pl.col("record_no").drop_nulls().unique().sort().head(FIRST_RECORDS).alias("first"),
        ).sort(["count", "rule"], descending=[True, False])
        for r in grouped.iter_rows(named=True):
            rows.append([r["rule"], labels.rule(r["rule"]), labels.SEVERITY.get(r["severity"], r["severity"]),
                         r["count"], r["records"], "、".join(_field_label(f, layouts) for f in r["fields"]) or "—",
                         "、".join(str(n) for n in r["first"]) or "—"])
    return Table(heading, ["規則ID", "内容", "重大度", "件数", "レコード数", "項目", "レコード番号（先頭）"], rows,
                 "値は載せていません。レコード番号と項目は rejects.csv にあります。", {3, 4}, {0, 2})


# -- nightly ------------------------------------------------------------------------------------------------------
def _by_reason(m: NightlyRecord) -> dict[str, int]:
    counts = dict(m.notices_by_ido_jiyu)
    missing = m.notices - sum(counts.values())
    if missing > 0:  # a record written before the breakdown was kept
        counts["?"] = missing
    return counts


def _history(record: NightlyRecord) -> list[NightlyRecord]:
    try:
        past = [m for m in Workdir(record.run.workdir).manifests("nightly")
                if isinstance(m, NightlyRecord) and m.business_date != record.business_date]
    except JukiError:  # a manifest that does not fit: the chart shows this run alone
        past = []
    return sorted([*past, record], key=lambda m: m.business_date)[-HISTORY:]


def nightly(record: NightlyRecord, folder: Path) -> dict:
    rejects = read_rejects(folder / "rejects.csv")
    day = record.business_date
    notices, sofu = record.outputs.get("koshin_tsuchi"), record.outputs.get("sofusaki")
    steps = []
    if record.baseline:
        steps.append("初回の実行です。基準となるスナップショットを作成しました（異動通知は送付しません）。")
    if record.held:
        steps.append(f"{record.held:,} 名を保留しました: held.csv を確認してください（処理停止・誤りのある記録は"
                     "前回の内容のまま送付しません）。")
    if record.read.input_rejects:
        steps.append(f"{record.read.input_rejects:,} 件のレコードに誤りがあります: rejects.csv の規則とレコード番号を"
                     "確認し、既存住基システムで修正してください。")
    if record.notices and notices:
        steps.append(f"{notices.file}（異動通知 {record.notices:,} 件）を都道府県サーバへ送付してください。")
    if record.sofusaki_records and sofu:
        steps.append(f"{sofu.file}（送付先情報 {record.sofusaki_records:,} 件）を J-LIS へ送付してください。")
    if record.notices or record.sofusaki_records:
        steps.append("送付先（JUKI_OUTBOX）を設定している場合は、送付は自動で行われています。")
    seq = record.sequence
    facts = [("読み込んだレコード数", record.read.records), ("誤りのあったレコード数", record.read.input_rejects),
             ("保留した人数（held.csv）", record.held), ("異動通知（本人確認情報の更新情報）", record.notices),
             ("送付先情報", record.sofusaki_records),
             ("更新順番号", f"{seq.first:,}～{seq.last:,}" if seq.first is not None
              else f"送付なし（最終 {seq.last:,}）"),
             ("スナップショットのレコード数", record.snapshot_records)]
    kinds = Table("変更の種類ごとの人数", ["種類", "人数"],
                  [[labels.change_kind(k), n] for k, n in sorted(record.changes.items())], numeric={1})
    reasons = Table("異動事由ごとの異動通知", ["コード", "異動事由", "件数"],
                    [[c, labels.ido_jiyu(c), n] for c, n in sorted(record.notices_by_ido_jiyu.items())], numeric={2})
    runs = [m for m in _history(record) if not m.baseline]
    names = labels.ido_jiyu_names() | {"?": "内訳の記録なし"}
    chart = notices_chart([(m.business_date, _by_reason(m)) for m in runs], names)
    verdict = "完了しました" + ("（初回: 基準の作成）" if record.baseline else "")
    return _page(f"日次処理 {japanese_date(day)}", "nightly", record, True, verdict, steps, facts=facts,
                 tables=[kinds, reasons, rules_table(rejects, LAYOUTS), _outputs(record)], chart=chart,
                 chart_note=f"直近 {len(runs)} 回の実行（初回を除く）: 日ごとの異動通知の件数を異動事由で色分け"
                 if chart else "グラフは2回目の実行から表示されます。", input=record.read.input)


def _outputs(record) -> Table:
    recipients = {"koshin_tsuchi": "都道府県サーバ（異動通知）", "sofusaki": "J-LIS（送付先情報）",
                  "todofuken": "都道府県（整合性確認用）", "jlis": "J-LIS（整合性確認用）"}
    return Table("出力ファイル", ["ファイル", "送付先", "件数", "SHA-256"],
                 [[o.file, recipients.get(k, k), o.records, o.sha256.removeprefix("sha256:")]
                  for k, o in record.outputs.items()], numeric={2})


# -- consistency, failed --------------------------------------------------------------------------------------------
def consistency(record: ConsistencyRecord) -> dict:
    files = {k: o.file for k, o in record.outputs.items()}
    steps = [f"{files.get('todofuken', '')} を都道府県へ、{files.get('jlis', '')} を J-LIS へ送付してください。",
             "返送されたファイルは juki reconcile で照合します（違いがあれば照合結果の報告書に出ます）。"]
    facts = [("各ファイルのレコード数", record.records),
             ("もとにしたスナップショット", f"{japanese_date(record.business_date)} の日次処理")]
    return _page(f"整合性確認 {japanese_date(record.business_date)}", "consistency", record, True, "完了しました",
                 steps, facts=facts, tables=[_outputs(record)], input=record.read.input)


# A failed run's kind: (what happened, what to do). A run refused before it starts (another one in progress, a date
# older than the last) leaves no failed run: its one line is all there is.
FAILURES = {
    "late": ("入力ファイルが期限までに届きませんでした。",
     "既存住基システムがその日のファイルを出力したか確認し、届いたら同じ業務日付で日次処理を実行してください"
     "（Prefect の nightly で Run、または juki nightly --date）。"),
    "rejected": ("誤りのあるレコードが許容数を超えたため、何も送付していません。",
     "このフォルダの rejects.csv で規則とレコード番号を確認し、既存住基システムで修正したファイルで"
     "再実行してください。"),
}


def failed(record: FailedRecord, folder: Path) -> dict:
    what, todo = FAILURES.get(record.kind, ("処理を中止しました。",
                                            "下の詳細を確認し、原因を取り除いてから同じ業務日付で再実行してください。"))
    rejects = read_rejects(folder / "rejects.csv")
    tables = [rules_table(rejects, LAYOUTS)] if rejects is not None else []
    title = f"{JOB_TITLES.get(record.job, record.job)}の失敗 {japanese_date(record.business_date)}"
    return _page(title, "failed", record, False, what, [todo], error=record.error, tables=tables,
                 facts=[("処理", JOB_TITLES.get(record.job, record.job))])


# -- validate, reconcile (commands, not runs) ---------------------------------------------------------------------
@dataclass(frozen=True)
class Command:
    """What a command's report shows in its header (it has no run record)."""

    business_date: str | None
    finished_at: str
    operator: str
    code_version: str
    rerun: None = None


def command(business_date: str | None = None) -> Command:
    """The header of a command's report: now, who, which code."""
    valid = business_date if business_date and len(business_date) == 8 and business_date.isdigit() else None
    return Command(valid, now_utc(), operator(), code_version())


def validate(*, command: Command, file: str, layout, records: int, rejects: pl.DataFrame, failed: bool) -> dict:
    bad = rejects["record_no"].n_unique() if rejects.height else 0
    warnings = int((rejects["severity"] == "warning").sum()) if rejects.height else 0
    steps = ([f"{bad:,} 件のレコードに誤りがあります: rejects.csv の規則とレコード番号を確認し、既存住基システムで"
              "修正したファイルを作り直してください。"] if failed else [])
    if warnings and not failed:
        steps.append(f"警告が {warnings:,} 件あります（処理は止まりません）: 内容を確認してください。")
    facts = [("ファイル", file), ("ファイル様式", f"{layout.title}（{layout.name} 版 {layout.version}）"),
             ("レコード数", records), ("誤りのあったレコード数", bad), ("警告の件数", warnings)]
    return _page(f"検証結果 {layout.title}", "validate", command, not failed,
                 "誤りがあります: このファイルは使えません" if failed else "問題はありません", steps, facts=facts,
                 tables=[rules_table(rejects, (layout.name,))])


RECONCILE_KINDS = {
    "only_ours": ("こちらにだけある", "こちらの本人確認情報にあり、返送分にない記録です（相手が反映していない通知か、"
                                     "相手が消した人）。"),
    "only_theirs": ("返送分にだけある", "返送分にあり、こちらにない記録です（こちらで消除した人を相手が"
                                       "まだ持っている）。"),
    "differs": ("内容が違う", "両方にあり、下の項目の値が違う記録です（どちらかが変更を反映していない）。"),
}


def reconcile(*, command: Command, ours: str, theirs: str, result, layout: str) -> dict:
    counts = result.counts()
    rows = [[RECONCILE_KINDS[k][0], n, RECONCILE_KINDS[k][1]] for k, n in counts.items()]
    by_field = [[labels.field(layout, f), f, n] for f, n in sorted(result.by_field.items())]
    steps = [] if result.agree else [
        "discrepancies.csv に住民票コードごとの違いの種類と項目があります（値は載せていません）: 都道府県・J-LIS と"
        "確認し、反映漏れの側を直してください。"]
    facts = [("こちら", ours), ("返送分", theirs), ("こちらのレコード数", result.ours),
             ("返送分のレコード数", result.theirs)]
    return _page("整合性確認の照合結果", "reconcile", command, result.agree,
                 "一致しました" if result.agree else "違いがあります", steps, facts=facts, tables=[
                     Table("違いの種類", ["種類", "レコード数", "意味"], rows, numeric={1}, keep={0}),
                     Table("値が違う項目", ["項目", "項目ID", "レコード数"], by_field, numeric={2})])
