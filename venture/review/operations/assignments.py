"""Assignments (评审分配) of reviewers to applications, conflicts (回避) and replacements."""

from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.core import audit
from venture.core.formatting import local_date
from venture.core.lifecycle import transition
from venture.core.timeutil import now
from venture.extensions import db
from venture.review import draw
from venture.review.enums import AssignmentState
from venture.review.lifecycle import ASSIGNMENT_WORKFLOW
from venture.review.models import (
    ReviewAssignment,
    ReviewerProfile,
    ReviewSheet,
)
from venture.review.operations.common import IN_REVIEW, ReviewError, notify_link
from venture.review.operations.panels import active_experts, refuse_after_proposal
from venture.review.ties import tied_organizations

# ── assignment and conflicts ────────────────────────────────────────────────────────────────


def applications_in_review(call_id):
    return db.session.scalars(
        select(Application)
        .where(Application.call_id == call_id, Application.state.in_(IN_REVIEW))
        .order_by(Application.submitted_at, Application.id)
    ).all()


def assignments_of(panel):
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

    refuse_after_proposal(panel)
    applications = applications_in_review(panel.call_id)
    if not applications:
        raise ReviewError(_("The call has no eligible applications to assign."))
    assignments = assignments_of(panel)
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
    refuse_after_proposal(panel)
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
    audit.record_added(
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
    assignments = assignments_of(panel)
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


def end_assignment(assignment, *, reason):
    """A conflict ends the assignment: the draft is discarded, staff are told."""
    assignment.conflict_at = now()
    assignment.conflict_reason = reason
    if assignment.sheet is not None:
        db.session.delete(assignment.sheet)
    panel = assignment.panel
    notify_link(
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
    refuse_after_proposal(assignment.panel)
    assignment.no_conflict_at = now()
    sheet = ReviewSheet(assignment=assignment)
    db.session.add(sheet)
    audit.record("review.no_conflict", assignment, actor=actor, after={"no_conflict_at": now()})
    return sheet


def declare_conflict(assignment, *, reason, actor):
    """回避: the reviewer steps back from the application; staff replace them."""
    if assignment.is_submitted:
        raise ReviewError(_("Your sheet is submitted; ask the programme staff to reopen it first."))
    refuse_after_proposal(assignment.panel)
    transition(ASSIGNMENT_WORKFLOW, assignment, "declare_conflict", actor=actor, reason=reason)
    end_assignment(assignment, reason=reason.strip())


class LocalDate:
    """A date written in the language of whoever reads it (notifications are lazy texts)."""

    def __init__(self, day):
        self.day = day

    def __str__(self):
        return local_date(self.day)


def due_text(panel, count):
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
        notify_link(
            [expert.user],
            _l("New applications to review for %(call)s", call=panel.call.title),
            due_text(panel, count),
            "review.queue",
        )
