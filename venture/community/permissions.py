"""Who may see and change community needs, supervise projects and read survey results."""

from sqlalchemy import or_, select

from venture.auth.enums import Role
from venture.community.enums import NeedStatus
from venture.delivery.enums import ReportState
from venture.extensions import db

# reports whose activities the residents' committee checks: sent to staff, not being rewritten
CHECKABLE_REPORT_STATES = (ReportState.SUBMITTED, ReportState.ACCEPTED)


def is_staff(user):
    return user.is_authenticated and user.has_role(Role.STAFF)


def is_community_user(user):
    """A residents' committee account attached to a community."""
    return user.is_authenticated and user.has_role(Role.COMMUNITY) and user.community_id is not None


def is_need_community(user, need):
    """A member of the residents' committee that published the need."""
    return is_community_user(user) and user.community_id == need.community_id


def can_view_need(user, need):
    return is_staff(user) or is_need_community(user, need)


def can_edit_need(user, need):
    """The committee edits its need while no call has taken it up."""
    return is_need_community(user, need) and need.status == NeedStatus.OPEN


def can_decide_need(user, need):
    """Close or reopen: the committee that published it, or staff."""
    return is_staff(user) or is_need_community(user, need)


def can_merge_needs(user, _need=None):
    return is_staff(user)


def projects_in_community(community_id):
    """SELECT of the ids of projects delivered in a community: the community is among those its
    application serves, or an activity in it was reported."""
    from venture.applications.models import application_community
    from venture.delivery.models import Activity, ProgressReport, Project

    served = select(application_community.c.application_id).where(
        application_community.c.community_id == community_id
    )
    reported = (
        select(ProgressReport.project_id)
        .join(Activity, Activity.report_id == ProgressReport.id)
        .where(Activity.community_id == community_id, ProgressReport.state != ReportState.DRAFT)
    )
    return select(Project.id).where(
        or_(Project.application_id.in_(served), Project.id.in_(reported))
    )


def supervises(user, project):
    """The residents' committee of a community the project is delivered in."""
    from venture.delivery.models import Project

    if not is_community_user(user):
        return False
    query = projects_in_community(user.community_id).where(Project.id == project.id).limit(1)
    return db.session.scalar(query) is not None


def can_check_activity(user, activity):
    """Confirm or dispute: the committee of the activity's community, while the report is with
    staff and the project is still open."""
    report = activity.report
    return (
        is_community_user(user)
        and user.community_id == activity.community_id
        and report.state in CHECKABLE_REPORT_STATES
        and not report.project.is_read_only
    )


def can_view_notice(user, project):
    """The printable notice with the survey's QR code: staff, the organization, the committee."""
    from venture.delivery.permissions import is_project_member

    return is_staff(user) or is_project_member(user, project) or supervises(user, project)


def can_see_supervision(user, project):
    """Disputed activities and satisfaction figures on the project page and evaluation."""
    from venture.delivery.permissions import is_assigned_evaluator, is_project_member

    return (
        is_staff(user) or is_project_member(user, project) or is_assigned_evaluator(user, project)
    )
