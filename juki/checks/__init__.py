"""Checks: the rules a record must keep (check digits, 和暦, 清音化, 外字: ``rules/``), each named in the catalogue
with what a clerk is told, the context a validation needs and the policy that turns rejects into a run's fate.
The pandera models that apply them per layout are ``schemas/`` (one layer up)."""
