"""Panel draws and reviewer assignment: pure functions, reproducible from a recorded seed.

The draw: candidates are sorted by id and `random.Random(seed).sample(candidates, n)` picks n
of them; Python seeds a Random from a text seed through SHA-512 (seeding version 2), so the same
seed and the same candidates give the same panel on any machine and Python 3 version.

The assignment gives each application up to k reviewers from the panel: never one tied to the
applicant organization, never one already on that application (including one who declared a
conflict), and always the least loaded first, so loads differ by at most one when nothing bars
anyone. The most constrained applications are served first; equal loads are ordered by a
shuffle from the same seed, so a rerun gives the same assignment.
"""

import random
import secrets
from dataclasses import dataclass


def new_seed():
    """A fresh seed to record with a draw: 16 hex digits."""
    return secrets.token_hex(8)


def draw_panel(candidate_ids, count, seed):
    """count ids drawn from candidate_ids with seed; ValueError when there are too few."""
    pool = sorted(set(candidate_ids))
    if count > len(pool):
        raise ValueError("not enough candidates")
    return random.Random(seed).sample(pool, count)


@dataclass(frozen=True)
class Need:
    """One application to be given reviewers."""

    application_id: int
    organization_id: int
    wanted: int  # how many more reviewers it needs
    excluded: frozenset = frozenset()  # reviewers already on it, or who declared a conflict


def plan_assignments(needs, reviewer_ids, ties, load, seed):
    """([(application_id, reviewer_id)], {application_id: still missing}).

    ties: {reviewer_id: set of organization ids they are tied to}; load: {reviewer_id: current
    number of active assignments}, updated as reviewers are given work.
    """
    reviewers = sorted(set(reviewer_ids))
    shuffled = list(reviewers)
    random.Random(seed).shuffle(shuffled)
    order = {reviewer: position for position, reviewer in enumerate(shuffled)}
    load = {reviewer: load.get(reviewer, 0) for reviewer in reviewers}

    def eligible(need):
        return [
            r
            for r in reviewers
            if r not in need.excluded and need.organization_id not in ties.get(r, ())
        ]

    pairs, missing = [], {}
    for need in sorted(needs, key=lambda n: (len(eligible(n)) - n.wanted, n.application_id)):
        chosen = sorted(eligible(need), key=lambda r: (load[r], order[r]))[: need.wanted]
        for reviewer in chosen:
            load[reviewer] += 1
            pairs.append((need.application_id, reviewer))
        if len(chosen) < need.wanted:
            missing[need.application_id] = need.wanted - len(chosen)
    return pairs, missing
