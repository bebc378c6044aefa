"""The register form's example passes its own check; an enterprise code (9…) is explained and
allowed or refused by ENTERPRISE_CREDIT_CODES."""

import re

import pytest
from sqlalchemy import select

from tests.orgs.test_registration import org_count, registration, with_certificate
from venture.extensions import db
from venture.orgs.credit_code import normalise_credit_code
from venture.orgs.enums import OrgType
from venture.orgs.models import Organization


@pytest.fixture
def refuse_enterprises(app):
    app.config["ENTERPRISE_CREDIT_CODES"] = "refuse"
    yield
    app.config.pop("ENTERPRISE_CREDIT_CODES")


def _help_text(client):
    page = client.get("/orgs/register").get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_example_code_on_the_form_passes_its_own_check(client):
    text = _help_text(client)
    example = re.search(r"例如 (\w{18})", text).group(1)
    assert (example, normalise_credit_code(example)) == ("52230110MJ0000000N",) * 2


def test_form_explains_the_code_prefixes_and_the_enterprise_rule(client):
    text = _help_text(client)
    assert "5 开头为在民政部门登记的社会组织" in text
    assert "9 开头为在市场监管部门登记的企业。 企业可以注册，机构类型记为“其他”。" in text


def test_enterprise_code_is_accepted_as_other_by_default(client):
    response = client.post("/orgs/register", data=with_certificate(registration()))
    assert response.status_code == 302
    assert db.session.scalars(select(Organization.org_type)).one() == OrgType.OTHER


def test_enterprise_code_is_refused_when_configured(client, refuse_enterprises):
    assert "企业不能在本平台注册。" in _help_text(client)
    response = client.post("/orgs/register", data=with_certificate(registration()))
    assert response.status_code == 400
    assert "以 9 开头的代码属于在市场监管部门（工商）登记的企业。" in response.get_data(
        as_text=True
    )
    assert org_count() == 0


def test_social_organization_code_is_accepted_when_enterprises_are_refused(
    client, refuse_enterprises
):
    data = with_certificate(registration(credit_code="52230110MJ0000000N"))
    assert client.post("/orgs/register", data=data).status_code == 302
    assert db.session.scalars(select(Organization.org_type)).one() == OrgType.PRIVATE_NON_ENTERPRISE
