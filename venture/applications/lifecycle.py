"""The application's states and transitions (申报书流转), as one table.

Later modules (review, announcements, procurement) take the review and award actions by name;
they add guards or hooks here rather than changing states themselves.
"""

from flask import url_for
from flask_babel import lazy_gettext as _l

from venture.applications.enums import ApplicationState as S
from venture.applications.permissions import can_screen, is_applicant_member
from venture.applications.rules import submission_problems
from venture.core.formatting import local_datetime
from venture.core.lifecycle import Transition, Workflow, first_problem
from venture.core.timeutil import now
from venture.notifications.operations import notify, staff_users


def _before_call_deadline(application, _actor):
    if now() >= application.call.closes_at:
        return _l(
            "The call closed at %(time)s: applications can no longer be withdrawn.",
            time=local_datetime(application.call.closes_at),
        )
    return None


def _correction_deadline_ahead(application, _actor):
    if application.correction_deadline is None or application.correction_deadline <= now():
        return _l("Give a deadline for the correction that is still ahead.")
    return None


def _staff(user, application):
    return can_screen(user, application)


APPLICATION_WORKFLOW = Workflow(name="application", transitions=(
    Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, is_applicant_member, _l("Submit"),
               guard=first_problem(submission_problems)),
    Transition("withdraw", (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, is_applicant_member,
               _l("Withdraw"), guard=_before_call_deadline),
    Transition("return_for_correction", S.SUBMITTED, S.RETURNED, _staff,
               _l("Return for correction"), guard=_correction_deadline_ahead, needs_reason=True),
    Transition("mark_eligible", S.SUBMITTED, S.ELIGIBLE, _staff, _l("Mark eligible")),
    Transition("mark_ineligible", S.SUBMITTED, S.INELIGIBLE, _staff, _l("Mark ineligible"),
               needs_reason=True),
    Transition("start_review", S.ELIGIBLE, S.UNDER_REVIEW, _staff, _l("Start review")),
    Transition("propose_award", S.UNDER_REVIEW, S.PROPOSED, _staff, _l("Propose award")),
    Transition("not_select", S.UNDER_REVIEW, S.NOT_SELECTED, _staff, _l("Not selected")),
    Transition("confirm_award", S.PROPOSED, S.AWARDED, _staff, _l("Confirm award")),
    Transition("decline_award", S.PROPOSED, S.NOT_AWARDED, _staff, _l("Decline award")),
    Transition("close_not_selected", S.NOT_SELECTED, S.NOT_AWARDED, _staff,
               _l("Close as not awarded")),
))  # fmt: skip


def _members(application):
    return application.organization.members


# action -> (who is told, subject, body); the texts are rendered in each recipient's language
MESSAGES = {
    "submit": (
        lambda a: staff_users(),
        _l("Application submitted: %(number)s"),
        _l("%(org)s submitted %(number)s “%(title)s” to the call %(call)s."),
    ),
    "withdraw": (
        lambda a: staff_users() if a.number else [],
        _l("Application withdrawn: %(number)s"),
        _l("%(org)s withdrew %(number)s “%(title)s” from the call %(call)s."),
    ),
    "return_for_correction": (
        _members,
        _l("Please correct your application %(number)s"),
        _l(
            "Staff returned “%(title)s” for correction: %(reason)s\n"
            "Please correct it and submit it again before %(deadline)s."
        ),
    ),
    "mark_eligible": (
        _members,
        _l("Your application %(number)s passed screening"),
        _l("“%(title)s” passed the eligibility screening and goes on to the expert review."),
    ),
    "mark_ineligible": (
        _members,
        _l("Your application %(number)s did not pass screening"),
        _l("“%(title)s” did not pass the eligibility screening. Reason: %(reason)s"),
    ),
    "propose_award": (
        _members,
        _l("Your application %(number)s is proposed for award"),
        _l("“%(title)s” is proposed for award; the result is announced before it becomes final."),
    ),
    "confirm_award": (
        _members,
        _l("Your application %(number)s is awarded"),
        _l("“%(title)s” is awarded. Staff will prepare the contract."),
    ),
    "decline_award": (
        _members,
        _l("Your application %(number)s is not awarded"),
        _l("“%(title)s” was proposed for award, but the award was not confirmed."),
    ),
    "close_not_selected": (
        _members,
        _l("Your application %(number)s is not awarded"),
        _l("“%(title)s” was not selected in the review of the call %(call)s."),
    ),
}


def _notify_parties(application, t, _actor, reason):
    if t.action not in MESSAGES:
        return
    audience, subject, body = MESSAGES[t.action]
    values = {
        "number": application.number or "",
        "title": application.title,
        "org": application.organization.name,
        "call": application.call.title,
        "reason": reason or "",
        # a function: the date is written in the recipient's language
        "deadline": lambda: local_datetime(application.correction_deadline),
    }
    notify(
        audience(application),
        _Formatted(subject, values),
        _Formatted(body, values),
        link=url_for("applications.show", application_id=application.id),
    )


class _Formatted:
    """A lazy message with its values, made into text in the recipient's language."""

    def __init__(self, message, values):
        self.message, self.values = message, values

    def __str__(self):
        values = {k: v() if callable(v) else v for k, v in self.values.items()}
        return str(self.message) % values


APPLICATION_WORKFLOW.after_hooks.append(_notify_parties)
