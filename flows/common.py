"""What every flow shares: how a core step becomes a Prefect task, how a run fails, and what Prefect may keep.

Prefect stores task parameters, states, exception texts and artifacts in its database. Our steps pass paths and
dates and return counts, so those are safe; results are never persisted. A step that stops for a reason of ours
(a file that did not arrive, rejected records, a bad date) ends its task and the flow run in a Failed state
whose message is that one line, with no traceback in the log; an unexpected exception, whose text a library
may have filled with a value it choked on, reaches Prefect only as its type name.

Paths come from the run's environment when it starts (the worker's, plus the deployment's or the run's job
variables ``env``), not from the deployment: JUKI_INBOX, JUKI_WORKDIR, JUKI_OUTBOX, JUKI_WAIT_MINUTES.
"""

from __future__ import annotations

import functools
import logging
import os

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import FailedRun
from prefect.states import Failed

from juki.dates import default_business_date, parse_business_date
from juki.errors import JukiError, UsageError
from juki.progress import Meter

WORKDIR_ENV, OUTBOX_ENV = "JUKI_WORKDIR", "JUKI_OUTBOX"
PROGRESS_SECONDS = 5.0


class _OneLine(logging.Filter):
    """Keeps a failed run's log to its one line. Prefect's engine re-raises a run's final Failed state as
    FailedRun and logs it with a traceback of its own frames, after "Finished in state Failed('…')" has said the
    same: that record is dropped. A task's failed state is logged with ``exc_info`` but no exception, which prints
    "NoneType: None": the empty exc_info goes. Every other record, tracebacks of real crashes included, stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], FailedRun):
            return False
        if record.exc_info and record.exc_info[0] is None:
            record.exc_info = None
        return True


for _name in ("prefect.flow_runs", "prefect.task_runs"):
    logging.getLogger(_name).addFilter(_OneLine())


class StepStopped(JukiError):
    """A step's task failed: its one line, carried to the flow (and to the job's failure record)."""


def one_line(error: BaseException) -> str:
    if isinstance(error, JukiError):
        return str(error).splitlines()[0]
    return (f"internal error ({type(error).__name__}); details withheld: they may quote personal data. "
            "Run the same job with the juki CLI and JUKI_DEBUG=1 to see them")


def _guarded(fn):
    def run(*args):
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - the task's state says what went wrong, in one line
            return Failed(message=one_line(e))

    run.__name__ = getattr(fn, "__name__", "step")
    run.__qualname__ = run.__name__
    return run


def as_task(fn, *args):
    """Run one core step as a Prefect task: no result persistence, no caching, no captured prints."""
    name = getattr(fn, "__name__", "step")
    state = task(_guarded(fn), name=name, persist_result=False, cache_policy=NO_CACHE,
                 log_prints=False)(*args, return_state=True)
    if state.is_failed():
        raise StepStopped(state.message or f"{name} failed")
    return state.result()


def juki_flow(fn):
    """Under ``@flow``: a failure becomes the run's Failed state with its one line as the message."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001
            return Failed(message=one_line(e))

    return run


def day_of(date: str | None) -> str:
    """The business date of a run: the ``date`` parameter (YYYY-MM-DD), else yesterday in Tokyo."""
    return parse_business_date(date, "the date parameter") if date else default_business_date()


def workdir_of(workdir: str | None) -> str:
    """The run's workdir: the parameter, else JUKI_WORKDIR. A worker runs flows in a temporary folder, so the
    CLI's fallback (./.juki) would lose the city's state: refused instead."""
    found = workdir or os.environ.get(WORKDIR_ENV)
    if not found:
        raise UsageError(f"no workdir: set {WORKDIR_ENV} in the worker's environment (deploy/juki.env) or the "
                         "deployment's job variables, or pass the workdir parameter")
    return found


def outbox_of(outbox: str | None) -> str | None:
    return outbox or os.environ.get(OUTBOX_ENV) or None


def meter() -> Meter:
    """Progress of the long stages as lines in the run's log, every few seconds (counts only)."""
    logger = get_run_logger()
    try:
        every = float(os.environ.get("JUKI_PROGRESS_SECONDS") or PROGRESS_SECONDS)
    except ValueError:
        every = PROGRESS_SECONDS
    return Meter(lambda text: logger.info(text.strip()), live=False, every=every)


def note():
    logger = get_run_logger()
    return lambda line: logger.info(line)


def publish_counts(key: str, counts: dict) -> None:
    """The run's artifact: a table of counts only."""
    rows = [{"item": k, "count": v} for k, v in counts.items() if isinstance(v, int | float)]
    create_table_artifact(key=key, table=rows, description="counts only: no personal data")
