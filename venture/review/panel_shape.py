"""The panel a draw form proposes: the usual five members and two reserves, smaller when the
pool of matching experts is smaller, so the default never asks for more experts than exist."""

from dataclasses import dataclass

USUAL_MEMBERS = 5
USUAL_RESERVES = 2
SMALLEST_PANEL = 3  # panels have an odd number of members, at least three


@dataclass(frozen=True)
class PanelShape:
    members: int
    reserves: int
    reviewers_per_application: int


def default_panel_shape(pool):
    """The largest panel up to 5 members + 2 reserves that a pool of `pool` experts can fill:
    an odd number of members (≥ 3 when the pool allows), reserves from what is left."""
    members = min(USUAL_MEMBERS, pool)
    if members % 2 == 0:
        members -= 1
    members = max(members, min(SMALLEST_PANEL, pool))
    reserves = max(0, min(USUAL_RESERVES, pool - members))
    return PanelShape(members, reserves, reviewers_per_application=max(members, 1))
