"""What waits for applicants, reviewers and staff on their home pages, as the integrity module
reckons it (venture/integrity/waiting.py).

Those rules read the awards, contracts, projects and panels, so the applications and review
pages do not import them: integrity registers them here when the app is built, and the home
panels ask `WAITING.award_chain_steps(…)`.
"""

from venture.core.hooks import Hooks

WAITING = Hooks(
    "applications.WAITING",
    "AWARD_CHAIN_STATES",
    "award_chain_steps",
    "reviewer_sheets_waiting",
    "open_panels_column",
    "panel_stage",
)
