"""The page that publishes a module's result as a 公示 for a period of working days.

Every kind of announcement with a page of its own (the designation, the tender result, the
review result) runs it here: the PeriodForm, pre-filled on the first visit, the period's end
as the form now says, and the publication as one form action. The module's view says which
page, which operation, the success message and where next:

    return announce_page(
        "procurement/designation_announce.html",
        lambda form: operations.announce_designation(
            designation, title=form.title.data.strip(), period_days=form.period_days.data,
            actor=current_user,
        ),
        title=_("Targeted purchase announcement: %(service)s", service=designation.service),
        least=least,
        success=_("The designation is announced."),
        target=url_for("procurement.designation", designation_id=designation.id),
        designation=designation,
    )
"""

from flask import request

from venture.announcements.forms import PeriodForm
from venture.core.actions import form_action, form_page


def announce_page(template, publish, *, title, success, target, least, form_least=1, **context):
    """Show ``template`` with a titled PeriodForm (``form``), the period's end (``preview``) and
    the kind's minimum (``least``); a valid POST runs ``publish(form)`` (see
    core.actions.form_action). ``title`` and ``least`` fill the form on the first visit; the
    form refuses fewer than ``form_least`` days itself, the operation refuses the rest with its
    own message."""
    if request.method == "POST":
        form = PeriodForm(least=form_least, titled=True)
    else:
        form = PeriodForm(
            formdata=None,
            data={"title": title, "period_days": least},
            least=form_least,
            titled=True,
        )
    done = form_action(form, lambda: publish(form), success=success, target=target)
    return done or form_page(
        template, form=form, preview=form.preview(least), least=least, **context
    )
