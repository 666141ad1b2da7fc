"""Reports for clerks: one HTML page per job (nightly, consistency, failed run, validate, reconcile), in Japanese.

Each page is rendered by Jinja2 (autoescaped) from a template in templates/ and a view built from the run's typed
record (views.py): labels from the layouts' own names and code tables, each rule's message in Japanese beside its
identifier, the business date and the run's time in Tokyo, what to do next, and for the nightly job a chart of
the change notices by 異動事由 over the last runs. Only counts, rule identifiers, field names and record numbers:
never a resident's value. ``write_report`` is what the CLI and the flows hand the jobs (``report=``).
"""

from __future__ import annotations

from pathlib import Path

from juki import storage
from juki.jobs.record import ConsistencyRecord, FailedRecord, NightlyRecord, RunRecord
from juki.reports import views
from juki.reports.render import render

__all__ = ["render", "reconcile_report", "validate_report", "write_report", "write_html"]


def write_html(html: str, location) -> str:
    """Atomically and owner-only; returns the SHA-256."""
    with storage.atomic_output(location) as sink:
        sink.write(html.encode("utf-8"))
    return sink.sha256


def write_report(record: RunRecord, path: Path) -> None:
    """The report of a run, beside its manifest (``path`` is where it goes: the staging or the failed folder)."""
    folder = Path(path).parent
    if isinstance(record, NightlyRecord):
        html = render("nightly.html", views.nightly(record, folder))
    elif isinstance(record, ConsistencyRecord):
        html = render("consistency.html", views.consistency(record))
    elif isinstance(record, FailedRecord):
        html = render("failed.html", views.failed(record, folder))
    else:
        raise TypeError(f"no report for {type(record).__name__}")
    write_html(html, path)


def validate_report(**facts) -> str:
    return render("validate.html", views.validate(**facts))


def reconcile_report(**facts) -> str:
    return render("reconcile.html", views.reconcile(**facts))
