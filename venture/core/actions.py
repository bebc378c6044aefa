"""The one way a view runs an operation that changes data.

An operation is a function of the domain module (``operations.py``) that checks its rules and
raises a refusal (``TransitionRefused``, or the module's subclass of ``Refused``) instead of
half-writing.
A view hands it to ``form_action`` (a form page) or ``post_action`` (a button), which run it as
one transaction: on a refusal they roll back and show the message, on form fields where the
refusal names them (``error.field`` or ``error.errors``); otherwise they commit, flash the
success message and redirect.

    form = ReasonForm()
    done = form_action(
        form,
        lambda: operations.cancel_designation(designation, reason=form.reason.data,
                                              actor=current_user),
        success=_("The designation is cancelled."),
        target=url_for("procurement.designation", designation_id=designation.id),
    )
    return done or form_page("procurement/cancel.html", form=form, designation=designation)

A button that only loads a record, runs one operation on it and goes back to the record's page is
the operation itself, turned into the view by ``button`` (route and access declared as usual):

    installment_button = partial(button, load=get_installment_or_404, target=_installment_url)

    @bp.route("/installments/<int:installment_id>/approve", methods=["POST"])
    @roles_required(Role.STAFF)
    @installment_button(success=_l("Release approved."), form=ApproveForm)
    def approve(installment, form):
        return operations.approve_release(installment, actor=current_user)
"""

from functools import wraps

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from venture.core.integers import optional_id
from venture.core.lifecycle import TransitionRefused
from venture.extensions import db


class Refused(ValueError):
    """A domain module's refusal (``DeliveryError``, ``ContractError``, …: each module names its
    own subclass); str() is a message for a person, ``field`` the form field it concerns, or
    None. A ValueError, as the modules' errors always were."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


# what an action shows instead of failing: a refused transition or a module's refusal
REFUSALS = (TransitionRefused, Refused)


def show_refusal(form, error):
    """Put a refusal's message on the fields it names, or flash it when it names none."""
    errors = getattr(error, "errors", None) or {getattr(error, "field", None): str(error)}
    shown = False
    for name, message in errors.items():
        field = getattr(form, name or "", None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(message)]
            shown = True
    if not shown:
        flash(str(error), "danger")


def flash_form_errors(form):
    """Flash every error of a form that did not validate (a button's form has no page to show
    them on); pass it as ``post_action(..., invalid=flash_form_errors)``."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "danger")


def run_action(
    operation, *, success, target, form=None, refused=REFUSALS, warnings=None, then=None
):
    """Run ``operation()`` as one transaction. Returns the redirect to ``target`` (a URL, or a
    function of the operation's result) after a commit, or None after a refusal (rolled back,
    message shown on ``form`` or flashed). ``success`` is a message, a function of the result
    giving one, or None for no message; ``warnings``, a function of the result giving messages
    flashed as warnings after it (an announcement's period warnings always are); ``then``, a
    function of the result run after the commit (signing in the account the operation made)."""
    try:
        result = operation()
    except refused as error:
        db.session.rollback()
        show_refusal(form, error)
        return None
    db.session.commit()
    if then is not None:
        then(result)
    message = success(result) if callable(success) else success
    if message:
        flash(message, "success")
    for warning in [*(warnings(result) if warnings else ()), *_period_warnings(result)]:
        flash(warning, "warning")
    return redirect(target(result) if callable(target) else target)


def _period_warnings(result):
    return getattr(result, "period_warnings", None) or ()


def form_action(form, operation, *, success, target, refused=REFUSALS, warnings=None, then=None):
    """A form page's POST: nothing runs unless the form validates (then its errors show on the
    page, with what the person typed kept); see run_action for the rest."""
    if not form.validate_on_submit():
        return None
    return run_action(
        operation,
        success=success,
        target=target,
        form=form,
        refused=refused,
        warnings=warnings,
        then=then,
    )


def post_action(
    operation,
    *,
    success,
    target,
    form=None,
    refused=REFUSALS,
    invalid=None,
    warnings=None,
    back=None,
):
    """A button's POST, which goes to ``target`` when done and back to the URL ``back`` (else
    ``target``) when not: a form that does not validate (a missing CSRF token, or an empty
    reason) answers 400, or flashes ``invalid`` when given (a message, or a function of the form
    such as flash_form_errors); a refusal is flashed."""
    back = back or target
    form = form if form is not None else FlaskForm()
    if not form.validate_on_submit():
        if invalid is None:
            abort(400)
        if callable(invalid):
            invalid(form)
        else:
            flash(invalid, "danger")
        return redirect(back)
    done = run_action(operation, success=success, target=target, refused=refused, warnings=warnings)
    return done or redirect(back)


def button(*, load, target, success, form=None, invalid=None, back=None, warnings=None, passes=()):
    """Turn the decorated ``operation(record, form)`` into a button's POST view, registered and
    declared as any view (``@bp.route(..., methods=["POST"])`` and an access decorator above
    it). The view loads the record with ``load(**values of the rule)`` (which answers 404 or 403
    itself), builds ``form`` (a form class, or a function of the record returning the form; a
    bare CSRF form when None) and answers as post_action, going to ``target(record)`` and back to
    ``back(record)`` (else the target). ``success`` is a message (a lazy one is translated per
    request) or a function of (record, result); ``warnings`` as for run_action. ``passes`` names
    values of the rule that are not the record's (the ``<action>`` of a decide route): the view
    gives them, as keywords, to the operation and to a ``success`` function, not to ``load``."""

    def decorate(operation):
        @wraps(operation)
        def view(**values):
            passed = {name: values.pop(name) for name in passes}
            record = load(**values)
            made = _make_form(form, record)
            return post_action(
                lambda: operation(record, made, **passed),
                success=_message(success, record, passed),
                target=target(record),
                form=made,
                invalid=invalid if invalid is None or callable(invalid) else str(invalid),
                back=back(record) if back else None,
                warnings=warnings,
            )

        return view

    return decorate


def _make_form(form, record):
    if form is None:
        return FlaskForm()
    return form() if isinstance(form, type) else form(record)


def _message(success, record, passed):
    if callable(success):
        return lambda result: success(record, result, **passed)
    return str(success) if success else None


def form_page(template, **context):
    """Render a form page: 400 when it answers a POST that did not go through, else 200."""
    return render_template(template, **context), (400 if request.method == "POST" else 200)


def store_form_uploads(owner, names, attach, remove, owned_by, refused=REFUSALS):
    """The files of owner's form with one upload slot per required document (``file-<index>`` for
    ``names``, then ``extra_file`` under the label typed in ``extra_label``) and a
    ``remove_attachment`` button. The operation ``attach(owner, label, file, actor=…)`` stores
    each file sent; ``remove(owner, attachment, actor=…)`` drops the one asked for when its
    column ``owned_by`` (e.g. ``BidAttachment.bid_id``) names owner (another one is left alone).
    Returns {label: message} for the files refused, so the page shows each message beside its
    slot and the rest of the form is kept."""
    uploads = [(label, request.files.get(f"file-{index}")) for index, label in enumerate(names)]
    extra_label = request.form.get("extra_label", "").strip() or _("Other attachment")
    uploads.append((extra_label, request.files.get("extra_file")))
    errors = {}
    for label, storage in uploads:
        if storage is None or not storage.filename:
            continue
        try:
            attach(owner, label, storage, actor=current_user)
        except refused as error:
            errors[label] = str(error)
    attachment_id = optional_id(request.form.get("remove_attachment", ""))
    if attachment_id is not None:
        attachment = db.session.get(owned_by.class_, attachment_id)
        if attachment is not None and getattr(attachment, owned_by.key) == owner.id:
            remove(owner, attachment, actor=current_user)
    return errors
