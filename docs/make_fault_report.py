"""Run the fault tests and write docs/FAULTS.md: each fault tried, how, and what happened.

    .venv/bin/python docs/make_fault_report.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (fault, how it is caused, the tests that cause it); every test asserts: prior snapshot intact, no partial output
# visible, and (where the run can go on) a rerun that gives the same bytes as an undisturbed run.
FAULTS = [
    ("kill -9 of the nightly process", "SIGKILL to the process group after reading, after the diff, after writing "
     "the outputs, in the middle of writing an output, and between the two renames that publish a rerun",
     "tests/faults/test_kill.py"),
    ("the disk fills up", "ENOSPC injected where every file of a run is written, during reading, diffing and "
     "writing the outputs", "tests/faults/test_disk_full.py"),
    ("a step fails", "an exception in each step and in the commit", "tests/nightly/test_safety.py::"
     "test_a_failing_step_leaves_no_output_and_the_prior_state_intact"),
    ("a remote server drops the connection", "a TCP proxy on loopback that cuts the real OpenSSH / SeaweedFS "
     "connection once (resumed) or every time (retried, then one clear line)",
     "tests/remote/test_sftp.py tests/remote/test_s3.py -k drop or cut"),
    ("two runs of the same job at once", "a second process holds the job's lock",
     "tests/nightly/test_safety.py::test_a_second_run_while_one_runs_is_refused"),
    ("a corrupted prior snapshot", "the snapshot's bytes no longer match its manifest",
     "tests/nightly/test_safety.py::test_a_corrupted_prior_snapshot_stops_the_run_naming_it"),
    ("a business date older than the last processed one", "nightly for an earlier date without `juki rerun`",
     "tests/nightly/test_safety.py::test_older_business_date_is_refused"),
    ("a tampered run log", "a line edited, edited with its own hash recomputed, removed, reordered; the whole log "
     "deleted, emptied, or cut at its end while committed runs exist (held against the runs' manifests)",
     "tests/ops/test_runlog.py"),
    ("a night run again, and again after kill -9", "a night with many held and rejected records rerun three times, "
     "and a rerun killed (SIGKILL) after writing its outputs then run again: every file of the run folder compared",
     "tests/ops/test_rerun_identical.py"),
    ("a rerun after purge, or from elsewhere", "`juki purge --keep 1` then a rerun; the prior run removed by hand; a "
     "consistency rerun whose snapshot was purged; a night run with relative paths rerun from another folder, and "
     "with its input moved away", "tests/ops/test_retention.py tests/ops/test_rerun_from_anywhere.py"),
    ("a FIFO as input", "a named pipe given to nightly, parse, validate and inspect (each in a process of its own, "
     "with a timeout)", "tests/ops/test_workdir_safety.py -k fifo"),
    ("links planted in the workdir", "the lock, the run log, a failed run's folder, the history, runs/nightly and "
     "locks/ made links to a victim file or folder", "tests/ops/test_workdir_safety.py -k link"),
    ("a workdir others may write to", "the workdir chmod 777, 775, 757 and 1777; and a fresh workdir checked for "
     "owner-only folders and files", "tests/ops/test_workdir_safety.py -k writable or owner_only"),
    ("the run log cannot be appended", "PermissionError on the run log after a run was published, and on the audit "
     "line of `juki validate`", "tests/ops/test_exit_codes.py -k run_log or audit_append"),
    ("malformed dates and numbers", "bad --date/--since on every dated command; negative, NaN, infinite and out-of-"
     "range numbers", "tests/ops/test_exit_codes.py -k bad_date or bad_number"),
    ("a failing run under Prefect", "the real nightly flow, in a process with its own PREFECT_HOME, failing on planted "
     "rejects; every file of PREFECT_HOME scanned (base64 unpacked) for keys, values and pickled frames, and its "
     "modes checked", "tests/privacy/test_prefect_home.py"),
]


def run(selection: str) -> list[tuple[str, str, float]]:
    args, keyword = selection.split(" -k ") if " -k " in selection else (selection, None)
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "report.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.split(),
                   f"--junitxml={xml}"] + (["-k", keyword] if keyword else [])
        subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        cases = ET.parse(xml).getroot().iter("testcase")
        out = []
        for case in cases:
            failed = case.find("failure") is not None or case.find("error") is not None
            outcome = "skipped" if case.find("skipped") is not None else ("FAILED" if failed else "passed")
            out.append((case.get("name"), outcome, float(case.get("time", 0))))
        return out


def main() -> None:
    lines = ["# Faults tried, and what happened", "",
             "Generated by `.venv/bin/python docs/make_fault_report.py` (which runs the tests named below). After each",
             "fault the tests assert that the prior snapshot is intact, that no partial output is visible, and, where",
             "the run can go on, that a rerun gives the same bytes as a run that was never disturbed.", ""]
    total = failed = 0
    for fault, how, selection in FAULTS:
        results = run(selection)
        total += len(results)
        failed += sum(1 for _, outcome, _ in results if outcome != "passed")
        lines += [f"## {fault}", "", f"How: {how}. Tests: `{selection}`.", "", "| test | outcome | seconds |",
                  "|---|---|---|"]
        lines += [f"| {name} | {outcome} | {seconds:.1f} |" for name, outcome, seconds in results]
        lines.append("")
    lines.insert(5, f"**{total - failed} of {total} fault tests passed.**\n")
    (ROOT / "docs" / "FAULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"{total - failed}/{total} passed; docs/FAULTS.md written")


if __name__ == "__main__":
    main()
