"""Forms of the project workspace: progress reports, change requests, decisions, messages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from venture.applications.values import (
    ValueProblem,
    parse_amount,
    parse_count,
    parse_date,
    problem_message,
)
from venture.core.dates import BoundedDateField
from venture.core.integers import WholeNumberField, choice_id, optional_id
from venture.delivery.enums import (
    BeneficiaryGroup,
    ChangeKind,
    MilestoneStatus,
    ReportFrequency,
)

EXTRA_ACTIVITY_ROWS = 2  # empty rows offered without JavaScript


class ActivityRow(Form):
    held_on = StringField(_l("Date"))
    community_id = SelectField(_l("Community"), validate_choice=False)
    title = StringField(_l("Activity"))
    participants = StringField(_l("Participants"), render_kw={"inputmode": "numeric"})
    description = StringField(_l("What happened"))

    def is_blank(self):
        return not any(
            (f.data or "").strip()
            for f in (self.held_on, self.title, self.participants, self.description)
        )


class BeneficiaryRow(Form):
    group = HiddenField()
    count = StringField(_l("People served"), render_kw={"inputmode": "numeric"})


class ExpenditureRow(Form):
    line_id = HiddenField()
    amount = StringField(_l("Spent in this report (¥)"), render_kw={"inputmode": "decimal"})
    note = StringField(_l("What for"))
    explanation = TextAreaField(_l("Why over budget"))


class MilestoneRow(Form):
    milestone_id = HiddenField()
    status = SelectField(
        _l("Progress"), choices=[(s.value, s.label) for s in MilestoneStatus], validate_choice=False
    )
    completed_on = StringField(_l("Completed on"))
    note = StringField(_l("Note"))


class ReportForm(FlaskForm):
    summary = TextAreaField(_l("Progress in this period"))
    activities = FieldList(FormField(ActivityRow), max_entries=200)
    beneficiaries = FieldList(FormField(BeneficiaryRow), max_entries=len(BeneficiaryGroup))
    expenditures = FieldList(FormField(ExpenditureRow), max_entries=200)
    milestones = FieldList(FormField(MilestoneRow), max_entries=100)
    problems = TextAreaField(_l("Problems and how they are being handled"))
    next_steps = TextAreaField(_l("Plan for the next period"))
    photos = MultipleFileField(_l("Photos of activities (JPG or PNG)"))
    documents = MultipleFileField(_l("Other attachments (sign-in sheets, receipts…)"))
    caption = StringField(_l("Caption of the files added"), validators=[Length(max=200)])
    # what the page showed (venture.core.concurrency): a stale save is refused
    version_token = HiddenField()

    def fill(self, report, project):
        """The form's rows from a saved report, one row per budget line, group and milestone."""
        for activity in report.activities:
            self.activities.append_entry(
                {
                    "held_on": activity.held_on.isoformat(),
                    "community_id": str(activity.community_id),
                    "title": activity.title,
                    "participants": str(activity.participants),
                    "description": activity.description,
                }
            )
        for group in BeneficiaryGroup:
            count = report.count_for(group)
            self.beneficiaries.append_entry(
                {"group": group.value, "count": "" if count is None else str(count)}
            )
        for line in project.plan_lines:
            row = report.expenditure_for(line.id)
            self.expenditures.append_entry(
                {
                    "line_id": str(line.id),
                    "amount": f"{row.amount:.2f}" if row else "",
                    "note": row.note if row else "",
                    "explanation": row.explanation if row else "",
                }
            )
        for milestone in project.milestones:
            update = report.update_for(milestone.id)
            done_on = update.completed_on if update else milestone.completed_on
            self.milestones.append_entry(
                {
                    "milestone_id": str(milestone.id),
                    "status": (update.status if update else milestone.status).value,
                    "completed_on": done_on.isoformat() if done_on else "",
                    "note": update.note if update else "",
                }
            )

    def add_empty_rows(self):
        for _ in range(EXTRA_ACTIVITY_ROWS):
            self.activities.append_entry()

    def set_choices(self, communities):
        choices = [("", "—")] + [(str(c.id), c.full_name) for c in communities]
        for entry in self.activities:
            entry.form.community_id.choices = choices

    def read(self, project, community_ids):
        """(values for operations.save_report, whether every value could be read); each value
        that cannot be read gets its message on its field."""
        ok = True

        def parse(field, parser, required=False):
            nonlocal ok
            text = field.data or ""
            try:
                value = parser(text)
            except ValueProblem as problem:
                field.errors = [problem_message(problem.kind, text)]
                ok = False
                return None
            if value is None and required:
                field.errors = [_l("This is required.")]
                ok = False
            return value

        def text(field, limit=None):
            nonlocal ok
            value = (field.data or "").strip()
            if limit and len(value) > limit:
                field.errors = [_l("This is too long (at most %(max)d characters).", max=limit)]
                ok = False
            return value

        values = {
            "summary": text(self.summary, 10000),
            "problems": text(self.problems, 10000),
            "next_steps": text(self.next_steps, 10000),
            "activities": [],
            "beneficiaries": {},
            "expenditures": {},
            "milestones": {},
        }
        for entry in self.activities:
            row = entry.form
            if row.is_blank():
                continue
            held_on = parse(row.held_on, parse_date, required=True)
            if held_on is not None and not project.start_date <= held_on <= project.end_date:
                row.held_on.errors = [_l("The date is outside the project's term.")]
                ok = False
            community = row.community_id.data or ""
            if optional_id(community) not in community_ids:
                row.community_id.errors = [_l("Choose the community.")]
                ok = False
            title = text(row.title, 200)
            if not title:
                row.title.errors = [_l("This is required.")]
                ok = False
            participants = parse(row.participants, parse_count, required=True)
            values["activities"].append(
                {
                    "held_on": held_on,
                    "community_id": optional_id(community),
                    "title": title,
                    "participants": participants,
                    "description": text(row.description, 2000),
                }
            )
        groups = {g.value for g in BeneficiaryGroup}
        for entry in self.beneficiaries:
            row = entry.form
            if row.group.data not in groups:
                continue
            count = parse(row.count, parse_count)
            if count:
                values["beneficiaries"][BeneficiaryGroup(row.group.data)] = count
        lines = {str(line.id): line.id for line in project.plan_lines}
        for entry in self.expenditures:
            row = entry.form
            if row.line_id.data not in lines:
                continue
            amount = parse(row.amount, parse_amount)
            values["expenditures"][lines[row.line_id.data]] = (
                amount,
                text(row.note, 300),
                text(row.explanation, 2000),
            )
        milestones = {str(m.id): m.id for m in project.milestones}
        statuses = {s.value for s in MilestoneStatus}
        for entry in self.milestones:
            row = entry.form
            if row.milestone_id.data not in milestones:
                continue
            status = row.status.data if row.status.data in statuses else "not_started"
            completed_on = parse(row.completed_on, parse_date)
            if (
                status == MilestoneStatus.DONE
                and completed_on is None
                and not row.completed_on.errors
            ):
                row.completed_on.errors = [_l("Give the date it was completed.")]
                ok = False
            values["milestones"][milestones[row.milestone_id.data]] = (
                MilestoneStatus(status),
                completed_on if status == MilestoneStatus.DONE else None,
                text(row.note, 2000),
            )
        # amounts of an expenditure row that could not be read count as nothing
        values["expenditures"] = {
            line_id: (amount or 0, note, explanation)
            for line_id, (amount, note, explanation) in values["expenditures"].items()
        }
        return values, ok


class StartReportForm(FlaskForm):
    kind = HiddenField()
    period_start = HiddenField()
    title = StringField(_l("Title of the report"), validators=[Length(max=200)])


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Comments"), validators=[Length(max=4000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)])


class OfficerForm(FlaskForm):
    officer_id = SelectField(_l("Staff officer"), coerce=choice_id)


class RectificationForm(FlaskForm):
    due = BoundedDateField(_l("Rectification deadline"), validators=[InputRequired()])
    requirements = TextAreaField(
        _l("What must be put right"), validators=[DataRequired(), Length(max=4000)]
    )


class ChangeRequestForm(FlaskForm):
    kind = SelectField(
        _l("Change"), choices=[(k.value, k.label) for k in ChangeKind], validate_choice=False
    )
    reason = TextAreaField(_l("Why the change is needed"), validators=[Length(max=4000)])
    from_line = SelectField(_l("Move money from"), validate_choice=False)
    to_line = SelectField(_l("to"), validate_choice=False)
    amount = StringField(_l("Amount (¥)"), render_kw={"inputmode": "decimal"})
    end_date = BoundedDateField(_l("New end date"), validators=[Optional()])
    text = TextAreaField(_l("The plan as it would be after the change"))

    def read(self):
        """(kind, details) for operations.request_change, or None with field errors."""
        kind = self.kind.data if self.kind.data in {k.value for k in ChangeKind} else None
        if kind is None:
            self.kind.errors = [_l("Choose the kind of change.")]
            return None
        kind = ChangeKind(kind)
        if kind == ChangeKind.BUDGET:
            try:
                amount = parse_amount(self.amount.data)
            except ValueProblem as problem:
                self.amount.errors = [problem_message(problem.kind, self.amount.data or "")]
                return None
            if not amount:
                self.amount.errors = [_l("Give the amount to move.")]
                return None
            if optional_id(self.from_line.data) is None or optional_id(self.to_line.data) is None:
                self.from_line.errors = [_l("Choose two budget lines of the project.")]
                return None
            return kind, {
                "moves": [
                    {
                        "from": int(self.from_line.data),
                        "to": int(self.to_line.data),
                        "amount": f"{amount:.2f}",
                    }
                ]
            }
        if kind == ChangeKind.EXTENSION:
            if self.end_date.data is None:
                self.end_date.errors = [_l("Give the new end date.")]
                return None
            return kind, {"end_date": self.end_date.data.isoformat()}
        text = (self.text.data or "").strip()
        if not text:
            self.text.errors = [_l("Describe the plan as it would be after the change.")]
            return None
        if len(text) > 10000:
            self.text.errors = [_l("This is too long (at most %(max)d characters).", max=10000)]
            return None
        return kind, {"text": text}


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=4000)])


class DocumentForm(FlaskForm):
    label = StringField(_l("What the document is"), validators=[DataRequired(), Length(max=200)])
    file = FileField(_l("File"))


class ReportingPlanForm(FlaskForm):
    frequency = SelectField(
        _l("Progress reports"), choices=[(f.value, f.label) for f in ReportFrequency]
    )
    grace_days = WholeNumberField(
        _l("Days after the end of a period to submit the report"),
        validators=[InputRequired(), NumberRange(min=0, max=60)],
    )
