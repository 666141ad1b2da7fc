"""Jobs: steps run in order under a lock in the workdir, staged and published by one rename, each leaving a typed
run record (record.py), a report and a line in the tamper-evident run log. nightly, consistency and rerun are the
jobs; workdir, publish, manifest, record, report and runlog are their machinery."""
