"""What every flow shares: how a core step becomes a Prefect task, and what Prefect may keep.

Prefect stores task parameters, states, exception texts and artifacts in its database. Our steps pass paths and
dates and return counts, so those are safe; results are never persisted; and an unexpected exception (whose
text a library may have filled with a value it choked on) reaches Prefect only as its type name.
"""

from __future__ import annotations

from prefect import task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from juki.errors import JukiError


class StepFailed(Exception):
    """An unexpected error inside a step, reported without its message (see the module docstring)."""


def _sanitized(fn):
    def run(*args):
        try:
            return fn(*args)
        except JukiError:
            raise  # our messages name files, records and rules, never values
        except Exception as e:  # noqa: BLE001
            raise StepFailed(f"{fn.__name__} failed: {type(e).__name__} (details withheld: they may quote "
                             "personal data; rerun with the juki CLI and JUKI_DEBUG=1 to see them)") from None

    run.__name__ = getattr(fn, "__name__", "step")
    return run


def as_task(fn, *args):
    """Run one core step as a Prefect task: no result persistence, no caching, no captured prints."""
    name = getattr(fn, "__name__", "step")
    return task(_sanitized(fn), name=name, persist_result=False, cache_policy=NO_CACHE, log_prints=False)(*args)


def publish_counts(key: str, counts: dict) -> None:
    """The run's artifact: a table of counts only."""
    rows = [{"item": k, "count": v} for k, v in counts.items() if isinstance(v, int | float)]
    create_table_artifact(key=key, table=rows, description="counts only: no personal data")
