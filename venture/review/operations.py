"""Review operations: expert pool, rubric, panels, assignment, score sheets, awards, result.

Every function checks, changes and audits; the view commits once.
"""

from collections import defaultdict
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from venture.announcements.operations import register_finaliser
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth import operations as accounts
from venture.auth.enums import Role
from venture.core import audit
from venture.core.concurrency import claim_edit
from venture.core.formatting import local_date, yuan
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.timeutil import local_today, now
from venture.extensions import db
from venture.integrity.phases import panel_work_refusal
from venture.notifications.operations import notify
from venture.procurement.enums import AwardState
from venture.procurement.models import Award
from venture.review import draw, sheets
from venture.review.enums import AssignmentState, PanelMethod, SheetState
from venture.review.lifecycle import ASSIGNMENT_WORKFLOW, SHEET_WORKFLOW
from venture.review.models import (
    Panel,
    PanelMember,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerAffiliation,
    ReviewerProfile,
    ReviewScore,
    ReviewSheet,
)
from venture.review.rules import panel_size_refusal
from venture.review.scoring import display_points

TIE_YEARS = 3  # a tie that ended less than this long ago still bars a reviewer
MIN_PER_APPLICATION = 3
IN_REVIEW = (ApplicationState.ELIGIBLE, ApplicationState.UNDER_REVIEW)
PROFILE_FIELDS = ("title", "employer", "phone", "notes", "active")


class ReviewError(TransitionRefused):
    """A refused review operation; field names the form field to show it on."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class SheetIncomplete(ReviewError):
    """A submit refused for the sheet's content; errors: {criterion_id: message}."""

    def __init__(self, errors):
        super().__init__(_("The sheet was saved as a draft but not submitted: see the marks."))
        self.errors = errors


class ProposalRefused(ReviewError):
    """A refused award proposal; errors: {application_id: message} for rows of the ranking."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.errors = errors or {}


# ── the expert pool ─────────────────────────────────────────────────────────────────────────


def tie_cutoff(today=None):
    """The first day that still counts: ties ended on or after it bar a reviewer."""
    today = today or local_today()
    try:
        return today.replace(year=today.year - TIE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - TIE_YEARS, day=28)


def affiliation_counts(affiliation, today=None):
    """Whether the tie holds now or ended within the last three years."""
    return affiliation.ended_on is None or affiliation.ended_on >= tie_cutoff(today)


def tied_organizations(reviewer_ids, today=None):
    """{reviewer_id: organization ids they may not review}: affiliations within three years and
    the organization their account belongs to. Two queries whatever the number of reviewers."""
    ties = defaultdict(set)
    rows = db.session.execute(
        select(ReviewerAffiliation.reviewer_id, ReviewerAffiliation.organization_id).where(
            ReviewerAffiliation.reviewer_id.in_(reviewer_ids),
            (ReviewerAffiliation.ended_on.is_(None))
            | (ReviewerAffiliation.ended_on >= tie_cutoff(today)),
        )
    )
    for reviewer_id, organization_id in rows:
        ties[reviewer_id].add(organization_id)
    from venture.auth.models import User

    members = db.session.execute(
        select(ReviewerProfile.id, User.organization_id)
        .join(User, User.id == ReviewerProfile.user_id)
        .where(ReviewerProfile.id.in_(reviewer_ids), User.organization_id.is_not(None))
    )
    for reviewer_id, organization_id in members:
        ties[reviewer_id].add(organization_id)
    return ties


def profile_for(user):
    return db.session.scalar(select(ReviewerProfile).where(ReviewerProfile.user_id == user.id))


def _set_expertise(profile, categories):
    profile.expertise = sorted(categories, key=lambda c: c.id)


def _expertise_codes(profile):
    return ",".join(c.code for c in profile.expertise)


def add_expert(user, *, profile, categories, actor):
    """Put an existing account in the pool (it gets the reviewer role if it lacked it)."""
    if profile_for(user) is not None:
        raise ReviewError(_("%(name)s is in the expert pool already.", name=user.name), "user_id")
    if not user.has_role(Role.REVIEWER):
        accounts.set_user_roles(user, [*user.roles, Role.REVIEWER], actor=actor)
    expert = ReviewerProfile(user=user, **profile)
    _set_expertise(expert, categories)
    db.session.add(expert)
    audit.record(
        "reviewer.add",
        expert,
        actor=actor,
        after={
            **audit.snapshot(expert, PROFILE_FIELDS),
            "user": user.email,
            "expertise": _expertise_codes(expert),
        },
    )
    return expert


def create_expert(*, account, profile, categories, actor):
    """A new reviewer account and its place in the pool."""
    try:
        user = accounts.create_user(
            email=account["email"],
            name=account["name"],
            phone=account.get("phone") or None,
            password=account["password"],
            roles=[Role.REVIEWER],
            actor=actor,
        )
    except accounts.AccountError as error:
        raise ReviewError(str(error), "email") from error
    return add_expert(user, profile=profile, categories=categories, actor=actor)


def update_expert(expert, *, profile, categories, actor):
    before = {**audit.snapshot(expert, PROFILE_FIELDS), "expertise": _expertise_codes(expert)}
    for key, value in profile.items():
        setattr(expert, key, value)
    _set_expertise(expert, categories)
    after_fields = (*PROFILE_FIELDS, "expertise")
    after = {**audit.snapshot(expert, PROFILE_FIELDS), "expertise": _expertise_codes(expert)}
    changed = [k for k in after_fields if before[k] != after[k]]
    if changed:
        audit.record(
            "reviewer.update",
            expert,
            actor=actor,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )


def add_affiliation(expert, *, organization, kind, role, started_on, ended_on, actor):
    """Record a tie; open assignments on that organization's applications end at once."""
    if started_on and ended_on and ended_on < started_on:
        raise ReviewError(_("The end date is before the start date."), "ended_on")
    if started_on and started_on > local_today():
        raise ReviewError(_("The start date is in the future."), "started_on")
    affiliation = ReviewerAffiliation(
        reviewer=expert,
        organization=organization,
        kind=kind,
        role=role,
        started_on=started_on,
        ended_on=ended_on,
        created_by_id=actor.id,
    )
    db.session.add(affiliation)
    audit.record(
        "reviewer.affiliation_add",
        expert,
        actor=actor,
        after={
            "organization": organization.name,
            "kind": kind,
            "role": role,
            "started_on": started_on,
            "ended_on": ended_on,
        },
    )
    withdrawn = []
    if affiliation_counts(affiliation):
        for assignment in _open_assignments(expert.id, organization.id):
            transition(
                ASSIGNMENT_WORKFLOW,
                assignment,
                "withdraw_for_tie",
                actor=actor,
                reason=_("Tie to %(org)s recorded in the expert pool.", org=organization.name),
            )
            _end_assignment(assignment, reason=_("Tie to %(org)s", org=organization.name))
            withdrawn.append(assignment)
    return affiliation, withdrawn


def _open_assignments(reviewer_id, organization_id):
    """Standing assignments of the reviewer on the organization's applications in calls whose
    awards are not yet proposed."""
    return db.session.scalars(
        select(ReviewAssignment)
        .join(Application, Application.id == ReviewAssignment.application_id)
        .join(Panel, Panel.id == ReviewAssignment.panel_id)
        .where(
            ReviewAssignment.reviewer_id == reviewer_id,
            ReviewAssignment.state == AssignmentState.ACTIVE,
            Application.organization_id == organization_id,
            Panel.proposed_at.is_(None),
        )
    ).all()


def remove_affiliation(affiliation, *, actor):
    audit.record(
        "reviewer.affiliation_remove",
        affiliation.reviewer,
        actor=actor,
        before={
            "organization": affiliation.organization.name,
            "kind": affiliation.kind,
            "started_on": affiliation.started_on,
            "ended_on": affiliation.ended_on,
        },
    )
    db.session.delete(affiliation)


# ── the rubric ──────────────────────────────────────────────────────────────────────────────


def criteria_of(call_id):
    return db.session.scalars(
        select(ReviewCriterion)
        .where(ReviewCriterion.call_id == call_id)
        .order_by(ReviewCriterion.position)
    ).all()


def rubric_locked(call_id):
    """Locked from the first submitted score sheet of the call on (reopening does not unlock)."""
    found = db.session.scalar(
        select(ReviewSheet.id)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewSheet.assignment_id)
        .join(Panel, Panel.id == ReviewAssignment.panel_id)
        .where(Panel.call_id == call_id, ReviewSheet.first_submitted_at.is_not(None))
        .limit(1)
    )
    return found is not None


def default_rubric():
    """The usual venture-grant rubric, 100 points."""
    return [
        {
            "name": _("Need"),
            "description": _(
                "Is the residents' need real, documented and matched to the call's categories?"
            ),
            "max_score": Decimal(15),
        },
        {
            "name": _("Project design"),
            "description": _(
                "Are the objectives clear and measurable, and do the activities lead to them?"
            ),
            "max_score": Decimal(20),
        },
        {
            "name": _("Feasibility"),
            "description": _("Are the plan, schedule and milestones realistic?"),
            "max_score": Decimal(15),
        },
        {
            "name": _("Organizational capacity"),
            "description": _("Do the team and the organization's record fit the project?"),
            "max_score": Decimal(15),
        },
        {
            "name": _("Budget reasonableness"),
            "description": _("Are the costs necessary, priced fairly and matched by own funds?"),
            "max_score": Decimal(15),
        },
        {
            "name": _("Sustainability"),
            "description": _("Will the service or its effects continue after the funding?"),
            "max_score": Decimal(10),
        },
        {
            "name": _("Innovation"),
            "description": _("Does the project try a new approach worth learning from?"),
            "max_score": Decimal(10),
        },
    ]


def _rubric_snapshot(criteria):
    return "; ".join(f"{c.name} {display_points(c.max_score)}" for c in criteria)


def save_rubric(call, rows, *, actor):
    """Replace the call's criteria with rows [{id|None, name, description, max_score}] in order.

    Draft scores of removed criteria go with them. Refused once a sheet has been submitted.
    """
    if rubric_locked(call.id):
        raise ReviewError(_("The rubric is locked: score sheets have been submitted against it."))
    if not rows:
        raise ReviewError(_("The rubric needs at least one criterion."))
    claim_edit(call, "rubric_version")  # first write: two saves at the same instant conflict
    existing = {c.id: c for c in criteria_of(call.id)}
    before = _rubric_snapshot(existing.values())
    kept = {row["id"] for row in rows if row.get("id") in existing}
    for criterion_id in set(existing) - kept:
        db.session.execute(delete(ReviewScore).where(ReviewScore.criterion_id == criterion_id))
        db.session.delete(existing[criterion_id])
    # positions move in two steps so the unique (call, position) never sees a duplicate
    for offset, criterion_id in enumerate(kept, start=1):
        existing[criterion_id].position = -offset
    db.session.flush()
    result = []
    for position, row in enumerate(rows, start=1):
        criterion = existing.get(row.get("id")) or ReviewCriterion(call_id=call.id)
        criterion.position = position
        criterion.name = row["name"]
        criterion.description = row.get("description") or ""
        criterion.max_score = row["max_score"]
        db.session.add(criterion)
        result.append(criterion)
    db.session.flush()
    audit.record(
        "review.rubric",
        call,
        actor=actor,
        before={"rubric": before},
        after={"rubric": _rubric_snapshot(result)},
    )
    return result


# ── panels ──────────────────────────────────────────────────────────────────────────────────


def panel_of(call_id):
    return db.session.scalar(select(Panel).where(Panel.call_id == call_id))


def _check_panel_settings(call, size, per_application):
    refusal = panel_size_refusal(size, call)
    if refusal:
        raise ReviewError(str(refusal), "size")
    if not MIN_PER_APPLICATION <= per_application <= size:
        raise ReviewError(
            _(
                "Each application needs from %(least)d to %(size)d reviewers (the panel's size).",
                least=MIN_PER_APPLICATION,
                size=size,
            ),
            "reviewers_per_application",
        )


def _new_panel(call, *, method, size, settings, actor):
    if panel_of(call.id) is not None:
        raise ReviewError(_("This call has a panel already; dissolve it first to form another."))
    _check_panel_settings(call, size, settings["reviewers_per_application"])
    panel = Panel(call=call, method=method, size=size, formed_by_id=actor.id, **settings)
    db.session.add(panel)
    return panel


def add_members(panel, member_ids, reserve_ids):
    """Seat the members, then the reserves, in that order (tender panels too)."""
    for position, reviewer_id in enumerate([*member_ids, *reserve_ids], start=1):
        panel.members.append(
            PanelMember(
                reviewer_id=reviewer_id, reserve=position > len(member_ids), position=position
            )
        )


def active_experts(ids):
    """{id: ReviewerProfile} of the active experts of the pool among ids."""
    found = db.session.scalars(
        select(ReviewerProfile).where(ReviewerProfile.id.in_(ids), ReviewerProfile.active)
    ).all()
    return {e.id: e for e in found}


def form_panel(call, *, member_ids, reserve_ids, settings, actor):
    """A panel chosen by hand from active experts; reserves replace members who step back."""
    member_ids, reserve_ids = list(dict.fromkeys(member_ids)), list(dict.fromkeys(reserve_ids))
    if set(member_ids) & set(reserve_ids):
        raise ReviewError(_("An expert cannot be both a member and a reserve."), "reserve_ids")
    experts = active_experts([*member_ids, *reserve_ids])
    if len(experts) != len(member_ids) + len(reserve_ids):
        raise ReviewError(_("Only active experts of the pool can sit on a panel."), "member_ids")
    panel = _new_panel(
        call, method=PanelMethod.MANUAL, size=len(member_ids), settings=settings, actor=actor
    )
    add_members(panel, member_ids, reserve_ids)
    audit.record(
        "panel.form",
        panel,
        actor=actor,
        after={
            "call_id": call.id,
            "method": PanelMethod.MANUAL,
            "members": ",".join(experts[i].name for i in member_ids),
            "reserves": ",".join(experts[i].name for i in reserve_ids),
            **settings,
        },
    )
    return panel


def draw_candidates(category_ids):
    """Active experts with expertise in any of category_ids (all active experts if none)."""
    from venture.review.models import reviewer_expertise

    query = select(ReviewerProfile.id).where(ReviewerProfile.active)
    if category_ids:
        query = query.where(
            ReviewerProfile.id.in_(
                select(reviewer_expertise.c.reviewer_id).where(
                    reviewer_expertise.c.category_id.in_(category_ids)
                )
            )
        )
    return sorted(db.session.scalars(query).all())


def draw_panel(call, *, category_ids, size, reserves, seed, settings, actor):
    """A panel drawn at random from the filtered pool; seed, candidates and result recorded."""
    seed = (seed or "").strip() or draw.new_seed()
    candidates = draw_candidates(category_ids)
    needed = size + reserves
    if needed > len(candidates):
        raise ReviewError(
            _(
                "Only %(n)d active experts match these fields; %(size)d members and "
                "%(reserves)d reserves need %(needed)d.",
                n=len(candidates),
                size=size,
                reserves=reserves,
                needed=needed,
            ),
            "size",
        )
    panel = _new_panel(call, method=PanelMethod.DRAW, size=size, settings=settings, actor=actor)
    drawn = draw.draw_panel(candidates, needed, seed)
    panel.seed = seed
    panel.draw_categories = sorted(category_ids)
    panel.candidates = candidates
    panel.drawn = drawn
    add_members(panel, drawn[:size], drawn[size:])
    audit.record(
        "panel.draw",
        panel,
        actor=actor,
        after={
            "call_id": call.id,
            "seed": seed,
            "categories": ",".join(map(str, panel.draw_categories)),
            "candidates": ",".join(map(str, candidates)),
            "drawn": ",".join(map(str, drawn)),
            "size": size,
            "reserves": reserves,
            **settings,
        },
    )
    return panel


def draw_reproduces(panel):
    """Whether drawing again from the recorded seed and candidates gives the recorded result."""
    if panel.method != PanelMethod.DRAW:
        return None
    return draw.draw_panel(panel.candidates, len(panel.drawn), panel.seed) == panel.drawn


def _assignment_count(panel):
    return db.session.scalar(
        select(func.count())
        .select_from(ReviewAssignment)
        .where(ReviewAssignment.panel_id == panel.id)
    )


def dissolve_panel(panel, *, actor):
    """Remove a panel that has not been given any application yet."""
    if _assignment_count(panel):
        raise ReviewError(_("The panel has assignments already; it can no longer be dissolved."))
    audit.record(
        "panel.dissolve",
        panel,
        actor=actor,
        before={"members": ",".join(m.reviewer.name for m in panel.members)},
    )
    db.session.delete(panel)


def add_reserve(panel, expert, *, actor):
    """Another reserve for a panel at work, to replace members who step back."""
    _refuse_after_proposal(panel)
    if not expert.active:
        raise ReviewError(_("Only active experts of the pool can sit on a panel."), "reviewer_id")
    if any(m.reviewer_id == expert.id for m in panel.members):
        raise ReviewError(_("%(name)s is on the panel already.", name=expert.name), "reviewer_id")
    position = max((m.position for m in panel.members), default=0) + 1
    panel.members.append(PanelMember(reviewer_id=expert.id, reserve=True, position=position))
    audit.record("panel.add_reserve", panel, actor=actor, after={"reserve": expert.name})


def update_panel_settings(panel, *, deadline, spread_threshold, actor):
    _refuse_after_proposal(panel)
    before = audit.snapshot(panel, ("deadline", "spread_threshold"))
    panel.deadline, panel.spread_threshold = deadline, spread_threshold
    audit.record_changes(
        "panel.settings", panel, actor=actor, before=before, fields=("deadline", "spread_threshold")
    )


def _refuse_after_proposal(panel):
    if panel.proposed_at is not None:
        raise ReviewError(_("Awards have been proposed for this call; the review is closed."))


# ── assignment and conflicts ────────────────────────────────────────────────────────────────


def applications_in_review(call_id):
    return db.session.scalars(
        select(Application)
        .where(Application.call_id == call_id, Application.state.in_(IN_REVIEW))
        .order_by(Application.submitted_at, Application.id)
    ).all()


def _assignments_of(panel):
    return db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.panel_id == panel.id)
    ).all()


def _declared_ties(assignments):
    """Organizations a reviewer declared a conflict with: their other applications too."""
    ties = defaultdict(set)
    for a in assignments:
        if a.state == AssignmentState.CONFLICT:
            ties[a.reviewer_id].add(a.application.organization_id)
    return ties


def assign_reviewers(panel, *, actor):
    """Give each eligible application of the call up to k reviewers (members first, then
    reserves), never one tied to the applicant; eligible applications go under review.

    Returns (assignments made, {application: reviewers still missing}).
    """
    from venture.applications.lifecycle import APPLICATION_WORKFLOW

    _refuse_after_proposal(panel)
    applications = applications_in_review(panel.call_id)
    if not applications:
        raise ReviewError(_("The call has no eligible applications to assign."))
    assignments = _assignments_of(panel)
    on_application = defaultdict(set)
    active = defaultdict(int)
    load = defaultdict(int)
    for a in assignments:
        on_application[a.application_id].add(a.reviewer_id)
        if a.is_active:
            active[a.application_id] += 1
            load[a.reviewer_id] += 1
    member_ids = [m.reviewer_id for m in panel.regular_members]
    reserve_ids = [m.reviewer_id for m in panel.reserve_members]
    ties = tied_organizations([*member_ids, *reserve_ids])
    for reviewer_id, orgs in _declared_ties(assignments).items():
        ties[reviewer_id] |= orgs
    needs = [
        draw.Need(
            application_id=app.id,
            organization_id=app.organization_id,
            wanted=panel.reviewers_per_application - active[app.id],
            excluded=frozenset(on_application[app.id]),
        )
        for app in applications
        if active[app.id] < panel.reviewers_per_application
    ]
    if not needs:
        raise ReviewError(_("Every eligible application has its reviewers already."))
    seed = panel.seed or f"panel-{panel.id}"
    pairs, missing = draw.plan_assignments(needs, member_ids, ties, load, seed)
    if missing and reserve_ids:
        by_id = {n.application_id: n for n in needs}
        given = defaultdict(set)
        for application_id, reviewer_id in pairs:
            given[application_id].add(reviewer_id)
        second = [
            draw.Need(
                application_id=a,
                organization_id=by_id[a].organization_id,
                wanted=count,
                excluded=by_id[a].excluded | given[a],
            )
            for a, count in missing.items()
        ]
        more, missing = draw.plan_assignments(second, reserve_ids, ties, load, seed)
        pairs += more
    made = []
    for application_id, reviewer_id in pairs:
        assignment = ReviewAssignment(
            panel_id=panel.id,
            application_id=application_id,
            reviewer_id=reviewer_id,
            created_by_id=actor.id,
        )
        db.session.add(assignment)
        made.append(assignment)
    db.session.flush()
    for assignment in made:
        audit.record(
            "review.assign",
            assignment,
            actor=actor,
            after={
                "application_id": assignment.application_id,
                "reviewer_id": assignment.reviewer_id,
            },
        )
    by_app = {app.id: app for app in applications}
    now_assigned = {a.application_id for a in made} | {a for a, n in active.items() if n}
    for app in applications:
        if app.state == ApplicationState.ELIGIBLE and app.id in now_assigned:
            transition(APPLICATION_WORKFLOW, app, "start_review", actor=actor)
    _tell_reviewers_of_new_work(panel, made)
    return made, {by_app[a]: n for a, n in missing.items()}


def replace_reviewer(assignment, expert, *, actor):
    """A new reviewer for the application of an assignment ended by a conflict."""
    panel = assignment.panel
    _refuse_after_proposal(panel)
    if assignment.state != AssignmentState.CONFLICT:
        raise ReviewError(_("Only a reviewer who declared a conflict is replaced."))
    candidates = {e.id for e in replacement_candidates(assignment)}
    if expert.id not in candidates:
        raise ReviewError(
            _("%(name)s cannot review this application.", name=expert.name), "reviewer_id"
        )
    new = ReviewAssignment(
        panel_id=panel.id,
        application_id=assignment.application_id,
        reviewer_id=expert.id,
        created_by_id=actor.id,
    )
    db.session.add(new)
    audit.record(
        "review.replace",
        new,
        actor=actor,
        after={"application_id": new.application_id, "reviewer_id": expert.id},
        reason=_("Replaces %(name)s", name=assignment.reviewer.name),
    )
    _tell_reviewers_of_new_work(panel, [new])
    return new


def replacement_candidates(assignment):
    """Panel members and reserves who may take over the assignment's application, least loaded
    first."""
    panel = assignment.panel
    assignments = _assignments_of(panel)
    taken = {a.reviewer_id for a in assignments if a.application_id == assignment.application_id}
    load = defaultdict(int)
    for a in assignments:
        if a.is_active:
            load[a.reviewer_id] += 1
    ids = [m.reviewer_id for m in panel.members]
    ties = tied_organizations(ids)
    for reviewer_id, orgs in _declared_ties(assignments).items():
        ties[reviewer_id] |= orgs
    organization_id = assignment.application.organization_id
    members = [
        m
        for m in panel.members
        if m.reviewer_id not in taken and organization_id not in ties[m.reviewer_id]
    ]
    members.sort(key=lambda m: (load[m.reviewer_id], m.reserve, m.position))
    return [m.reviewer for m in members]


def _end_assignment(assignment, *, reason):
    """A conflict ends the assignment: the draft is discarded, staff are told."""
    assignment.conflict_at = now()
    assignment.conflict_reason = reason
    if assignment.sheet is not None:
        db.session.delete(assignment.sheet)
    panel = assignment.panel
    _notify(
        [panel.formed_by],
        _l("A reviewer stepped back from an application (回避)"),
        _l(
            "%(name)s will not review “%(title)s” in %(call)s: %(reason)s. Please choose a "
            "replacement.",
            name=assignment.reviewer.name,
            title=assignment.application.title,
            call=panel.call.title,
            reason=reason,
        ),
        "review.panel",
        call_id=panel.call_id,
    )


def declare_no_conflict(assignment, *, actor):
    """The reviewer confirms having no tie to the applicant; the sheet opens."""
    if assignment.state != AssignmentState.ACTIVE:
        raise ReviewError(_("You declared a conflict with this application."))
    if assignment.no_conflict_at is not None:
        return assignment.sheet
    _refuse_after_proposal(assignment.panel)
    assignment.no_conflict_at = now()
    sheet = ReviewSheet(assignment=assignment)
    db.session.add(sheet)
    audit.record("review.no_conflict", assignment, actor=actor, after={"no_conflict_at": now()})
    return sheet


def declare_conflict(assignment, *, reason, actor):
    """回避: the reviewer steps back from the application; staff replace them."""
    if assignment.is_submitted:
        raise ReviewError(_("Your sheet is submitted; ask the programme staff to reopen it first."))
    _refuse_after_proposal(assignment.panel)
    transition(ASSIGNMENT_WORKFLOW, assignment, "declare_conflict", actor=actor, reason=reason)
    _end_assignment(assignment, reason=reason.strip())


# ── score sheets ────────────────────────────────────────────────────────────────────────────


# modules that score with the panel in other settings (the roadshow) may lock a sheet:
# each lock is (sheet) -> a refusal message or None
SHEET_LOCKS = []


def sheet_lock(sheet):
    """Why a registered lock keeps sheet from changing now, or None."""
    for lock in SHEET_LOCKS:
        message = lock(sheet)
        if message:
            return message
    return None


def _check_sheet_open(sheet, actor):
    from venture.review.permissions import owns_assignment

    if not owns_assignment(actor, sheet.assignment):
        raise ReviewError(_("You are not allowed to do this."))
    if sheet.assignment.state != AssignmentState.ACTIVE:
        raise ReviewError(
            _("You declared a conflict with this application; it can no longer be scored.")
        )
    if sheet.state != SheetState.DRAFT:
        raise ReviewError(_("This sheet is submitted and final; staff can reopen it."))
    _refuse_before_deadline(sheet.assignment.panel)
    _refuse_after_proposal(sheet.assignment.panel)
    locked = sheet_lock(sheet)
    if locked:
        raise ReviewError(str(locked))


def save_sheet(sheet, *, entries, overall_comment, actor):
    """Save a draft as typed; returns the messages for values that are not valid scores.

    entries: {criterion_id: (typed score, comment)}.
    """
    _check_sheet_open(sheet, actor)
    criteria = criteria_of(sheet.assignment.panel.call_id)
    errors = sheets.write_entries(sheet, criteria, entries, overall_comment)
    audit.record(
        "review_sheet.save",
        sheet,
        actor=actor,
        after={"scores": _typed(sheet, criteria)},
    )
    return errors


def _typed(sheet, criteria):
    return "; ".join(
        f"{c.name}={(sheet.score_for(c.id) and sheet.score_for(c.id).raw) or ''}" for c in criteria
    )


def submit_sheet(sheet, *, entries, overall_comment, actor):
    """Save, then submit when every criterion has a valid score; otherwise SheetIncomplete
    (the draft stays saved, so the caller commits in both cases)."""
    errors = save_sheet(sheet, entries=entries, overall_comment=overall_comment, actor=actor)
    criteria = criteria_of(sheet.assignment.panel.call_id)
    if not criteria:
        raise ReviewError(_("The call has no rubric yet."))
    errors = sheets.unscored(sheet, criteria, errors)
    if errors:
        raise SheetIncomplete(errors)
    # the total is written with the state (the audit log's queries flush the session)
    sheet.total = sheets.total_of(sheet, criteria)
    sheet.submitted_at = now()
    try:
        transition(SHEET_WORKFLOW, sheet, "submit", actor=actor)
    except TransitionRefused:
        sheet.total = sheet.submitted_at = None
        raise
    sheet.first_submitted_at = sheet.first_submitted_at or sheet.submitted_at
    audit.record("review_sheet.total", sheet, actor=actor, after={"total": sheet.total})


def reopen_sheet(sheet, *, reason, actor):
    """Staff give a submitted sheet back to its reviewer, with a reason (audited)."""
    locked = sheet_lock(sheet)
    if locked:
        raise ReviewError(str(locked))
    transition(SHEET_WORKFLOW, sheet, "reopen", actor=actor, reason=reason)
    sheet.total = None
    sheet.submitted_at = None
    assignment = sheet.assignment
    _notify(
        [assignment.reviewer.user],
        _l("A score sheet was reopened for you"),
        _l(
            "Your score sheet for “%(title)s” was reopened by the programme staff: %(reason)s",
            title=assignment.application.title,
            reason=reason.strip(),
        ),
        "review.score",
        assignment_id=assignment.id,
    )


def send_reminders(panel, *, actor):
    """One message to each reviewer with unsubmitted sheets; returns how many were told."""
    _refuse_after_proposal(panel)
    open_work = defaultdict(int)
    for a in _assignments_of(panel):
        if a.is_active and not a.is_submitted:
            open_work[a.reviewer] += 1
    if not open_work:
        raise ReviewError(_("Every reviewer has submitted all their sheets."))
    for reviewer, count in open_work.items():
        _notify(
            [reviewer.user],
            _l("Reminder: applications to score for %(call)s", call=panel.call.title),
            _due_text(panel, count),
            "review.queue",
        )
    panel.reminded_at = now()
    audit.record(
        "panel.remind",
        panel,
        actor=actor,
        after={"reviewers": ",".join(sorted(r.name for r in open_work))},
    )
    return len(open_work)


class LocalDate:
    """A date written in the language of whoever reads it (notifications are lazy texts)."""

    def __init__(self, day):
        self.day = day

    def __str__(self):
        return local_date(self.day)


def _due_text(panel, count):
    if panel.deadline:
        return _l(
            "You have %(n)d applications to score in %(call)s by %(date)s.",
            n=count,
            call=panel.call.title,
            date=LocalDate(panel.deadline),
        )
    return _l("You have %(n)d applications to score in %(call)s.", n=count, call=panel.call.title)


def _tell_reviewers_of_new_work(panel, assignments):
    counts = defaultdict(int)
    for a in assignments:
        counts[a.reviewer_id] += 1
    experts = active_experts(list(counts))
    for reviewer_id, count in counts.items():
        expert = experts.get(reviewer_id) or db.session.get(ReviewerProfile, reviewer_id)
        _notify(
            [expert.user],
            _l("New applications to review for %(call)s", call=panel.call.title),
            _due_text(panel, count),
            "review.queue",
        )


def _refuse_before_deadline(panel):
    """The panel's work waits for the call's application deadline (venture.integrity)."""
    refusal = panel_work_refusal(panel.call)
    if refusal:
        raise ReviewError(refusal)


def choose_aggregation(panel, aggregation, *, actor):
    """Ranking: the aggregation that orders the applications."""
    _refuse_before_deadline(panel)
    _refuse_after_proposal(panel)
    before = audit.snapshot(panel, ("aggregation",))
    panel.aggregation = aggregation
    audit.record_changes(
        "panel.aggregation", panel, actor=actor, before=before, fields=("aggregation",)
    )


# ── awards and the result ───────────────────────────────────────────────────────────────────


def propose_awards(panel, ranking, decisions, *, actor):
    """Awards down the ranking: decisions {application_id: (amount or None, justification)}.

    Every sheet must be in; each amount is positive, at most the requested amount and the
    call's cap; the awards together stay within the budget; an award to an application ranked
    below one left out needs a written justification. Funded applications become proposed
    awards, the others not selected.
    """
    from venture.applications.lifecycle import APPLICATION_WORKFLOW

    _refuse_before_deadline(panel)
    _refuse_after_proposal(panel)
    call = panel.call
    open_sheets = sum(1 for a in _assignments_of(panel) if a.is_active and not a.is_submitted)
    if open_sheets:
        raise ProposalRefused(
            _("%(n)d score sheets are not submitted yet; the ranking is not final.", n=open_sheets)
        )
    unscored = [row.application for row in ranking if row.score is None]
    if unscored:
        raise ProposalRefused(
            _(
                "“%(title)s” has no submitted score sheet; assign reviewers to it first.",
                title=unscored[0].title,
            )
        )
    errors = {}
    funded = []
    skipped_above = False
    for row in ranking:
        app = row.application
        amount, justification = decisions.get(app.id, (None, ""))
        justification = (justification or "").strip()
        if amount is None:
            skipped_above = True
            continue
        if amount <= 0:
            errors[app.id] = _("The amount must be more than 0.")
        elif amount > app.requested_amount:
            errors[app.id] = _(
                "The amount is more than the %(requested)s requested.",
                requested=yuan(app.requested_amount),
            )
        elif amount > call.cap_per_project:
            errors[app.id] = _(
                "The amount is more than the call's cap of %(cap)s per project.",
                cap=yuan(call.cap_per_project),
            )
        elif skipped_above and not justification:
            errors[app.id] = _(
                "This application is funded ahead of a higher-ranked one: write why."
            )
        funded.append((row, amount, justification))
    if errors:
        raise ProposalRefused(_("Please correct the marked rows."), errors)
    if not funded:
        raise ProposalRefused(_("Choose at least one application to fund."))
    committed = db.session.scalar(
        select(func.coalesce(func.sum(Award.amount), 0)).where(
            Award.call_id == call.id, Award.state != AwardState.CANCELLED
        )
    )
    total = sum((amount for _row, amount, _j in funded), Decimal("0.00"))
    if total + Decimal(committed) > call.total_budget:
        over = total + Decimal(committed) - call.total_budget
        raise ProposalRefused(
            _(
                "The awards add up to %(total)s, which is %(over)s more than the call's budget "
                "of %(budget)s.",
                total=yuan(total + Decimal(committed)),
                over=yuan(over),
                budget=yuan(call.total_budget),
            )
        )
    funded_ids = set()
    for row, amount, justification in funded:
        app = row.application
        award = Award(
            call_id=call.id,
            organization_id=app.organization_id,
            application_id=app.id,
            route=call.route,
            amount=amount,
            state=AwardState.PROPOSED,
            rank=row.rank,
            justification=justification or None,
            created_by_id=actor.id,
        )
        db.session.add(award)
        audit.record(
            "award.propose",
            award,
            actor=actor,
            after={
                "application_id": app.id,
                "amount": amount,
                "requested": app.requested_amount,
                "rank": row.rank,
                "score": row.display_score,
            },
            reason=justification or None,
        )
        transition(APPLICATION_WORKFLOW, app, "propose_award", actor=actor)
        funded_ids.add(app.id)
    for row in ranking:
        if row.application.id not in funded_ids:
            transition(APPLICATION_WORKFLOW, row.application, "not_select", actor=actor)
    panel.proposed_at = now()
    audit.record(
        "panel.propose",
        panel,
        actor=actor,
        after={
            "aggregation": panel.aggregation,
            "awards": len(funded_ids),
            "total": total,
            "budget": call.total_budget,
        },
    )
    return total


def _notify(users, subject, body, endpoint, **values):
    """Inbox and e-mail through venture.notifications (lazy texts: the recipient's language)."""
    notify(users, subject, body, url_for(endpoint, **values))


def panel_progress(panel_ids):
    """{panel_id: (submitted sheets, standing assignments)}: one grouped query."""
    if not panel_ids:
        return {}
    rows = db.session.execute(
        select(
            ReviewAssignment.panel_id,
            func.count(ReviewSheet.id).filter(ReviewSheet.state == SheetState.SUBMITTED),
            func.count(ReviewAssignment.id),
        )
        .outerjoin(ReviewSheet, ReviewSheet.assignment_id == ReviewAssignment.id)
        .where(
            ReviewAssignment.panel_id.in_(panel_ids),
            ReviewAssignment.application_id.is_not(None),
            ReviewAssignment.state == AssignmentState.ACTIVE,
        )
        .group_by(ReviewAssignment.panel_id)
    )
    return {panel_id: (done, total) for panel_id, done, total in rows}


def applications_needing_reviewers(panel):
    """How many eligible applications have fewer than k standing reviewers: one statement."""
    if panel.proposed_at is not None:
        return 0
    standing = (
        select(ReviewAssignment.application_id, func.count().label("n"))
        .where(
            ReviewAssignment.panel_id == panel.id,
            ReviewAssignment.state == AssignmentState.ACTIVE,
        )
        .group_by(ReviewAssignment.application_id)
        .subquery()
    )
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .outerjoin(standing, standing.c.application_id == Application.id)
        .where(
            Application.call_id == panel.call_id,
            Application.state.in_(IN_REVIEW),
            func.coalesce(standing.c.n, 0) < panel.reviewers_per_application,
        )
    )


# ── the announcement (公示) and the final result ─────────────────────────────────────────────


def result_announcement(panel):
    """The newest review-result announcement of the panel, or None."""
    from venture.announcements.operations import announcements_about

    found = announcements_about(panel, kind="review_result")
    return found[0] if found else None


def preview_period(period_days):
    from venture.announcements.operations import preview_period as preview

    return preview(period_days)


def publish_result(panel, ranking, *, title, introduction, period_days, actor):
    """Publish the proposed awards as a 公示 for period_days Chinese working days."""
    from flask import render_template

    from venture.announcements.enums import AnnouncementState
    from venture.announcements.operations import publish_announcement

    _refuse_before_deadline(panel)
    if panel.proposed_at is None:
        raise ReviewError(_("Propose the awards before publishing the result."))
    current = result_announcement(panel)
    if current is not None and current.state != AnnouncementState.WITHDRAWN:
        raise ReviewError(_("The result is published already."))
    body = render_template(
        "review/announcement_body.html",
        panel=panel,
        call=panel.call,
        rows=[row for row in ranking.rows if row.award is not None],
        introduction=(introduction or "").strip(),
    )
    announcement = publish_announcement(
        kind="review_result",
        title=title,
        body=body,
        actor=actor,
        period_days=period_days,
        call=panel.call,
        subject=panel,
    )
    audit.record(
        "panel.publish",
        panel,
        actor=actor,
        after={"announcement_id": announcement.id, "ends_on": announcement.ends_on},
    )
    return announcement


def finalise_review_result(announcement, actor):
    """Finaliser of "review_result": the objection period ended with no objection upheld.

    The call's proposed awards become final; proposed applications are awarded and those not
    selected are not awarded (each application's members are told by its workflow).
    """
    from venture.applications.lifecycle import APPLICATION_WORKFLOW
    from venture.procurement.lifecycle import AWARD_WORKFLOW

    panel = announcement.subject
    if not isinstance(panel, Panel):
        raise ReviewError(_("This announcement is not a review result."))
    awards = db.session.scalars(
        select(Award).where(Award.call_id == panel.call_id, Award.state == AwardState.PROPOSED)
    ).all()
    for award in awards:
        transition(AWARD_WORKFLOW, award, "confirm", actor=actor)
        award.final_at = now()
    applications = db.session.scalars(
        select(Application).where(
            Application.call_id == panel.call_id,
            Application.state.in_((ApplicationState.PROPOSED, ApplicationState.NOT_SELECTED)),
        )
    ).all()
    for app in applications:
        action = "confirm_award" if app.state == ApplicationState.PROPOSED else "close_not_selected"
        transition(APPLICATION_WORKFLOW, app, action, actor=actor)


register_finaliser("review_result", finalise_review_result)
