"""The expert pool (专家库): experts, their fields of expertise and their ties."""

from flask_babel import gettext as _
from sqlalchemy import select

from venture.applications.models import Application
from venture.auth import operations as accounts
from venture.auth.enums import Role
from venture.core import audit
from venture.core.lifecycle import transition
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.review.enums import AssignmentState
from venture.review.lifecycle import ASSIGNMENT_WORKFLOW
from venture.review.models import Panel, ReviewAssignment, ReviewerAffiliation, ReviewerProfile
from venture.review.operations.assignments import end_assignment
from venture.review.operations.common import PROFILE_FIELDS, ReviewError
from venture.review.ties import affiliation_counts, profile_for


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
    audit.record_added(
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
        user = accounts.create_account(account, roles=[Role.REVIEWER], actor=actor)
    except accounts.AccountError as error:
        raise ReviewError(str(error), "email") from error
    return add_expert(user, profile=profile, categories=categories, actor=actor)


def update_expert(expert, *, profile, categories, actor):
    before = {**audit.snapshot(expert, PROFILE_FIELDS), "expertise": _expertise_codes(expert)}
    for key, value in profile.items():
        setattr(expert, key, value)
    _set_expertise(expert, categories)
    after = {**audit.snapshot(expert, PROFILE_FIELDS), "expertise": _expertise_codes(expert)}
    # strings, a flag and a list of codes: compared as they are
    audit.record_difference("reviewer.update", expert, actor=actor, before=before, after=after)


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
            end_assignment(assignment, reason=_("Tie to %(org)s", org=organization.name))
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
