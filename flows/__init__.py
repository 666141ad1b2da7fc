"""The Prefect flows of juki-etl, installed as ``juki.flows`` (entrypoints such as ``juki.flows.nightly:nightly``
resolve from any working directory). The only package that imports Prefect."""
