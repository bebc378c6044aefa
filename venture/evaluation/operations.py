"""Evaluation operations: rubric, assignment, self-assessment, scoring, announcement, result.

Every function checks, changes and audits; the caller commits. When an announced result
becomes final (the announcements module calls `finalise_evaluation_result`), a pass moves the
project on and meets the matching installment condition (payments' `evaluation_passed`); a
fail holds back later installments (`rules.evaluation_blocks_release`) until staff order
rectification and a re-evaluation passes, or terminate the project.
"""

from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from venture.announcements.operations import publish_announcement, register_finaliser
from venture.auth.enums import Role
from venture.auth.models import User
from venture.auth.operations import active_holders
from venture.core import audit
from venture.core.actions import Refused
from venture.core.concurrency import claim_edit
from venture.core.files import DOCUMENT_TYPES, UploadRefused, store_upload
from venture.core.formatting import local_date
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.timeutil import local_today, now
from venture.delivery.documents import REPORT_DOCUMENTS
from venture.delivery.enums import ProjectState
from venture.delivery.evaluations import EVALUATIONS
from venture.delivery.lifecycle import PROJECT_WORKFLOW
from venture.delivery.models import Project
from venture.delivery.operations import org_members
from venture.evaluation.enums import EvaluationKind, EvaluationState
from venture.evaluation.grading import RUBRIC_TOTAL, default_rubric, grade_for
from venture.evaluation.lifecycle import EVALUATION_WORKFLOW
from venture.evaluation.models import Evaluation, EvaluationCriterion, EvaluationScore
from venture.evaluation.permissions import (
    can_manage_evaluations,
    can_self_assess,
    is_assigned_evaluator,
)
from venture.evaluation.rules import (
    criteria_of,
    evaluation_blocks_release,
    evaluations_of,
    evaluator_assigned,
    evaluator_conflict,
    latest_final_evaluation,
    open_evaluation,
    unresolved_failure,
)
from venture.extensions import db
from venture.notifications.operations import notify, staff_users
from venture.payments.lifecycle import RELEASE_RULES
from venture.payments.operations import evaluation_passed
from venture.review.scoring import display_points, parse_max_score, parse_score

TEXT_MAX = 20000
ANNOUNCEMENT_DAYS = 5  # working days of the result announcement, by default


class EvaluationError(Refused):
    """A refused evaluation operation; field names the form field to show it on."""


def _link(endpoint, **values):
    return url_for(endpoint, **values)


# ── the rubric ──────────────────────────────────────────────────────────────────────────────


def rubric_locked(call_id, kind):
    """Locked once an evaluation of the call and kind has been scored against it."""
    found = db.session.scalar(
        sa.select(Evaluation.id)
        .join(Project, Project.id == Evaluation.project_id)
        .where(
            Project.call_id == call_id,
            Evaluation.kind == EvaluationKind(kind),
            Evaluation.scored_at.is_not(None),
        )
        .limit(1)
    )
    return found is not None


def read_rubric(rows):
    """[(name, description, max text)] → [dict], or EvaluationError naming the first problem."""
    criteria = []
    for n, (name, description, max_text) in enumerate(rows, 1):
        name, description = (name or "").strip(), (description or "").strip()
        if not name and not (max_text or "").strip():
            continue
        if not name:
            raise EvaluationError(_("Criterion %(n)d needs a name.", n=n))
        if len(name) > 100:
            raise EvaluationError(_("Criterion %(n)d: the name is too long (at most 100).", n=n))
        value, message = parse_max_score(max_text)
        if message:
            raise EvaluationError(_("Criterion %(n)d: %(problem)s", n=n, problem=message))
        criteria.append({"name": name, "description": description, "max_score": value})
    total = sum((c["max_score"] for c in criteria), Decimal(0))
    if total != RUBRIC_TOTAL:
        raise EvaluationError(
            _(
                "The criteria add up to %(total)s points; an evaluation rubric has 100.",
                total=display_points(total),
            )
        )
    return criteria


def save_rubric(call, kind, criteria, *, actor):
    """Replace the call's rubric of kind (checked by read_rubric) while nothing is scored."""
    if not can_manage_evaluations(actor):
        raise EvaluationError(_("You are not allowed to do this."))
    if rubric_locked(call.id, kind):
        raise EvaluationError(_("The rubric is locked: evaluations have been scored against it."))
    existing = criteria_of(call.id, kind)
    used = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(EvaluationScore)
        .where(EvaluationScore.criterion_id.in_([c.id for c in existing]))
    )
    if used:
        # scores were typed (not submitted): they belong to the old criteria
        db.session.execute(
            sa.delete(EvaluationScore).where(
                EvaluationScore.criterion_id.in_([c.id for c in existing])
            )
        )
    before = "; ".join(f"{c.name} {display_points(c.max_score)}" for c in existing)
    for criterion in existing:
        db.session.delete(criterion)
    db.session.flush()
    for n, row in enumerate(criteria, 1):
        db.session.add(
            EvaluationCriterion(call_id=call.id, kind=EvaluationKind(kind), position=n, **row)
        )
    audit.record(
        "evaluation_rubric.save",
        call,
        actor=actor,
        before={"kind": kind, "criteria": before},
        after={
            "kind": kind,
            "criteria": "; ".join(
                f"{c['name']} {display_points(c['max_score'])}" for c in criteria
            ),
        },
    )


def ensure_rubric(call, kind, *, actor):
    """The call's rubric of kind, the default one when staff have set none."""
    criteria = criteria_of(call.id, kind)
    if not criteria:
        save_rubric(call, kind, default_rubric(), actor=actor)
        db.session.flush()
        criteria = criteria_of(call.id, kind)
    return criteria


# ── assignment ─────────────────────────────────────────────────────────────────────────────


def evaluator_accounts():
    return active_holders(Role.EVALUATOR, User.name, User.id)


def evaluator_choices(project):
    """[(user, conflict message or None)] of every active evaluator for project."""
    return [(user, evaluator_conflict(user, project)) for user in evaluator_accounts()]


def assignable_kind_problem(project, kind):
    """Why an evaluation of kind cannot be assigned to project now, or None."""
    kind = EvaluationKind(kind)
    if open_evaluation(project) is not None:
        return _l("An evaluation of this project is still open.")
    failure = unresolved_failure(project)
    if project.state == ProjectState.RECTIFICATION:
        if failure is not None and failure.kind != kind:
            return _l(
                "The re-evaluation after rectification is a %(kind)s.", kind=failure.kind.label
            )
        return None
    if failure is not None:
        return _l(
            "The %(kind)s failed: order rectification (or terminate the project) first.",
            kind=failure.kind.label,
        )
    if kind == EvaluationKind.MIDTERM and project.state != ProjectState.IN_FORCE:
        return _l(
            "A mid-term evaluation is for a project being delivered; this one is %(state)s.",
            state=project.state.label,
        )
    if kind == EvaluationKind.FINAL and project.state not in (
        ProjectState.IN_FORCE,
        ProjectState.MIDTERM_EVALUATED,
    ):
        return _l(
            "A final evaluation is for a project being delivered; this one is %(state)s.",
            state=project.state.label,
        )
    return None


def _previous_failure(project, kind):
    failure = unresolved_failure(project)
    if failure is not None and failure.kind == EvaluationKind(kind):
        return failure
    return None


def assign_evaluation(project, *, kind, evaluator, due, actor):
    """Staff give an evaluation of project to an evaluator without a conflict; the organization
    submits its self-assessment by due (a date)."""
    if not can_manage_evaluations(actor):
        raise EvaluationError(_("You are not allowed to do this."))
    problem = assignable_kind_problem(project, kind)
    if problem:
        raise EvaluationError(problem, "kind")
    if evaluator is None:
        raise EvaluationError(_("Choose an evaluator."), "evaluator_id")
    conflict = evaluator_conflict(evaluator, project)
    if conflict:
        raise EvaluationError(conflict, "evaluator_id")
    if due is None:
        raise EvaluationError(_("Give the date the self-assessment is due."), "due")
    if due < local_today():
        raise EvaluationError(_("The self-assessment cannot be due in the past."), "due")
    ensure_rubric(project.call, kind, actor=actor)
    previous = _previous_failure(project, kind)
    evaluation = Evaluation(
        project=project,
        kind=EvaluationKind(kind),
        round=previous.round + 1 if previous else 1,
        reevaluation_of=previous,
        evaluator_id=evaluator.id,
        assigned_by_id=actor.id,
        assigned_at=now(),
        self_assessment_due=due,
    )
    audit.record_added(
        "evaluation.assign",
        evaluation,
        actor=actor,
        after={
            "project_id": project.id,
            "kind": evaluation.kind,
            "round": evaluation.round,
            "evaluator_id": evaluator.id,
            "self_assessment_due": due,
        },
    )
    db.session.flush()
    link = _link("evaluation.show", evaluation_id=evaluation.id)
    notify(
        [evaluator],
        _l("Evaluation assigned: %(title)s", title=project.title),
        _l(
            "You are asked to carry out the %(kind)s of “%(title)s” (%(org)s). The "
            "self-assessment is due by %(date)s.",
            kind=evaluation.kind.label,
            title=project.title,
            org=project.organization.name,
            date=local_date(due),
        ),
        link,
    )
    notify(
        org_members(project.organization_id),
        _l("%(kind)s: self-assessment due", kind=evaluation.kind.label),
        _l(
            "The %(kind)s of “%(title)s” has begun. Submit your self-assessment by %(date)s; "
            "a late self-assessment counts as not submitted.",
            kind=evaluation.kind.label,
            title=project.title,
            date=local_date(due),
        ),
        link,
    )
    return evaluation


def _require_open_for_evaluator(evaluation):
    if evaluation.state not in (EvaluationState.ASSIGNED, EvaluationState.SELF_ASSESSED):
        raise EvaluationError(
            _(
                "The evaluation is %(state)s: its evaluator can no longer change.",
                state=evaluation.state.label,
            )
        )


def reassign_evaluator(evaluation, evaluator, *, actor):
    if not can_manage_evaluations(actor):
        raise EvaluationError(_("You are not allowed to do this."))
    _require_open_for_evaluator(evaluation)
    if evaluator is None:
        raise EvaluationError(_("Choose an evaluator."), "evaluator_id")
    conflict = evaluator_conflict(evaluator, evaluation.project)
    if conflict:
        raise EvaluationError(conflict, "evaluator_id")
    before = {"evaluator_id": evaluation.evaluator_id}
    evaluation.evaluator_id = evaluator.id
    audit.record(
        "evaluation.reassign",
        evaluation,
        actor=actor,
        before=before,
        after={"evaluator_id": evaluator.id},
    )
    notify(
        [evaluator],
        _l("Evaluation assigned: %(title)s", title=evaluation.project.title),
        _l(
            "You are asked to carry out the %(kind)s of “%(title)s” (%(org)s).",
            kind=evaluation.kind.label,
            title=evaluation.project.title,
            org=evaluation.project.organization.name,
        ),
        _link("evaluation.show", evaluation_id=evaluation.id),
    )


def declare_conflict(evaluation, *, reason, actor):
    """回避: the evaluator steps back; staff assign another evaluator."""
    if not is_assigned_evaluator(actor, evaluation):
        raise EvaluationError(_("You are not allowed to do this."))
    _require_open_for_evaluator(evaluation)
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(_("Please give a reason."), "reason")
    line = f"{local_date(local_today())} {actor.name}: {reason}"
    evaluation.conflict_notes = (evaluation.conflict_notes + "\n" + line).strip()
    evaluation.evaluator_id = None
    evaluation.scores = []
    audit.record(
        "evaluation.conflict",
        evaluation,
        actor=actor,
        before={"evaluator_id": actor.id},
        after={"evaluator_id": None},
        reason=reason,
    )
    notify(
        [evaluation.assigned_by] if evaluation.assigned_by.active else staff_users(),
        _l("Evaluator stepped back: %(title)s", title=evaluation.project.title),
        _l(
            "%(name)s declared a conflict of interest (%(reason)s). "
            "Please assign another evaluator.",
            name=actor.name,
            reason=reason,
        ),
        _link("evaluation.show", evaluation_id=evaluation.id),
    )


# ── self-assessment ────────────────────────────────────────────────────────────────────────


def _store(storage, field, actor):
    try:
        return store_upload(storage, allowed=DOCUMENT_TYPES, actor=actor)
    except UploadRefused as refused:
        raise EvaluationError(str(refused), field) from None


def save_self_assessment(evaluation, *, text, attachment=None, final_report=None, actor):
    """The organization's self-assessment (自评报告) and, for a final evaluation, its final
    report (结项报告), kept as a draft until submitted."""
    if not can_self_assess(actor, evaluation):
        raise EvaluationError(_("You are not allowed to do this."))
    if evaluation.state != EvaluationState.ASSIGNED or evaluation.self_assessment_submitted:
        raise EvaluationError(_("The self-assessment was submitted; it can no longer change."))
    if local_today() > evaluation.self_assessment_due:
        raise EvaluationError(
            _(
                "The self-assessment was due by %(date)s; a late self-assessment counts as not "
                "submitted.",
                date=local_date(evaluation.self_assessment_due),
            )
        )
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise EvaluationError(
            _("The self-assessment is too long (at most %(max)d characters).", max=TEXT_MAX), "text"
        )
    evaluation.self_assessment = text
    if attachment is not None and attachment.filename:
        evaluation.self_assessment_file = _store(attachment, "attachment", actor)
    if final_report is not None and final_report.filename:
        evaluation.final_report_file = _store(final_report, "final_report", actor)
    db.session.flush()
    audit.record(
        "evaluation.self_assessment_save",
        evaluation,
        actor=actor,
        after={
            "length": len(text),
            "file_id": evaluation.self_assessment_file_id,
            "final_report_id": evaluation.final_report_file_id,
        },
    )


def submit_self_assessment(evaluation, *, actor):
    if evaluation.self_assessment_submitted:
        raise TransitionRefused(_("The self-assessment was submitted already."))
    transition(EVALUATION_WORKFLOW, evaluation, "submit_self_assessment", actor=actor)
    evaluation.self_submitted_at = now()
    if evaluation.evaluator is not None:
        notify(
            [evaluation.evaluator],
            _l("Self-assessment submitted: %(title)s", title=evaluation.project.title),
            _l("%(org)s submitted its self-assessment.", org=evaluation.project.organization.name),
            _link("evaluation.show", evaluation_id=evaluation.id),
        )


# ── scoring ────────────────────────────────────────────────────────────────────────────────


def save_scores(evaluation, *, entries, overall_comment, site_visit, actor):
    """Keep what the evaluator typed: {criterion_id: (raw, comment)}, the overall comment and
    the site visit {on, place, people, notes}. Returns {criterion_id: message} for scores that
    cannot be read (kept as typed, not counted)."""
    if not is_assigned_evaluator(actor, evaluation):
        raise EvaluationError(_("You are not allowed to do this."))
    _require_open_for_evaluator(evaluation)
    claim_edit(evaluation)  # first write: of two saves at the same instant, the second stops
    criteria = criteria_of(evaluation.project.call_id, evaluation.kind)
    errors = {}
    for criterion in criteria:
        raw, comment = entries.get(criterion.id, ("", ""))
        value, message = parse_score(raw, criterion.max_score)
        if message:
            errors[criterion.id] = message
        row = evaluation.score_for(criterion.id)
        if row is None:
            row = EvaluationScore(criterion_id=criterion.id)
            evaluation.scores.append(row)
        row.raw = (raw or "").strip()[:20]
        row.score = value
        row.comment = (comment or "").strip()[:TEXT_MAX]
    evaluation.overall_comment = (overall_comment or "").strip()[:TEXT_MAX]
    evaluation.site_visit_on = site_visit.get("on")
    evaluation.site_visit_place = (site_visit.get("place") or "").strip()[:200]
    evaluation.site_visit_people = (site_visit.get("people") or "").strip()[:TEXT_MAX]
    evaluation.site_visit_notes = (site_visit.get("notes") or "").strip()[:TEXT_MAX]
    db.session.flush()
    audit.record(
        "evaluation.scores_save",
        evaluation,
        actor=actor,
        after={"scored": sum(1 for s in evaluation.scores if s.score is not None)},
    )
    return errors


def running_total(evaluation):
    return sum((s.score for s in evaluation.scores if s.score is not None), Decimal("0"))


def submit_scores(evaluation, *, actor):
    """Submit the sheet: the total is the sum of the criterion scores and gives the grade."""
    transition(EVALUATION_WORKFLOW, evaluation, "score", actor=actor)
    evaluation.total = running_total(evaluation)
    evaluation.grade = grade_for(evaluation.total)
    evaluation.scored_at = now()
    audit.record(
        "evaluation.result",
        evaluation,
        actor=actor,
        after={"total": evaluation.total, "grade": evaluation.grade},
    )
    project = evaluation.project
    notify(
        [project.officer] if project.officer is not None else staff_users(),
        _l("Evaluation scored: %(title)s", title=project.title),
        _l(
            "%(kind)s: %(total)s points, %(grade)s. Announce the result when it is checked.",
            kind=evaluation.kind.label,
            total=display_points(evaluation.total),
            grade=evaluation.grade.label,
        ),
        _link("evaluation.show", evaluation_id=evaluation.id),
    )


def return_to_evaluator(evaluation, *, reason, actor):
    """Staff send a scored result back (e.g. after an upheld objection); the evaluator scores
    again."""
    transition(EVALUATION_WORKFLOW, evaluation, "return", actor=actor, reason=reason)
    evaluation.total = None
    evaluation.grade = None
    evaluation.scored_at = None
    evaluation.announcement_id = None
    evaluation.announced_at = None
    if evaluation.evaluator is not None:
        notify(
            [evaluation.evaluator],
            _l("Evaluation returned: %(title)s", title=evaluation.project.title),
            _l("Please review your scores: %(reason)s", reason=reason.strip()),
            _link("evaluation.show", evaluation_id=evaluation.id),
        )


# ── announcement and result ────────────────────────────────────────────────────────────────


def announcement_text(evaluation):
    """(title, body) of the result announcement, in the staff member's language."""
    project = evaluation.project
    title = _("%(kind)s result: %(title)s", kind=evaluation.kind.label, title=project.title)
    body = "".join(
        f"<p>{escape(line)}</p>"
        for line in (
            _(
                "Project: %(title)s (contract %(number)s)",
                title=project.title,
                number=project.contract.number,
            ),
            _("Organization: %(org)s", org=project.organization.name),
            _("Evaluation: %(kind)s", kind=evaluation.kind.label)
            + (_(" (re-evaluation after rectification)") if evaluation.is_reevaluation else ""),
            _(
                "Total: %(total)s points; grade: %(grade)s",
                total=display_points(evaluation.total),
                grade=evaluation.grade.label,
            ),
            _(
                "Anyone who disagrees with this result can lodge an objection on this page "
                "during the announcement period."
            ),
        )
    )
    return title, body


def announce_result(evaluation, *, period_days=ANNOUNCEMENT_DAYS, actor):
    """公示: publish the result with an objection window of period_days working days."""
    refusal = EVALUATION_WORKFLOW.refusal(evaluation, "announce", actor)
    if refusal:
        raise TransitionRefused(refusal)
    title, body = announcement_text(evaluation)
    announcement = publish_announcement(
        kind="evaluation_result",
        title=title[:200],
        body=body,
        actor=actor,
        period_days=period_days,
        call=evaluation.project.call,
        subject=evaluation,
    )
    transition(EVALUATION_WORKFLOW, evaluation, "announce", actor=actor)
    evaluation.announcement = announcement
    evaluation.announced_at = now()
    notify(
        org_members(evaluation.project.organization_id),
        _l("Evaluation result announced: %(title)s", title=evaluation.project.title),
        _l(
            "%(kind)s: %(total)s points, %(grade)s. The result is announced until %(date)s.",
            kind=evaluation.kind.label,
            total=display_points(evaluation.total),
            grade=evaluation.grade.label,
            date=local_date(announcement.ends_on),
        ),
        _link("evaluation.show", evaluation_id=evaluation.id),
    )
    return announcement


def finalise_evaluation_result(announcement, actor):
    """The announcement's finaliser: the result takes effect.

    Pass: the project moves on (mid-term / final evaluated, or out of rectification) and the
    installment conditioned on it is met. Fail: later installments stay blocked; staff order
    rectification (with a re-evaluation) or terminate the project.
    """
    evaluation = db.session.get(Evaluation, announcement.subject_id)
    if evaluation is None or announcement.subject_type != "Evaluation":
        raise TransitionRefused(_("This announcement is not about an evaluation."))
    transition(EVALUATION_WORKFLOW, evaluation, "finalise", actor=actor)
    evaluation.passed = evaluation.grade.passed
    evaluation.finalised_at = now()
    project = evaluation.project
    # the report as it takes effect, with its verification code and signature
    REPORT_DOCUMENTS.issue_evaluation_report(
        evaluation, criteria_of(project.call_id, evaluation.kind), actor=actor
    )
    if evaluation.passed:
        action = "pass_midterm" if evaluation.kind == EvaluationKind.MIDTERM else "pass_final"
        db.session.flush()
        transition(PROJECT_WORKFLOW, project, action, actor=actor)
        if (
            project.state == ProjectState.MIDTERM_EVALUATED
            or project.state == ProjectState.FINAL_EVALUATED
        ):
            project.rectification_due = None
        evaluation_passed(project, evaluation.kind.value, actor=actor)
        body = _l(
            "%(kind)s passed (%(grade)s). The installment that depends on it can now be released.",
            kind=evaluation.kind.label,
            grade=evaluation.grade.label,
        )
        staff_note = body
    else:
        body = _l(
            "%(kind)s failed (%(total)s points). Later installments are blocked; staff will "
            "order rectification with a re-evaluation, or terminate the project.",
            kind=evaluation.kind.label,
            total=display_points(evaluation.total),
        )
        staff_note = _l(
            "%(kind)s failed: order rectification (整改) with a deadline and a re-evaluation, or "
            "terminate the project.",
            kind=evaluation.kind.label,
        )
    link = _link("delivery.show", project_id=project.id)
    notify(
        org_members(project.organization_id),
        _l("Evaluation result final: %(title)s", title=project.title),
        body,
        link,
    )
    notify(
        [project.officer] if project.officer is not None else staff_users(),
        _l("Evaluation result final: %(title)s", title=project.title),
        staff_note,
        link,
    )


register_finaliser("evaluation_result", finalise_evaluation_result)
RELEASE_RULES.register(evaluation_refusal=evaluation_blocks_release)  # payments/lifecycle.py
# delivery/evaluations.py
EVALUATIONS.register(
    criteria_of,
    evaluations_of,
    latest_final_evaluation,
    open_evaluation,
    unresolved_failure,
    evaluator_assigned,
)
