"""A call's phases, as the integrity module rules them (venture/integrity/phases.py).

Those rules read the call's panels, roadshows and announcements, so calls, review and roadshow
do not import them: integrity registers them here when the app is built, and they ask
`PHASE_RULES.panel_work_refusal(call)`.
"""

from venture.core.hooks import Hooks

PHASE_RULES = Hooks("calls.PHASE_RULES", "call_phase", "panel_work_refusal")
