"""Demo data: needs of several communities, some taken up by the demo call and answered by its
applications."""

import pytest
from sqlalchemy import select

from venture.auth.models import User
from venture.calls.enums import Route
from venture.calls.models import Call
from venture.community.enums import NeedStatus
from venture.community.models import Need
from venture.demo import DEMO_PASSWORD, load_demo
from venture.extensions import db

# the demo is built for, and checked on, one fixed day (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("on_demo_day")


def test_demo_needs_come_from_several_communities_and_some_are_answered(app):
    load_demo()
    db.session.commit()
    needs = db.session.scalars(select(Need).order_by(Need.id)).all()
    assert len(needs) == 11
    assert len({n.community_id for n in needs}) == 5
    assert sorted(n.status.value for n in needs) == sorted(
        ["addressed"] * 5 + ["open"] * 4 + ["merged", "closed"]
    )
    call = db.session.scalars(
        select(Call).where(Call.route == Route.VENTURE_GRANT).order_by(Call.id)
    ).first()
    assert [n.title for n in call.needs] == [
        "双职工家庭孩子放学后无人照看",
        "独居老人日常探访和健康监测",
        "残疾人康复训练缺少场地和指导",
        "楼院议事缺少组织",
        "老年人智能手机使用培训",
    ]
    answering = {n.title: [a.title for a in n.applications] for n in call.needs}
    assert answering["独居老人日常探访和健康监测"] == ["银龄守护——社区独居老人关爱服务"]
    assert answering["老年人智能手机使用培训"] == []
    merged = next(n for n in needs if n.status == NeedStatus.MERGED)
    assert merged.merged_into.title == "独居老人日常探访和健康监测"

    user = db.session.scalars(
        select(User).where(User.email == "community@venture.example.com")
    ).one()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": DEMO_PASSWORD})
    page = client.get("/community/needs").get_data(as_text=True)
    assert page.count('href="/needs/') == 4
