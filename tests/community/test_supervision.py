"""Supervision during delivery: the residents' committee sees the projects delivered in its
community, confirms or disputes each reported activity; disputes reach staff and evaluators."""

from sqlalchemy import select

from tests.community.helpers import committee, project_with_activity, signed_in
from tests.delivery.helpers import delivering, write_report
from tests.evaluation.helpers import assign, evaluator
from venture.community.enums import Verdict
from venture.community.models import ActivityCheck
from venture.core.audit import AuditEntry
from venture.extensions import db


def checks():
    return db.session.scalars(select(ActivityCheck).order_by(ActivityCheck.id)).all()


def test_a_committee_sees_only_projects_delivered_in_its_community(app, make):
    project, _member, _staff, _report, activity = project_with_activity(make)
    other, _m, _s, _r, other_activity = project_with_activity(make)
    client = signed_in(app, committee(project.application.communities[0]))

    page = client.get("/community/projects").get_data(as_text=True)
    assert f'href="/community/projects/{project.id}"' in page
    assert f'href="/community/projects/{other.id}"' not in page
    assert client.get(f"/community/projects/{project.id}").status_code == 200
    # guessing the other project's ids
    assert client.get(f"/community/projects/{other.id}").status_code == 404
    assert client.get(f"/projects/{other.id}/notice").status_code == 404
    assert client.get(f"/projects/{other.id}").status_code == 404
    response = client.post(f"/community/activities/{other_activity.id}/confirm", data={})
    assert response.status_code == 404
    assert checks() == []


def test_an_activity_reported_in_a_community_shows_the_project_to_its_committee(app, make):
    project, member, _staff = delivering(make)
    elsewhere = make.community()
    report = write_report(project, member, submit=False)
    report.activities[0].community_id = elsewhere.id
    db.session.commit()
    client = signed_in(app, committee(elsewhere))
    # a draft report is the organization's own: nothing is shown yet
    assert client.get(f"/community/projects/{project.id}").status_code == 404
    from venture.delivery import operations

    operations.submit_report(report, actor=member)
    db.session.commit()
    page = client.get(f"/community/projects/{project.id}").get_data(as_text=True)
    assert f'id="activity-{report.activities[0].id}"' in page


def test_the_supervision_page_shows_the_plan_and_the_communitys_activities(app, make):
    project, _member, _staff, _report, activity = project_with_activity(make)
    page = (
        signed_in(app, committee(activity.community))
        .get(f"/community/projects/{project.id}")
        .get_data(as_text=True)
    )
    assert project.activity_plan in page
    assert "完成建档" in page  # the plan's milestone
    assert f'id="activity-{activity.id}"' in page
    assert "健康讲座" in page
    assert "30 人参加" in page


def test_the_committee_confirms_then_disputes_an_activity_with_a_comment(app, make):
    project, _member, _staff, _report, activity = project_with_activity(make)
    user = committee(activity.community)
    client = signed_in(app, user)
    url = f"/community/activities/{activity.id}"

    response = client.post(f"{url}/confirm", data={"comment": ""})
    assert response.status_code == 302
    assert (
        response.headers["Location"] == f"/community/projects/{project.id}#activity-{activity.id}"
    )
    assert [(c.verdict, c.user_id) for c in checks()] == [(Verdict.CONFIRMED, user.id)]

    page = client.post(f"{url}/dispute", data={"comment": "  "}, follow_redirects=True)
    assert "请说明所报活动有什么问题。" in page.get_data(as_text=True)
    db.session.expire_all()
    assert [c.verdict for c in checks()] == [Verdict.CONFIRMED]

    client.post(f"{url}/dispute", data={"comment": "当天社区活动室未开放，没有举办讲座。"})
    db.session.expire_all()
    assert [(c.verdict, c.comment) for c in checks()] == [
        (Verdict.DISPUTED, "当天社区活动室未开放，没有举办讲座。")
    ]
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "activity.check").order_by(AuditEntry.id)
    ).all()
    assert [e.after_data["verdict"] for e in entries] == ["confirmed", "disputed"]
    assert entries[1].before_data["verdict"] == "confirmed"


def test_another_communitys_committee_cannot_check_the_activity(app, make):
    _project, _member, _staff, _report, activity = project_with_activity(make)
    client = signed_in(app, committee())
    assert client.post(f"/community/activities/{activity.id}/confirm").status_code == 404
    assert checks() == []


def test_activities_of_a_closed_project_can_no_longer_be_checked(app, make):
    project, _member, _staff, _report, activity = project_with_activity(make)
    from venture.delivery.enums import ProjectState

    project.state = ProjectState.TERMINATED
    project.termination_reason = "组织注销。"
    db.session.commit()
    client = signed_in(app, committee(activity.community))
    page = client.post(
        f"/community/activities/{activity.id}/confirm", follow_redirects=True
    ).get_data(as_text=True)
    assert "您现在不能核实这项活动。" in page
    assert checks() == []


def _dispute(app, activity, comment="当天没有举办讲座。"):
    client = signed_in(app, committee(activity.community))
    client.post(f"/community/activities/{activity.id}/dispute", data={"comment": comment})
    db.session.expire_all()


def test_a_disputed_activity_is_highlighted_for_staff_on_the_project_page(app, make):
    project, member, staff, _report, activity = project_with_activity(make)
    staff_client = signed_in(app, staff)
    page = staff_client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'id="disputed-activities"' not in page
    assert "社区居委会核实：0 项属实，0 项有异议，1 项尚未核实。" in page

    _dispute(app, activity)
    page = staff_client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'id="disputed-activities"' in page
    assert f'<tr class="disputed-activity" id="disputed-{activity.id}">' in page
    assert "当天没有举办讲座。" in page
    assert "社区居委会核实：0 项属实，1 项有异议，0 项尚未核实。" in page
    listing = staff_client.get("/staff/activity-disputes").get_data(as_text=True)
    assert "当天没有举办讲座。" in listing
    home = staff_client.get("/").get_data(as_text=True)
    assert '<div class="card-figure" id="disputed-count">1</div>' in home


def test_a_disputed_activity_appears_in_the_evaluation_view(app, make):
    project, _member, staff, _report, activity = project_with_activity(make)
    _dispute(app, activity, "讲座参加人数不足十人，与报告不符。")
    person = evaluator(make)
    evaluation = assign(project, staff, person)
    page = signed_in(app, person).get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert 'id="section-community-checks"' in page
    assert 'id="evaluation-disputes"' in page
    assert "讲座参加人数不足十人，与报告不符。" in page
    staff_page = signed_in(app, staff).get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "讲座参加人数不足十人，与报告不符。" in staff_page


def test_the_committee_home_counts_activities_to_check(app, make):
    _project, _member, _staff, _report, activity = project_with_activity(make)
    client = signed_in(app, committee(activity.community))
    home = client.get("/").get_data(as_text=True)
    assert '<div class="card-figure" id="activities-to-check">1</div>' in home
    client.post(f"/community/activities/{activity.id}/confirm")
    home = client.get("/").get_data(as_text=True)
    assert '<div class="card-figure" id="activities-to-check">0</div>' in home
