"""Field-level rules for reviewers: bank accounts never reach them, and blind review hides the
organization everywhere a reviewer reads (pages, PDFs, API)."""

import json

import pytest

from tests.pdf_checks import pdf_text
from tests.review import helpers
from venture.api import operations as api
from venture.auth.enums import Role
from venture.extensions import db

ORG_NAME = "香坊区阳光助老服务中心"
BANK = {"bank_name": "龙江银行香坊支行", "bank_account": "6230958800112233445"}


@pytest.fixture
def reviewing(make):
    """(assignment, application, token): a declared reviewer of an application of ORG_NAME."""

    def build(blind):
        staff = make.user(Role.STAFF)
        call = make.call("closed", staff=staff)
        helpers.rubric(call, staff=staff)
        organization = make.org(name=ORG_NAME)
        organization.bank_name, organization.bank_account = BANK["bank_name"], BANK["bank_account"]
        application = make.application(call, state="eligible", organization=organization)
        experts = [helpers.expert() for _ in range(3)]
        panel = helpers.panel(call, experts, blind=blind, staff=staff)
        made, _missing = helpers.assign(panel, staff)
        assignment = made[0]
        helpers.open_sheet(assignment)
        _token, text = api.create_token(
            assignment.reviewer.user, name="t", expires_in_days=30, actor=assignment.reviewer.user
        )
        db.session.commit()
        return assignment, application, text

    return build


def as_text(response):
    """The body as a person reads it: JSON with its Chinese unescaped."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


def reviewer_reads(client, assignment, application, token, tmp_path):
    """{what: (status, text)} for everything a reviewer may open about the application."""
    bearer = {"Authorization": f"Bearer {token}"}
    org_id = application.organization_id
    answers = {
        "queue": client.get("/review"),
        "score page": client.get(f"/review/assignments/{assignment.id}"),
        "application page": client.get(f"/applications/{application.id}"),
        "organization page": client.get(f"/orgs/{org_id}"),
        "api application": client.get(f"/api/v1/applications/{application.id}", headers=bearer),
        "api list": client.get("/api/v1/applications", headers=bearer),
        "api organization": client.get(f"/api/v1/organizations/{org_id}", headers=bearer),
    }
    pdf = client.get(f"/applications/{application.id}/pdf")
    read = {what: (r.status_code, as_text(r)) for what, r in answers.items()}
    read["application pdf"] = (
        pdf.status_code,
        pdf_text(pdf.data, tmp_path / "a.pdf") if pdf.status_code == 200 else "",
    )
    return read


def test_reviewers_read_the_application_but_never_a_bank_account(
    client, login, reviewing, tmp_path
):
    assignment, application, token = reviewing(blind=False)
    login(assignment.reviewer.user)
    read = reviewer_reads(client, assignment, application, token, tmp_path)
    assert {what: status for what, (status, _text) in read.items()} == {
        "queue": 200,
        "score page": 200,
        "application page": 200,
        "organization page": 404,
        "api application": 200,
        "api list": 200,
        "api organization": 404,
        "application pdf": 200,
    }
    # the organization is named (not blind), so the check below reads real content
    shown = {what for what, (_status, text) in read.items() if ORG_NAME in text}
    assert shown == {"queue", "score page", "application page", "api application", "api list",
                     "application pdf"}  # fmt: skip
    leaks = {
        what for what, (_status, text) in read.items() for secret in BANK.values() if secret in text
    }
    assert leaks == set()


def test_blind_review_hides_the_organization_in_pages_pdfs_and_api(
    client, login, reviewing, tmp_path
):
    assignment, application, token = reviewing(blind=True)
    login(assignment.reviewer.user)
    read = reviewer_reads(client, assignment, application, token, tmp_path)
    assert {what: status for what, (status, _text) in read.items()} == {
        "queue": 200,
        "score page": 200,
        "application page": 404,
        "organization page": 404,
        "api application": 404,
        "api list": 200,
        "api organization": 404,
        "application pdf": 404,
    }
    # the score page carries the application itself, without who made it
    assert application.title in read["score page"][1]
    organization = application.organization
    identities = (ORG_NAME, organization.credit_code, organization.contact_name, *BANK.values())
    leaks = {what for what, (_s, text) in read.items() for i in identities if i in text}
    assert leaks == set()
    assert json.loads(read["api list"][1])["total"] == 0
