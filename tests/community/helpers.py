"""Helpers for community tests: signed-in clients, residents' committee accounts, a project
with an activity reported in a community."""

from tests import factories
from tests.delivery.helpers import delivering, write_report
from venture.auth.enums import Role


def signed_in(app, user):
    """A new test client signed in as user (one client per person in a test)."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def committee(community=None, **kwargs):
    """A residents' committee account of community (a new one unless given)."""
    return factories.user(Role.COMMUNITY, community=community or factories.community(), **kwargs)


def project_with_activity(make, *, submit=True):
    """(project, member, staff, report, activity): a project delivered in the community of its
    application, with a report listing one activity there (健康讲座, 30 participants)."""
    project, member, staff = delivering(make)
    report = write_report(project, member, submit=submit)
    return project, member, staff, report, report.activities[0]
