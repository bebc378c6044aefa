"""The platform's own integrity checks (importing this module registers them), and the run of
every registered check."""

from venture.integrity import closing, conditions, money, phases, stored  # noqa: F401
from venture.integrity.registry import CHECKS


def run_checks(rules=None):
    """Every finding of every registered check (or of the rules named), in rule order."""
    findings = []
    for rule, fn in CHECKS.items():
        if rules and rule not in rules:
            continue
        findings.extend(fn())
    return findings
