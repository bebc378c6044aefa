"""What calls and the modules below them ask of the modules that read calls.

Those modules (integrity's phase rules, procurement's routes, community's needs) read calls, so
calls, applications, review and roadshow do not import them: they fill these hooks when the app
is built (venture/__init__.py `_register_hooks`), e.g. `PHASE_RULES.panel_work_refusal(call)`.
"""

from venture.core.hooks import Hooks

# a call's phases (integrity/phases.py): call_phase(call), panel_work_refusal(call)
PHASE_RULES = Hooks("calls.PHASE_RULES", "call_phase", "panel_work_refusal")

# a call's procurement route (procurement/routes.py): route_for(call) → its route object,
# routes_reviewing_applications() → the Route values whose applications review scores
PROCUREMENT_ROUTES = Hooks("calls.PROCUREMENT_ROUTES", "route_for", "routes_reviewing_applications")

# a call's applications (applications/rules.py): counts_by_state(call_id) of the submitted ones,
# submitted_counts(call_ids), applicant_organizations(call_id) as a subquery
APPLICATIONS = Hooks(
    "calls.APPLICATIONS", "counts_by_state", "submitted_counts", "applicant_organizations"
)

# the community needs a call answers (community/operations.py)
COMMUNITY_NEEDS = Hooks(
    "calls.COMMUNITY_NEEDS", "need_choices_for_call", "call_defaults_from_needs", "set_call_needs"
)
