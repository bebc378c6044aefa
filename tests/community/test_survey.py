"""Residents' satisfaction: an anonymous survey per project, one answer per device, limited
against floods in the database; averages for the evaluator and in the final report."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.community.helpers import committee, signed_in
from tests.delivery.helpers import delivering
from tests.evaluation.helpers import assign, evaluator
from tests.pdf_checks import pdf_text
from venture.auth.enums import Role
from venture.community import figures
from venture.community.enums import SurveyQuestion
from venture.community.models import SurveyResponse
from venture.delivery.enums import ProjectState
from venture.extensions import db
from venture.reports import documents

ANSWERS = {"overall": "5", "needs": "4", "staff": "5", "schedule": "3"}


def responses():
    return db.session.scalar(select(func.count()).select_from(SurveyResponse))


def answer(client, project, data=None, address="10.0.0.1"):
    """Open the survey (the device cookie is set) and send answers from address."""
    url = f"/satisfaction/{project.id}"
    assert client.get(url, environ_base={"REMOTE_ADDR": address}).status_code == 200
    return client.post(url, data=data or ANSWERS, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def project(make):
    return delivering(make)[0]


def test_a_resident_answers_without_an_account_and_nothing_personal_is_kept(app, project):
    client = app.test_client()
    response = answer(client, project, {**ANSWERS, "comment": "服务很好。"}, address="10.1.2.3")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-state="thanks"' in page
    saved = db.session.scalars(select(SurveyResponse)).one()
    assert sorted((a.question, a.score) for a in saved.answers) == sorted(
        [
            (SurveyQuestion.OVERALL, 5),
            (SurveyQuestion.NEEDS, 4),
            (SurveyQuestion.STAFF, 5),
            (SurveyQuestion.SCHEDULE, 3),
        ]
    )
    assert saved.comment == "服务很好。"
    # only keyed hashes: neither the address nor the cookie's token is stored
    assert "10.1.2.3" not in (saved.ip_hash, saved.device_hash)
    assert len(saved.ip_hash) == len(saved.device_hash) == 64


def test_the_same_device_cannot_answer_twice(app, project):
    client = app.test_client()
    assert answer(client, project).status_code == 200
    again = client.post(f"/satisfaction/{project.id}", data=ANSWERS)
    assert again.status_code == 409
    assert "这部手机已填写过本项目的调查，谢谢！" in again.get_data(as_text=True)
    page = client.get(f"/satisfaction/{project.id}").get_data(as_text=True)
    assert 'data-state="answered"' in page
    assert 'id="survey-form"' not in page
    assert responses() == 1


def test_a_forged_device_cookie_is_not_accepted(app, project):
    client = app.test_client()
    client.set_cookie("venture_device", "forged-token-without-a-signature")
    response = client.post(f"/satisfaction/{project.id}", data=ANSWERS)
    assert response.status_code == 400
    assert 'data-state="cookies"' in response.get_data(as_text=True)
    assert responses() == 0


def test_a_flood_from_one_address_is_refused(app, project, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_ANSWERS_PER_IP_HOUR", 3)
    statuses = [answer(app.test_client(), project).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # another address is still heard
    assert answer(app.test_client(), project, address="10.9.9.9").status_code == 200
    assert responses() == 4


def test_a_flood_across_addresses_meets_the_global_cap(app, project, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_ANSWERS_PER_MINUTE", 2)
    statuses = [
        answer(app.test_client(), project, address=f"10.0.0.{n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    page = answer(app.test_client(), project, address="10.0.0.9").get_data(as_text=True)
    assert "刚才从这里提交的答卷过多，请一小时后再试。" in page
    assert responses() == 2


def test_every_question_must_be_answered(app, project):
    response = answer(app.test_client(), project, {**ANSWERS, "staff": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请回答每一个问题。" in page
    assert "请选择一项。" in page
    assert responses() == 0


def test_a_score_outside_the_scale_is_refused(app, project):
    response = answer(app.test_client(), project, {**ANSWERS, "overall": "9"})
    assert response.status_code == 400
    assert responses() == 0


def test_the_survey_of_a_closed_project_is_closed(app, project):
    project.state = ProjectState.CLOSED
    db.session.commit()
    client = app.test_client()
    page = client.get(f"/satisfaction/{project.id}").get_data(as_text=True)
    assert 'data-state="closed"' in page
    assert client.post(f"/satisfaction/{project.id}", data=ANSWERS).status_code == 409
    assert responses() == 0


def test_no_survey_before_the_contract_is_in_force_or_for_unknown_projects(app, project):
    project.state = ProjectState.CONTRACTING
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/satisfaction/{project.id}").status_code == 404
    assert client.get(f"/satisfaction/{project.id + 100}").status_code == 404


def _answers(app, project, rows):
    for n, (overall, needs, staff, schedule) in enumerate(rows):
        data = {"overall": overall, "needs": needs, "staff": staff, "schedule": schedule}
        assert answer(app.test_client(), project, data, address=f"10.2.0.{n}").status_code == 200


def test_averages_per_question_are_exact(app, project):
    _answers(app, project, [("5", "4", "5", "3"), ("4", "4", "3", "3"), ("4", "5", "5", "2")])
    summary = figures.satisfaction_summary(project.id)
    assert summary.responses == 3
    assert [(q, avg, n) for q, avg, n in summary.averages] == [
        (SurveyQuestion.OVERALL, Decimal("4.3"), 3),
        (SurveyQuestion.NEEDS, Decimal("4.3"), 3),
        (SurveyQuestion.STAFF, Decimal("4.3"), 3),
        (SurveyQuestion.SCHEDULE, Decimal("2.7"), 3),
    ]


def test_the_final_report_shows_the_averages_and_the_count(app, project, tmp_path):
    _answers(app, project, [("5", "4", "5", "3"), ("4", "4", "3", "3")])
    text = pdf_text(documents.render_project_final_report(project.id), tmp_path / "final.pdf")
    assert "居民满意度题目平均分（1～5）答卷数" in text
    # question, average, number of answers (pdftotext drops the spaces between cells)
    assert "您对这项服务总体是否满意？4.52" in text
    assert "您对活动的时间和地点安排是否满意？3.02" in text
    assert "作答居民数2" in text


def test_the_evaluator_sees_the_satisfaction_summary(app, make, project):
    _answers(app, project, [("5", "4", "5", "3")])
    staff = make.user(Role.STAFF)
    person = evaluator(make)
    evaluation = assign(project, staff, person)
    page = signed_in(app, person).get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert 'id="section-satisfaction"' in page
    assert (
        '<td>您对这项服务总体是否满意？</td><td class="text-end">5.0</td>'
        '<td class="text-end">1</td>' in page
    )


def test_the_notice_page_carries_the_survey_qr_code(app, make, project):
    member = make.member(project.organization)
    page = signed_in(app, member).get(f"/projects/{project.id}/notice").get_data(as_text=True)
    assert '<svg width="' in page
    assert 'class="survey-qr"' in page
    assert f"http://localhost/satisfaction/{project.id}" in page
    client = signed_in(app, committee(project.application.communities[0]))
    assert client.get(f"/projects/{project.id}/notice").status_code == 200
    assert signed_in(app, committee()).get(f"/projects/{project.id}/notice").status_code == 404
