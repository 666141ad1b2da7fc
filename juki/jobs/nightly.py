"""The nightly job: 住民基本台帳ファイル → 本人確認情報 snapshot → change notices and 送付先情報.

Steps are plain functions of a ``NightlyRun`` (paths and dates only, so an orchestrator can pass it between
tasks) that read and write files in the run's staging folder and return counts. ``run_nightly`` runs them in
order under the job's lock; flows/nightly.py runs the same steps as Prefect tasks. Nothing is visible until
``commit`` renames the staging folder into place; a failure anywhere leaves the prior state untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from juki import storage
from juki.checks.context import Context
from juki.checks.policy import Policy, merge_rejects, rejected_records
from juki.city import default_config_path, load_config
from juki.codec.reader import ReadResult, scan_records
from juki.errors import InputUnusable, RecordsRejected, UsageError, Where
from juki.jobs import manifest as runinfo
from juki.jobs import publish as jobs
from juki.jobs.record import NightlyRecord, Rerun
from juki.jobs.workdir import Workdir
from juki.layout import load_layout
from juki.progress import Progress, silent
from juki.schemas.validate import validate_frame
from juki.steps import derive as dv
from juki.steps import diff as df_
from juki.steps import koshin_tsuchi as notices
from juki.steps import sofusaki

JOB = "nightly"


@dataclass(frozen=True)
class NightlyRun:
    input: str
    business_date: str  # YYYYMMDD
    workdir: str
    staging: str
    config: str
    prior_dir: str | None
    last_seq: int
    max_rejects: int | None = 0
    max_percent: float | None = None
    rerun: Rerun | None = None
    handoff: Handoff = field(default_factory=lambda: Handoff(), compare=False, repr=False)
    progress: Progress = field(default=silent, compare=False, repr=False)
    report: jobs.ReportWriter | None = field(default=None, compare=False, repr=False)

    def path(self, name: str) -> Path:
        return Path(self.staging) / name

    def save(self, name: str, frame: pl.DataFrame) -> None:
        self.handoff.save(self.path(f"{name}.arrow"), frame)

    def load(self, name: str) -> pl.DataFrame:
        return self.handoff.load(self.path(f"{name}.arrow"))


class Handoff:
    """The frames one step hands the next, owned by the run: each is a file in the staging folder (Arrow IPC,
    uncompressed: it lives minutes; owner-only), and, while the same process goes on to the next step, the frame
    itself, so it is not read back. An orchestrator that runs a step elsewhere reads the file. Cleared when the
    run ends, failed or not, so no frame of residents' data outlives its run in memory."""

    def __init__(self) -> None:
        self._frames: dict[Path, pl.DataFrame] = {}

    def save(self, path: Path, frame: pl.DataFrame) -> None:
        storage.write_ipc(frame, path)
        self._frames[path] = frame

    def load(self, path: Path) -> pl.DataFrame:
        frame = self._frames.pop(path, None)
        return frame if frame is not None else pl.read_ipc(path)

    def clear(self) -> None:
        self._frames.clear()


@contextmanager
def nightly_run(input: str, business_date: str, workdir=None, config=None, policy: Policy = Policy(),  # noqa: B008
                rerun: Rerun | None = None, progress: Progress = silent,
                report: jobs.ReportWriter | None = None) -> Iterator[NightlyRun]:
    """Check the input and the workdir, lock the job, tidy what a crash left, check the date, find the prior run,
    open a staging folder. (A FIFO as input or a link planted in the workdir is refused before the lock.)"""
    storage.check_input(input)
    input = storage.resolved(input)  # recorded as read: a rerun finds it from any working directory
    config_path = str(Path(config or default_config_path(input)).resolve())
    load_config(config_path)  # fail now, with the configuration's own message, not in the middle
    wd = Workdir(workdir)
    wd.guard(JOB, business_date)
    with wd.lock(JOB):
        wd.recover(JOB)
        done = [m.business_date for m in wd.manifests(JOB)]
        if done and business_date < done[-1] and rerun is None:
            raise UsageError(f"business date {business_date} is older than the last processed one ({done[-1]}); "
                             "use `juki rerun` to process a past date again")
        prior = wd.latest_before(JOB, business_date)
        with wd.staging(JOB, business_date) as staging, \
                jobs.failures_recorded(wd, JOB, business_date, rerun, report):
            run = NightlyRun(str(input), business_date, str(wd.root), str(staging), config_path,
                             prior.dir if prior else None, prior.sequence.last if prior else 0,
                             policy.max_rejects, policy.max_percent, rerun, progress=progress, report=report)
            try:
                yield run
            finally:
                run.handoff.clear()


def read_input(run: NightlyRun) -> dict:
    """Decode the fields the job needs, check the header, validate; hash the input on the way."""
    layout = load_layout("juki_daicho")
    config = load_config(run.config)
    name = storage.display_name(run.input)
    result = ReadResult()
    size = storage.size_of(run.input)
    with storage.open_input(run.input) as raw:
        handle = storage.HashingReader(raw)
        batches = list(scan_records(handle, layout, name, dv.SOURCE_FIELDS, result,
                                    progress=lambda r: run.progress("read", r.bytes_read, size, "bytes")))
    run.progress("read", size or result.bytes_read, size or result.bytes_read, "bytes")
    _check_header(result.header, run, config, name)
    if not batches:
        raise InputUnusable("no data records (only a header and a trailer): the 住民基本台帳ファイル lists every "
                            "person; ask the vendor for the full file", Where(file=name))
    source = pl.concat(batches)
    context = Context(run.business_date, config.juminhyo_rule, config.seion)
    run.progress("validate", 0, source.height)
    rejects = validate_frame(source, layout, context, config.juminhyo_strict, name, only=dv.SOURCE_FIELDS)
    run.progress("validate", source.height, source.height)
    rejects = merge_rejects(result.rejects.to_frame(), rejects)
    run.save("source", source)
    run.save("rejects", rejects)
    _enforce(run, rejects, source.height, "input")
    return {"input": name, "input_sha256": handle.sha256, "config_sha256": storage.sha256_of(run.config),
            "layout_hash": layout.content_hash, "records": source.height, "input_rejects": rejected_records(rejects)}


def _check_header(header: dict, run: NightlyRun, config, name: str) -> None:
    """The file must be this city's, and of this business date: the wrong file is refused, not processed."""
    if header.get("dantai_code") != config.dantai_code:
        raise InputUnusable(f"the file is not this city's (header 団体コード differs from {config.dantai_code})",
                            Where(file=name, record=1, field="dantai_code"))
    if header.get("created_on") != run.business_date:
        raise InputUnusable(f"the file is dated {header.get('created_on')}, the run is for {run.business_date}",
                            Where(file=name, record=1, field="created_on"))


def _enforce(run: NightlyRun, rejects: pl.DataFrame, records: int, stage: str,
             stage_rejects: pl.DataFrame | None = None) -> None:
    """Stop the run when the policy says so; its rejects stay in the failed folder for the operator.

    Like is compared with like: the percentage is of the stage's own records (``stage_rejects`` against
    ``records``: input rejects against input records, output rejects against output records); the count
    allowed (--max-rejects) is of every record the run has rejected so far."""
    policy = Policy(run.max_rejects, run.max_percent)
    own = rejects if stage_rejects is None else stage_rejects
    bad, total = rejected_records(own), rejected_records(rejects)
    over_count = policy.max_rejects is not None and total > policy.max_rejects
    if not over_count and not Policy(None, policy.max_percent).fails(bad, records):
        return
    failed = Workdir(run.workdir).failed_dir(JOB, run.business_date, create=True)
    runinfo.write_rejects(_sorted(rejects), failed / "rejects.csv")
    rules = ", ".join(f"{rule} {n}" for rule, n in rule_counts(rejects))
    counted = f"{bad:,} of {records:,} {stage} records" + (f" ({total:,} in all)" if total != bad else "")
    raise RecordsRejected(f"{counted} rejected, more than the policy allows ({rules}); nothing was sent. "
                          f"Rejects: {failed / 'rejects.csv'}", rejects)


def rule_counts(rejects: pl.DataFrame) -> list[tuple[str, int]]:
    """Records rejected per rule (errors only), most first: what a message may say about rejects."""
    errors = rejects.filter(pl.col("severity") == "error")
    counts = errors.group_by("rule").agg(pl.col("record_no").n_unique().alias("n")).sort(["n", "rule"],
                                                                                        descending=[True, False])
    return list(counts.iter_rows())


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    """A file for people is in one order whatever order the joins gave: every column, nulls last."""
    return frame.sort(frame.columns, nulls_last=True, maintain_order=True) if frame.height else frame


def derive_and_diff(run: NightlyRun) -> dict:
    """本人確認情報 from today's records, checked, then compared with the prior snapshot."""
    config = load_config(run.config)
    source = run.load("source")
    input_rejects = run.load("rejects")
    run.progress("derive", 0, source.height)
    current = dv.derive(source, config, run.business_date)
    run.progress("derive", source.height, source.height)
    context = Context(run.business_date, config.juminhyo_rule, config.seion)
    run.progress("validate 本人確認情報", 0, current.height)
    # The dead are checked too: their derived records are as valid as anyone's, and filtering them out would
    # copy a million rows for nothing.
    derived_rejects = validate_frame(current, load_layout("honnin_kakunin"), context, config.juminhyo_strict,
                                     "本人確認情報")
    rejects = pl.concat([input_rejects, derived_rejects])
    # Records with an error are held back like 処理停止 ones: their prior version stays, nothing is sent.
    bad = rejects.filter(pl.col("severity") == "error").select("record_no").unique()
    current = current.with_columns((pl.col(dv.HELD) | pl.col("record_no").is_in(bad["record_no"].implode()))
                                   .alias(dv.HELD))
    run.progress("validate 本人確認情報", current.height, current.height)
    prior = _prior_snapshot(run)
    run.progress("diff", 0, current.height)
    result = df_.baseline(current) if prior is None else df_.diff(prior, current, run.business_date, run.last_seq)
    run.progress("diff", current.height, current.height)
    rejects = pl.concat([rejects, result.rejects])
    _enforce(run, rejects, source.height, "input")
    run.progress("write snapshot", 0, result.snapshot.height)
    storage.write_parquet(result.snapshot, run.path("snapshot.parquet"))
    run.progress("write snapshot", result.snapshot.height, result.snapshot.height)
    run.save("changes", result.changes)
    run.save("held", result.held)
    run.save("rejects", rejects)
    counts = result.changes.group_by(df_.KIND).len().sort(df_.KIND)
    return {"baseline": prior is None, "snapshot_records": result.snapshot.height,
            "changes": dict(counts.iter_rows()), "held": result.held.height}


def _prior_snapshot(run: NightlyRun) -> pl.DataFrame | None:
    return None if run.prior_dir is None else jobs.load_snapshot(Path(run.prior_dir))


def write_outputs(run: NightlyRun) -> dict:
    """The change notices and the 送付先情報 file, written as their layouts say, each validated first."""
    config = load_config(run.config)
    changes = run.load("changes")
    header = {"created_on": run.business_date, "dantai_code": config.dantai_code}
    notice_layout, sofu_layout = load_layout(notices.LAYOUT), load_layout("sofusaki")
    rows = notices.build(changes)
    sofu, sofu_rejects = sofusaki.build(changes, config, run.business_date)
    checked = validate_frame(sofu, sofu_layout, Context(run.business_date, config.juminhyo_rule, config.seion),
                             config.juminhyo_strict, "送付先情報")
    output_rejects = pl.concat([sofu_rejects, checked])
    rejects = pl.concat([run.load("rejects"), output_rejects])
    candidates = sofu.height + sofu_rejects["record_no"].n_unique()  # 送付先情報 records, before any was rejected
    _enforce(run, rejects, candidates, "output", output_rejects)
    seq = rows["koshin_jun_bango"]
    staging, day = Path(run.staging), run.business_date
    outputs = {
        "koshin_tsuchi": jobs.write_output(staging, f"koshin_{day}.dat", notice_layout, rows, header,
                                           {"first_seq": seq.min(), "last_seq": seq.max()}, run.progress),
        "sofusaki": jobs.write_output(staging, f"sofusaki_{day}.dat", sofu_layout, sofu, header,
                                      progress=run.progress),
    }
    run.save("rejects", rejects)
    return {"outputs": outputs, "sequence": {"first": seq.min(), "last": seq.max() if seq.len() else run.last_seq},
            "sofusaki_records": sofu.height, "notices": rows.height,
            "notices_by_ido_jiyu": dict(sorted(rows.group_by("ido_jiyu").len().iter_rows()))}


def commit(run: NightlyRun, steps: dict) -> NightlyRecord:
    """Manifest, human files, temporary files with personal data gone, then the one rename that publishes."""
    snapshot = run.path("snapshot.parquet")
    files = {"rejects": runinfo.write_rejects(_sorted(run.load("rejects")), run.path("rejects.csv")),
             "held": runinfo.write_rejects(_sorted(run.load("held")), run.path("held.csv"))}
    record = runinfo.completed(NightlyRecord, run, steps, files=files,
                               snapshot={"file": snapshot.name, "sha256": storage.sha256_of(snapshot)})
    return jobs.publish(run.workdir, JOB, run.business_date, Path(run.staging), record,
                        temporary=("source.arrow", "changes.arrow", "held.arrow", "rejects.arrow"), report=run.report)


STEPS: tuple[Callable[[NightlyRun], dict], ...] = (read_input, derive_and_diff, write_outputs)


def run_nightly(input: str, business_date: str, workdir=None, config=None, policy: Policy = Policy(),  # noqa: B008
                rerun: Rerun | None = None, call=jobs.direct, progress: Progress = silent,
                report: jobs.ReportWriter | None = None) -> NightlyRecord:
    """The whole job; ``call`` lets an orchestrator run each step its own way (flows/nightly.py), ``progress``
    hears how the long stages go (juki/progress.py), ``report`` writes the run's report (juki.reports)."""
    with nightly_run(input, business_date, workdir, config, policy, rerun, progress, report) as run:
        steps = {step.__name__: call(step, run) for step in STEPS}
        return call(commit, run, steps)
