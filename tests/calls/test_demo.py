"""The demo data includes an open venture-grant call with applications in several states."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.models import User
from venture.calls.enums import CallStatus, Route
from venture.calls.models import Call
from venture.demo import load_demo
from venture.extensions import db

# the demo is built for, and checked on, one fixed day (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("on_demo_day")


def test_demo_has_an_open_call_and_applications_in_several_states():
    logins = load_demo()
    db.session.commit()
    assert ("applicant", "applicant@venture.example.com") in logins
    # the first venture-grant call is the open one (the demo's closed call comes after it)
    call = db.session.scalars(
        select(Call).where(Call.route == Route.VENTURE_GRANT).order_by(Call.id).limit(1)
    ).one()
    assert call.status == CallStatus.OPEN
    assert (call.total_budget, call.cap_per_project) == (
        Decimal("2000000.00"),
        Decimal("200000.00"),
    )
    assert call.title.endswith("年香坊区公益创投项目征集公告")
    assert call.notice is not None
    # (procurement) the demo's targeted purchase adds its own application: count this call's
    states = sorted(
        a.state.value
        for a in db.session.scalars(select(Application).where(Application.call_id == call.id))
    )
    assert states == ["draft", "eligible", "ineligible", "returned", "submitted", "submitted"]
    applicant = db.session.scalars(
        select(User).where(User.email == "applicant@venture.example.com")
    ).one()
    own = db.session.scalars(
        select(Application)
        .where(
            Application.organization_id == applicant.organization_id,
            Application.call_id == call.id,
        )
        .order_by(Application.id)
    ).all()
    assert [a.state for a in own] == [ApplicationState.SUBMITTED, ApplicationState.DRAFT]
    assert own[0].number == f"{call.year}-GYCT-0001"
