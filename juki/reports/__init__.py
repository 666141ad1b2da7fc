"""Reports for clerks: one HTML page per job, rendered from the run's record with Jinja2 templates."""
