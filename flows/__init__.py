"""The Prefect flows of juki-etl, installed as ``juki.flows`` (entrypoints such as ``juki.flows.nightly:nightly``
resolve from any working directory). The only package that imports Prefect.

What Prefect writes from a flow-run process (the exception it keeps of a failed task under PREFECT_HOME/storage,
and the SQLite database of an ephemeral server started from here) is made owner-only, like everything juki writes:
the process's umask becomes 077 before Prefect is imported. (A long-running `prefect server` or worker is started
by the city's own service definition: give it `umask 077` there.)
"""

import os

os.umask(0o077)
