"""Privacy controls over what the jobs keep: lookup and approved extract of the snapshot (access), and deletion
past the retention policy (purge). Both leave a line in the run log; neither prints a value it was not asked for."""
