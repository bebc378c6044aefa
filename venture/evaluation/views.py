"""Evaluation pages: staff management, the evaluator's tasks and score sheet, the organization's
self-assessment, the call's evaluation rubric."""

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from venture.announcements.forms import PeriodForm
from venture.applications.values import ValueProblem, parse_date, problem_message
from venture.auth.enums import Role
from venture.auth.models import User
from venture.calls.models import Call
from venture.core.access import deny_unless, roles_required, signed_in
from venture.core.actions import (
    button,
    flash_form_errors,
    form_action,
    form_page,
    show_refusal,
)
from venture.core.concurrency import EditConflict, stale_message
from venture.core.files import send_stored
from venture.core.formatting import local_date
from venture.core.integers import optional_id
from venture.core.lifecycle import TransitionRefused
from venture.core.pagination import paginate
from venture.core.panels import home_figures, home_panel
from venture.core.timeutil import local_today
from venture.delivery.enums import DELIVERING_STATES, ProjectState
from venture.delivery.models import Project
from venture.delivery.permissions import is_project_member
from venture.delivery.progress import accepted, project_progress
from venture.delivery.rules import load_project
from venture.evaluation import operations
from venture.evaluation.enums import EvaluationKind, EvaluationState
from venture.evaluation.forms import (
    AssignForm,
    EvaluatorForm,
    ReasonForm,
    RubricForm,
    SelfAssessmentForm,
    SiteVisitForm,
)
from venture.evaluation.lifecycle import (
    EVALUATION_WORKFLOW,
    scoring_problems,
    self_assessment_problems,
)
from venture.evaluation.models import Evaluation
from venture.evaluation.permissions import (
    can_manage_evaluations,
    can_see_scores,
    can_self_assess,
    can_view_evaluation,
    is_assigned_evaluator,
)
from venture.evaluation.rules import open_evaluation, unresolved_failure
from venture.evaluation.sections import evaluation_section, sections_for
from venture.extensions import db
from venture.review.scoring import display_points

bp = Blueprint("evaluation", __name__)
bp.add_app_template_filter(display_points, "eval_points")


def get_evaluation_or_404(evaluation_id):
    evaluation = db.session.get(Evaluation, evaluation_id)
    deny_unless(evaluation is not None, 404)
    deny_unless(can_view_evaluation(current_user, evaluation), 404)
    return evaluation


def _back(evaluation):
    return redirect(_evaluation_url(evaluation))


def _evaluation_url(evaluation):
    return url_for("evaluation.show", evaluation_id=evaluation.id)


# ── staff ──────────────────────────────────────────────────────────────────────────────────


@bp.route("/staff/evaluations")
@roles_required(Role.STAFF)
def index():
    """评估管理: evaluations by state, and projects that can be given one."""
    state = request.args.get("state", "")
    kind = request.args.get("kind", "")
    query = select(Evaluation).order_by(Evaluation.id.desc())
    if state in {s.value for s in EvaluationState}:
        query = query.where(Evaluation.state == EvaluationState(state))
    if kind in {k.value for k in EvaluationKind}:
        query = query.where(Evaluation.kind == EvaluationKind(kind))
    page = paginate(query)
    open_project_ids = select(Evaluation.project_id).where(
        Evaluation.state.in_(
            (
                EvaluationState.ASSIGNED,
                EvaluationState.SELF_ASSESSED,
                EvaluationState.SCORED,
                EvaluationState.ANNOUNCED,
            )
        )
    )
    waiting = db.session.scalars(
        select(Project)
        .where(Project.state.in_(DELIVERING_STATES), Project.id.not_in(open_project_ids))
        .where(Project.state != ProjectState.FINAL_EVALUATED)
        .order_by(Project.end_date, Project.id)
        .limit(50)
    ).all()
    return render_template(
        "evaluation/index.html",
        page=page,
        state=state,
        kind=kind,
        states=list(EvaluationState),
        kinds=list(EvaluationKind),
        waiting=waiting,
    )


def _evaluator_choices(project):
    choices = operations.evaluator_choices(project)
    return [(0, "—")] + [
        (user.id, user.name + (f" — {conflict}" if conflict else "")) for user, conflict in choices
    ]


def _suggested_kind(project):
    failure = unresolved_failure(project)
    if failure is not None:
        return failure.kind
    if project.state == ProjectState.MIDTERM_EVALUATED:
        return EvaluationKind.FINAL
    return EvaluationKind.MIDTERM


@bp.route("/staff/projects/<int:project_id>/evaluations/new", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def assign(project_id):
    """Assign an evaluator to a project (conflicts refused, as for reviewers)."""
    project = db.session.get(Project, project_id)
    deny_unless(project is not None, 404)
    form = AssignForm()
    form.evaluator_id.choices = _evaluator_choices(project)
    if request.method == "GET":
        form.kind.data = _suggested_kind(project).value

    def assign_evaluation():
        kind = form.kind.data if form.kind.data in {k.value for k in EvaluationKind} else "midterm"
        try:
            return operations.assign_evaluation(
                project,
                kind=kind,
                evaluator=db.session.get(User, form.evaluator_id.data)
                if form.evaluator_id.data
                else None,
                due=form.due.data,
                actor=current_user,
            )
        except operations.EvaluationError as error:
            if not hasattr(form, error.field or ""):
                error.field = "kind"  # a refusal that names no field of the form shows here
            raise

    done = form_action(
        form,
        assign_evaluation,
        success=_("The evaluator was assigned and notified."),
        target=_evaluation_url,
    )
    return done or form_page(
        "evaluation/assign.html",
        project=project,
        form=form,
        failure=unresolved_failure(project),
        open_evaluation=open_evaluation(project),
    )


evaluation_button = partial(button, load=get_evaluation_or_404, target=_evaluation_url)


def _evaluator_form(evaluation):
    form = EvaluatorForm()
    form.evaluator_id.choices = _evaluator_choices(evaluation.project)
    return form


@bp.route("/evaluations/<int:evaluation_id>/evaluator", methods=["POST"])
@roles_required(Role.STAFF)
@evaluation_button(success=_l("The evaluator was assigned and notified."), form=_evaluator_form)
def reassign(evaluation, form):
    return operations.reassign_evaluator(
        evaluation,
        db.session.get(User, form.evaluator_id.data) if form.evaluator_id.data else None,
        actor=current_user,
    )


@bp.route("/evaluations/<int:evaluation_id>/announce", methods=["POST"])
@roles_required(Role.STAFF)
@evaluation_button(
    success=lambda _evaluation, announcement: _(
        "The result is announced until %(date)s; make it final on the announcement "
        "page when the period is over.",
        date=local_date(announcement.ends_on),
    ),
    form=PeriodForm,
    invalid=flash_form_errors,
)
def announce(evaluation, form):
    return operations.announce_result(
        evaluation, period_days=form.period_days.data, actor=current_user
    )


@bp.route("/evaluations/<int:evaluation_id>/return", methods=["POST"])
@roles_required(Role.STAFF)
@evaluation_button(
    success=_l("The evaluation was returned to the evaluator."),
    form=ReasonForm,
    invalid=_l("Please give a reason."),
)
def return_to_evaluator(evaluation, form):
    return operations.return_to_evaluator(evaluation, reason=form.reason.data, actor=current_user)


@bp.route(
    "/staff/calls/<int:call_id>/evaluation-rubric/<any(midterm, final):kind>",
    methods=["GET", "POST"],
)
@roles_required(Role.STAFF)
def rubric(call_id, kind):
    """评估指标: the call's 100-point evaluation rubric, editable until an evaluation is scored."""
    call = db.session.get(Call, call_id)
    deny_unless(call is not None, 404)
    criteria = operations.criteria_of(call.id, kind)
    locked = operations.rubric_locked(call.id, kind)
    form = RubricForm()
    error = None
    if request.method == "GET":
        rows = criteria or []
        for c in rows:
            form.rows.append_entry(
                {
                    "name": c.name,
                    "description": c.description,
                    "max_score": display_points(c.max_score),
                }
            )
        if not rows:
            from venture.evaluation.grading import default_rubric

            for c in default_rubric():
                form.rows.append_entry({**c, "max_score": display_points(c["max_score"])})
        for _blank in range(2):
            form.rows.append_entry()
    elif form.validate_on_submit():
        try:
            operations.save_rubric(
                call, kind, operations.read_rubric(form.entries()), actor=current_user
            )
        except operations.EvaluationError as refused:
            db.session.rollback()
            error = refused.message
        else:
            db.session.commit()
            flash(_("The evaluation rubric was saved."), "success")
            return redirect(url_for("evaluation.rubric", call_id=call.id, kind=kind))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "evaluation/rubric.html",
        call=call,
        kind=EvaluationKind(kind),
        criteria=criteria,
        locked=locked,
        form=form,
        error=error,
    ), status


# ── the evaluator ──────────────────────────────────────────────────────────────────────────


@bp.route("/evaluation/tasks")
@roles_required(Role.EVALUATOR)
def tasks():
    """评估任务: the evaluations assigned to the signed-in evaluator, and only those."""
    query = (
        select(Evaluation)
        .where(Evaluation.evaluator_id == current_user.id)
        .order_by(Evaluation.state.in_((EvaluationState.FINAL,)), Evaluation.id.desc())
    )
    return render_template("evaluation/tasks.html", page=paginate(query))


def _sheet_entries():
    """{criterion_id: (raw, comment)} from the posted score sheet."""
    entries = {}
    for key, value in request.form.items():
        criterion_id = optional_id(key[6:]) if key.startswith("score-") else None
        if criterion_id is not None:
            entries[criterion_id] = (value, request.form.get(f"comment-{criterion_id}", ""))
    return entries


def _stale_sheet(evaluation, form):
    """Saved by someone else after this page was opened: nothing saved, the typing kept, and
    the page now carries the current version so a second save applies it deliberately."""
    flash(stale_message(["scores"], {"scores": _("Evaluation scores")}, {"scores": []}), "danger")
    form.version.data = str(evaluation.version)
    return _show_page(evaluation, site_form=form, keep_typed=True, status=409)


@bp.route("/evaluations/<int:evaluation_id>/scores", methods=["POST"])
@roles_required(Role.EVALUATOR)
def score(evaluation_id):
    evaluation = get_evaluation_or_404(evaluation_id)
    deny_unless(is_assigned_evaluator(current_user, evaluation), 404)
    form = SiteVisitForm()
    if not form.validate_on_submit():
        return _show_page(evaluation, site_form=form, status=400)
    try:
        visit_on = parse_date(form.site_visit_on.data)
    except ValueProblem as problem:
        form.site_visit_on.errors = [problem_message(problem.kind, form.site_visit_on.data or "")]
        return _show_page(evaluation, site_form=form, status=400)
    if visit_on is not None and visit_on > local_today():
        form.site_visit_on.errors = [_("The site visit cannot be in the future.")]
        return _show_page(evaluation, site_form=form, status=400)
    started = evaluation.project.start_date
    if visit_on is not None and started is not None and visit_on < started:
        form.site_visit_on.errors = [
            _(
                "The site visit cannot be before the project started (%(day)s).",
                day=started.isoformat(),
            )
        ]
        return _show_page(evaluation, site_form=form, status=400)
    if form.version.data and form.version.data != str(evaluation.version):
        return _stale_sheet(evaluation, form)
    try:
        errors = operations.save_scores(
            evaluation,
            entries=_sheet_entries(),
            overall_comment=form.overall_comment.data,
            site_visit={
                "on": visit_on,
                "place": form.site_visit_place.data,
                "people": form.site_visit_people.data,
                "notes": form.site_visit_notes.data,
            },
            actor=current_user,
        )
    except EditConflict:
        db.session.rollback()
        return _stale_sheet(evaluation, form)
    except operations.EvaluationError as error:
        db.session.rollback()
        show_refusal(None, error)
        return _back(evaluation)
    if errors:
        db.session.commit()
        flash(
            _("Saved; some scores could not be read and were not counted: see the marks."), "danger"
        )
        return _show_page(evaluation, site_form=form, score_errors=errors, status=400)
    return _kept_or_submitted(
        evaluation,
        operations.submit_scores,
        saved=_("The score sheet was saved."),
        not_submitted=lambda why: _("Saved, not submitted: %(why)s", why=why),
        submitted=lambda: _(
            "Submitted: %(total)s points, %(grade)s.",
            total=display_points(evaluation.total),
            grade=evaluation.grade.label,
        ),
    )


def _kept_or_submitted(evaluation, submit, *, saved, not_submitted, submitted):
    """After the saved part is in the session: commit it and flash ``saved``; or, when the form's
    button was "submit", ``submit`` as well (a refusal keeps the saved part and flashes
    ``not_submitted(why)``; else ``submitted()``). Back to the evaluation page either way."""
    if request.form.get("action") != "submit":
        message, category = saved, "success"
    else:
        try:
            submit(evaluation, actor=current_user)
        except TransitionRefused as refused:
            message, category = not_submitted(refused.message), "danger"
        else:
            message, category = submitted(), "success"
    db.session.commit()
    flash(message, category)
    return _back(evaluation)


@bp.route("/evaluations/<int:evaluation_id>/conflict", methods=["POST"])
@roles_required(Role.EVALUATOR)
@evaluation_button(
    target=lambda _evaluation: url_for("evaluation.tasks"),
    back=_evaluation_url,
    success=_l("You stepped back from this evaluation; staff will assign another evaluator."),
    form=ReasonForm,
    invalid=_l("Please give a reason."),
)
def declare_conflict(evaluation, form):
    return operations.declare_conflict(evaluation, reason=form.reason.data, actor=current_user)


# ── the organization ───────────────────────────────────────────────────────────────────────


@bp.route("/evaluations/<int:evaluation_id>/self-assessment", methods=["POST"])
@roles_required(Role.APPLICANT)
def self_assessment(evaluation_id):
    evaluation = get_evaluation_or_404(evaluation_id)
    deny_unless(is_project_member(current_user, evaluation.project), 404)
    form = SelfAssessmentForm()
    if not form.validate_on_submit():
        return _show_page(evaluation, self_form=form, status=400)
    try:
        operations.save_self_assessment(
            evaluation,
            text=form.text.data,
            attachment=form.attachment.data,
            final_report=form.final_report.data,
            actor=current_user,
        )
    except operations.EvaluationError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None)
        if field is None:
            flash(error.message, "danger")
            return _back(evaluation)
        field.errors = list(field.errors) + [error.message]
        evaluation = db.session.get(Evaluation, evaluation_id)
        return _show_page(evaluation, self_form=form, status=400)
    return _kept_or_submitted(
        evaluation,
        operations.submit_self_assessment,
        saved=_("The self-assessment was saved as a draft."),
        not_submitted=lambda why: _("Saved as a draft, not submitted: %(why)s", why=why),
        submitted=lambda: _("The self-assessment was submitted."),
    )


@bp.route("/evaluations/<int:evaluation_id>/files/<any(self_assessment, final_report):which>")
@signed_in
def file(evaluation_id, which):
    evaluation = get_evaluation_or_404(evaluation_id)
    stored = (
        evaluation.self_assessment_file
        if which == "self_assessment"
        else evaluation.final_report_file
    )
    deny_unless(stored is not None, 404)
    return send_stored(stored)


# ── the evaluation page ────────────────────────────────────────────────────────────────────


def _show_page(
    evaluation, *, site_form=None, self_form=None, score_errors=None, keep_typed=False, status=200
):
    project = load_project(evaluation.project_id)
    criteria = operations.criteria_of(project.call_id, evaluation.kind)
    staff = can_manage_evaluations(current_user)
    evaluator = is_assigned_evaluator(current_user, evaluation)
    if site_form is None:
        site_form = SiteVisitForm(
            formdata=None,
            site_visit_on=evaluation.site_visit_on.isoformat() if evaluation.site_visit_on else "",
            site_visit_place=evaluation.site_visit_place,
            site_visit_people=evaluation.site_visit_people,
            site_visit_notes=evaluation.site_visit_notes,
            overall_comment=evaluation.overall_comment,
            version=str(evaluation.version),
        )
    if self_form is None:
        self_form = SelfAssessmentForm(formdata=None, text=evaluation.self_assessment)
    evaluator_form = EvaluatorForm(evaluator_id=evaluation.evaluator_id or 0)
    if staff:
        evaluator_form.evaluator_id.choices = _evaluator_choices(project)
    can_score = evaluator and evaluation.state in (
        EvaluationState.ASSIGNED,
        EvaluationState.SELF_ASSESSED,
    )
    can_write_self = (
        can_self_assess(current_user, evaluation)
        and evaluation.state == EvaluationState.ASSIGNED
        and not evaluation.self_assessment_submitted
        and local_today() <= evaluation.self_assessment_due
    )
    return render_template(
        "evaluation/show.html",
        evaluation=evaluation,
        project=project,
        progress=project_progress(project, local_today()),
        criteria=criteria,
        running_total=operations.running_total(evaluation),
        staff=staff,
        evaluator=evaluator,
        member=is_project_member(current_user, project),
        can_score=can_score,
        can_write_self=can_write_self,
        can_see_scores=can_see_scores(current_user, evaluation),
        late=not evaluation.self_assessment_submitted
        and local_today() > evaluation.self_assessment_due,
        self_problems=self_assessment_problems(evaluation) if can_write_self else [],
        score_problems=scoring_problems(evaluation, criteria) if can_score else [],
        score_errors=score_errors or {},
        typed=_sheet_entries() if score_errors or keep_typed else None,
        sections=sections_for(evaluation) if staff or evaluator else [],
        actions={t.action for t in EVALUATION_WORKFLOW.available(evaluation, current_user)},
        site_form=site_form,
        self_form=self_form,
        evaluator_form=evaluator_form,
        announce_form=PeriodForm(formdata=None),
        reason_form=ReasonForm(formdata=None),
    ), status


@bp.route("/evaluations/<int:evaluation_id>")
@signed_in
def show(evaluation_id):
    return _show_page(get_evaluation_or_404(evaluation_id))


# ── sections and home panels ───────────────────────────────────────────────────────────────


@evaluation_section("evaluation/_section_reports.html", order=10)
def _reports_section(evaluation):
    """What the organization reported and staff accepted: reports, activities, spending."""
    project = load_project(evaluation.project_id)
    reports = accepted(project.reports)
    activities = [a for r in reports for a in r.activities]
    return {"reports": reports, "activities": activities[:200], "activity_count": len(activities)}


@home_panel(Role.EVALUATOR, "evaluation/panel_evaluator.html")
def _assigned_evaluations(user):
    evaluations = db.session.scalars(
        select(Evaluation)
        .where(
            Evaluation.evaluator_id == user.id,
            Evaluation.state.in_((EvaluationState.ASSIGNED, EvaluationState.SELF_ASSESSED)),
        )
        .options(selectinload(Evaluation.project))
        .order_by(Evaluation.self_assessment_due, Evaluation.id)
    ).all()
    return {"assigned": evaluations}


@home_panel(Role.STAFF, "evaluation/panel_staff.html")
def _evaluations_to_handle(user):
    counted = home_figures(Role.STAFF, user)  # by the staff's 下一步 statement
    return {"scored": counted["results"], "announced": counted["evaluations_announced"]}
