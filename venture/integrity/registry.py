"""The registry of whole-database integrity checks run by `flask integrity check`.

A check is a function yielding `Finding`s; other modules add theirs with `register_check`.
"""

from dataclasses import dataclass

CHECKS = {}


@dataclass(frozen=True)
class Finding:
    """One record breaking one rule."""

    rule: str
    record: str  # e.g. "contract 5"
    detail: str

    def __str__(self):
        return f"[{self.rule}] {self.record}: {self.detail}"


def register_check(rule):
    """Decorator: fn() yields the Findings of rule over the whole database."""

    def add(fn):
        CHECKS[rule] = fn
        return fn

    return add
