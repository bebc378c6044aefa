"""The application form: every field is read leniently, so a draft keeps whatever was typed."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from venture.applications.enums import BudgetCategory, Pricing
from venture.applications.pricing import form_rows, read_service_prices
from venture.applications.values import (
    MAX_TEXT,
    ValueProblem,
    parse_amount,
    parse_count,
    parse_date,
    parse_quantity,
    problem_message,
)
from venture.core.integers import ids_in, optional_id

EXTRA_BUDGET_ROWS = 2  # empty rows offered without JavaScript
EXTRA_MILESTONE_ROWS = 1
CATEGORY_VALUES = {c.value for c in BudgetCategory}
TEXT_FIELDS = ("target_group", "needs_analysis", "objectives", "activity_plan", "team")


def _budget_categories():
    return [("", "—")] + [(c.value, c.label) for c in BudgetCategory]


class BudgetLineForm(Form):
    category = SelectField(_l("Category"), choices=_budget_categories, validate_choice=False)
    item = StringField(_l("Item"))
    unit_price = StringField(_l("Unit price (¥)"), render_kw={"inputmode": "decimal"})
    quantity = StringField(_l("Quantity"), render_kw={"inputmode": "decimal"})
    requested = StringField(_l("Requested (¥)"), render_kw={"inputmode": "decimal"})
    own_funds = StringField(_l("Own or matched (¥)"), render_kw={"inputmode": "decimal"})

    def is_blank(self):
        return not any((f.data or "").strip() for f in self)


class MilestoneForm(Form):
    title = StringField(_l("Milestone"))
    due_date = StringField(_l("Due date"))
    deliverable = StringField(_l("Deliverable"))

    def is_blank(self):
        return not any((f.data or "").strip() for f in self)


class ServicePriceRow(Form):
    """One row of the service-pricing table on the application form (read leniently)."""

    service = StringField(_l("Service"))
    pricing = SelectField(
        _l("Free, low-cost or paid"),
        choices=lambda: [("", "—")] + [(p.value, p.label) for p in Pricing],
        validate_choice=False,
    )
    price = StringField(_l("Service price (¥)"), render_kw={"inputmode": "decimal"})
    unit = StringField(_l("Per (e.g. visit, hour)"))

    def is_blank(self):
        return not any((f.data or "").strip() for f in self)


class ApplicationForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Project title"))
    category_id = SelectField(_l("Service category"), validate_choice=False)
    community_ids = SelectMultipleField(_l("Communities served"), validate_choice=False)
    target_group = TextAreaField(_l("Target group"))
    beneficiaries = StringField(_l("Number of beneficiaries"), render_kw={"inputmode": "numeric"})
    needs_analysis = TextAreaField(_l("Needs analysis"))
    objectives = TextAreaField(_l("Objectives"))
    activity_plan = TextAreaField(_l("Activity plan"))
    team = TextAreaField(_l("Project team"))
    project_start = StringField(_l("Project start"))
    project_end = StringField(_l("Project end"))
    budget_lines = FieldList(FormField(BudgetLineForm), max_entries=100)
    milestones = FieldList(FormField(MilestoneForm), max_entries=50)
    # community needs answered (venture/community) and service pricing (pricing.py)
    need_ids = SelectMultipleField(_l("Community needs the project answers"), validate_choice=False)
    service_prices = FieldList(FormField(ServicePriceRow), max_entries=30)
    declaration = BooleanField(
        _l(
            "We declare that everything in this application and its attachments is true, and "
            "accept the call's rules."
        )
    )

    def set_choices(self, call):
        self.category_id.choices = [("", "—")] + [(str(c.id), c.name) for c in call.categories]
        self.community_ids.choices = [(str(c.id), c.full_name) for c in call.communities]

    def add_empty_rows(self):
        """A few empty rows, so rows can be added without JavaScript."""
        for _ in range(EXTRA_BUDGET_ROWS):
            self.budget_lines.append_entry()
        for _ in range(EXTRA_MILESTONE_ROWS):
            self.milestones.append_entry()
        self.service_prices.append_entry()

    def read(self):
        """(values for save_draft, {field key: message}) from what was typed."""
        values, typed, errors = {}, {}, {}

        def read(key, text, parser):
            try:
                return parser(text)
            except ValueProblem as problem:
                typed[key] = {"value": text, "kind": problem.kind}
                errors[key] = problem_message(problem.kind, text)
                return None

        def short(key, text):
            text = (text or "").strip()
            if len(text) > MAX_TEXT:
                typed[key] = {"value": text, "kind": "too_long"}
                errors[key] = problem_message("too_long")
            return text[:MAX_TEXT]

        values["title"] = short("title", self.title.data)
        for name in TEXT_FIELDS:
            values[name] = (getattr(self, name).data or "").strip()
        values["category_id"] = _int_or_none(self.category_id.data)
        values["community_ids"] = [*ids_in(self.community_ids.raw_data)]
        values["beneficiaries"] = read("beneficiaries", self.beneficiaries.data, parse_count)
        values["project_start"] = read("project_start", self.project_start.data, parse_date)
        values["project_end"] = read("project_end", self.project_end.data, parse_date)
        values["declaration"] = bool(self.declaration.data)

        lines = [entry.form for entry in self.budget_lines if not entry.form.is_blank()]
        values["budget_lines"] = []
        for index, row in enumerate(lines):
            key = f"budget_lines-{index}-"
            category = row.category.data if row.category.data in CATEGORY_VALUES else None
            values["budget_lines"].append(
                {
                    "category": BudgetCategory(category) if category else None,
                    "item": short(key + "item", row.item.data),
                    "unit_price": read(key + "unit_price", row.unit_price.data, parse_amount),
                    "quantity": read(key + "quantity", row.quantity.data, parse_quantity),
                    "requested": read(key + "requested", row.requested.data, parse_amount),
                    "own_funds": read(key + "own_funds", row.own_funds.data, parse_amount),
                }
            )
        rows = [entry.form for entry in self.milestones if not entry.form.is_blank()]
        values["milestones"] = []
        for index, row in enumerate(rows):
            key = f"milestones-{index}-"
            values["milestones"].append(
                {
                    "title": short(key + "title", row.title.data),
                    "due_date": read(key + "due_date", row.due_date.data, parse_date),
                    "deliverable": (row.deliverable.data or "").strip(),
                }
            )
        # community needs answered (venture/community) and service pricing (pricing.py)
        values["need_ids"] = ids_in(self.need_ids.raw_data)
        values["service_prices"] = read_service_prices(self.service_prices, read, short)
        values["typed_input"] = typed
        return values, errors

    def field_for(self, key):
        """The field named by a key such as budget_lines-1-unit_price."""
        parts = key.split("-")
        if len(parts) == 3:
            rows = getattr(self, parts[0])
            index = int(parts[1])
            if index >= len(rows.entries):
                return None
            return rows.entries[index].form[parts[2]]
        return getattr(self, key, None)

    def show_typed(self, typed_input):
        """Put back values a draft kept as typed, each with its message."""
        for key, entry in typed_input.items():
            field = self.field_for(key)
            if field is not None:
                field.data = entry["value"]
                field.errors = [problem_message(entry["kind"], entry["value"])]


def _int_or_none(text):
    return optional_id(text)


def form_data(application):
    """The form's initial data from a saved application."""

    def text(value):
        return "" if value is None else str(value)

    return {
        "version": str(application.version),
        "title": application.title,
        "category_id": text(application.category_id),
        "community_ids": [str(c.id) for c in application.communities],
        "target_group": application.target_group,
        "beneficiaries": text(application.beneficiaries),
        "needs_analysis": application.needs_analysis,
        "objectives": application.objectives,
        "activity_plan": application.activity_plan,
        "team": application.team,
        "project_start": text(application.project_start),
        "project_end": text(application.project_end),
        "declaration": application.declaration,
        "budget_lines": [
            {
                "category": line.category.value if line.category else "",
                "item": line.item,
                "unit_price": text(line.unit_price),
                "quantity": line.quantity_text,
                "requested": text(line.requested),
                "own_funds": text(line.own_funds),
            }
            for line in application.budget_lines
        ],
        "milestones": [
            {"title": m.title, "due_date": text(m.due_date), "deliverable": m.deliverable}
            for m in application.milestones
        ],
        # community needs answered (venture/community) and service pricing (pricing.py)
        "need_ids": [str(n.id) for n in application.needs],
        "service_prices": form_rows(application),
    }


class ScreeningForm(FlaskForm):
    # the pressed button says which screening action; its checklist boxes are read by the view
    reason = TextAreaField(_l("Reason or comment"), validators=[Length(max=4000)])
    deadline = StringField(_l("Correction deadline"), render_kw={"type": "datetime-local"})


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Length(max=500)])
