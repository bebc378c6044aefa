"""An organization never sees, edits or downloads another's application (ids guessed)."""

import pytest

from venture.applications.enums import ApplicationState
from venture.auth.enums import Role
from venture.auth.models import User
from venture.extensions import db


@pytest.fixture
def two_orgs(make):
    """Organization A's submitted application and draft; a member of organization B with an
    application of its own."""
    call = make.call(max_applications_per_org=2)
    submitted = make.application(call, state="submitted")
    draft = make.application(call, organization=submitted.organization)
    own = make.application(call)
    intruder = db.session.get(User, own.created_by_id)
    return submitted, draft, own, intruder


def urls(application):
    attachment = application.attachments[0]
    return [
        f"/applications/{application.id}",
        f"/applications/{application.id}/edit",
        f"/applications/{application.id}/pdf",
        f"/applications/{application.id}/attachments/{attachment.id}",
    ]


def test_other_organization_gets_404_everywhere(client, login, two_orgs, form):
    submitted, draft, own, intruder = two_orgs
    login(intruder)
    for application in (submitted, draft):
        for url in urls(application):
            assert client.get(url).status_code == 404, url
        response = client.post(
            f"/applications/{application.id}/edit", data=form(application, title="篡改")
        )
        assert response.status_code == 404
        assert client.post(f"/applications/{application.id}/withdraw").status_code == 404
    db.session.refresh(draft)
    db.session.refresh(submitted)
    assert draft.title != "篡改"
    assert submitted.state == ApplicationState.SUBMITTED


def test_another_applications_attachment_id_is_not_served_through_ones_own(client, login, two_orgs):
    submitted, _draft, own, intruder = two_orgs
    login(intruder)
    foreign = submitted.attachments[0].id
    assert client.get(f"/applications/{own.id}/attachments/{foreign}").status_code == 404


def test_removing_another_applications_attachment_through_ones_own_does_nothing(
    client, login, two_orgs, form
):
    _submitted, draft, own, intruder = two_orgs
    login(intruder)
    foreign = draft.attachments[0]
    client.post(f"/applications/{own.id}/edit", data=form(own, remove_attachment=str(foreign.id)))
    db.session.refresh(draft)
    assert [a.id for a in draft.attachments][0] == foreign.id


def test_my_applications_lists_only_my_organization(client, login, two_orgs):
    submitted, draft, own, intruder = two_orgs
    login(intruder)
    page = client.get("/applications").get_data(as_text=True)
    assert own.title in page
    assert submitted.title not in page
    assert draft.title not in page


def test_members_see_their_own_applications(client, login, two_orgs):
    submitted, draft, _own, _intruder = two_orgs
    login(db.session.get(User, submitted.created_by_id))
    for url in urls(submitted) + urls(draft):
        expected = 302 if url == f"/applications/{submitted.id}/edit" else 200
        assert client.get(url).status_code == expected, url


def test_staff_see_submitted_applications_but_not_drafts(client, login, make, two_orgs):
    submitted, draft, _own, _intruder = two_orgs
    login(make.user(Role.STAFF))
    assert client.get(f"/applications/{submitted.id}").status_code == 200
    assert client.get(f"/applications/{submitted.id}/pdf").status_code == 200
    assert client.get(f"/applications/{draft.id}").status_code == 404
    assert client.get(f"/applications/{draft.id}/edit").status_code == 403


def test_other_roles_do_not_see_applications(client, login, make, two_orgs):
    submitted, _draft, _own, _intruder = two_orgs
    for role in (Role.REVIEWER, Role.FINANCE, Role.EVALUATOR, Role.COMMUNITY, Role.ADMIN):
        login(make.user(role))
        assert client.get(f"/applications/{submitted.id}").status_code == 404, role
        client.post("/logout")


def test_applicant_cannot_reach_screening(client, login, two_orgs):
    submitted, _draft, own, intruder = two_orgs
    login(intruder)
    assert client.get(f"/staff/calls/{own.call_id}/applications").status_code == 403
    response = client.post(f"/staff/applications/{own.id}/screen", data={"action": "mark_eligible"})
    assert response.status_code == 403
    db.session.refresh(own)
    assert own.state == ApplicationState.DRAFT
