"""Two saves of the same record at the same instant: both have read version N, exactly one is
kept and the other is refused with the "changed by someone else" page, nothing is mixed.

The version check of the edit pages (tests/test_concurrent_edits.py) sees a page opened before
another save; here both saves pass it, so the write itself must be conditional
(UPDATE … WHERE version = N). Real threads race on the test database (SQLite, or PostgreSQL
with TEST_DATABASE_URL); the view tests interleave the two saves deterministically.
"""

import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from tests.delivery.helpers import delivering, values
from tests.review import helpers as review
from venture.applications.models import Application
from venture.auth.enums import Role
from venture.auth.models import User
from venture.calls.models import Call
from venture.contracts import operations as contracts
from venture.contracts.models import Contract
from venture.core.concurrency import EditConflict, claim_edit
from venture.delivery import operations as delivery
from venture.delivery.models import ProgressReport
from venture.extensions import db
from venture.review import operations as reviews

STALE = "您打开本页后，他人已保存了修改，因此本次未保存任何内容。"


def race(app, model, record_id, actor_id, save):
    """Two threads load the record (both see version N), then save at once; returns
    (results sorted, {thread: what it tried})."""
    loaded = threading.Barrier(2, timeout=30)
    results = {}

    def attempt(n):
        with app.app_context():
            try:
                record = db.session.get(model, record_id)
                actor = db.session.get(User, actor_id)
                loaded.wait()
                save(record, actor, n)
                db.session.commit()
                results[n] = "saved"
            except StaleDataError:
                db.session.rollback()
                results[n] = "refused"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def winner(results):
    assert sorted(results.values()) == ["refused", "saved"]
    return next(n for n, r in results.items() if r == "saved")


def test_two_report_saves_at_the_same_instant_keep_one(app, make):
    project, member, _staff = delivering(make)
    report = delivery.start_report(project, kind="ad_hoc", title="活动简报", actor=member)
    db.session.commit()

    def save(record, actor, n):
        delivery.save_report(
            record, values(record.project, summary=f"第{n}位同事写的摘要"), actor=actor
        )

    results = race(app, ProgressReport, report.id, member.id, save)
    kept = winner(results)
    db.session.expire_all()
    assert (report.summary, report.version, len(report.activities)) == (
        f"第{kept}位同事写的摘要",
        2,
        1,
    )


def test_two_rubric_saves_at_the_same_instant_keep_one(app, make):
    staff = make.user(Role.STAFF)
    call = review.call(staff=staff)
    review.rubric(call, (40, 30, 30), staff=staff)

    def save(record, actor, n):
        rows = [
            {"id": None, "name": f"第{n}版标准{i}", "description": "", "max_score": Decimal(m)}
            for i, m in enumerate((50, 50), start=1)
        ]
        reviews.save_rubric(record, rows, actor=actor)

    results = race(app, Call, call.id, staff.id, save)
    kept = winner(results)
    db.session.expire_all()
    assert [c.name for c in reviews.criteria_of(call.id)] == [
        f"第{kept}版标准1",
        f"第{kept}版标准2",
    ]
    assert call.rubric_version == 3  # one save by the helper, one by the winner


def test_two_contract_draft_saves_at_the_same_instant_keep_one(app, make):
    contract = make.contract("1000.00")
    staff = make.user(Role.STAFF)

    def save(record, actor, n):
        terms = {name: getattr(record, name) for name in contracts.TERM_FIELDS}
        terms["title"] = f"第{n}位同事改的标题"
        contracts.update_contract(record, terms=terms, actor=actor)

    kept = winner(race(app, Contract, contract.id, staff.id, save))
    db.session.expire_all()
    assert contract.title == f"第{kept}位同事改的标题"


def test_two_application_saves_at_the_same_instant_keep_one(app, make):
    application = make.application()
    member = make.member(application.organization)

    def save(record, actor, n):
        record.title = f"第{n}位同事改的名称"
        record.version  # noqa: B018 (the version this save read is the one it checks)

    kept = winner(race(app, Application, application.id, member.id, save))
    db.session.expire_all()
    assert application.title == f"第{kept}位同事改的名称"


def test_claim_edit_refuses_a_version_moved_on_by_another_connection(make):
    """The conditional write itself: this session read version 1, another committed 2."""
    project, member, _staff = delivering(make)
    report = delivery.start_report(project, kind="ad_hoc", title="活动简报", actor=member)
    db.session.commit()
    assert report.version == 1
    with db.engine.begin() as other:
        other.execute(
            sa.update(ProgressReport.__table__)
            .where(ProgressReport.id == report.id)
            .values(version=2, summary="同事先保存的摘要")
        )
    with pytest.raises(EditConflict):
        claim_edit(report)
    db.session.rollback()
    assert (report.summary, report.version) == ("同事先保存的摘要", 2)


def competing(monkeypatch, module, name, competitor):
    """Make module.name run competitor (a whole save committed on its own connection) just
    before the real save, as if a colleague's save reached the database first."""
    real = getattr(module, name)

    def first_the_colleague(*args, **kwargs):
        competitor()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, first_the_colleague)


def test_report_save_losing_the_race_shows_what_changed_and_keeps_the_typing(
    client, login, make, monkeypatch
):
    project, member, _staff = delivering(make)
    report = delivery.start_report(project, kind="ad_hoc", title="活动简报", actor=member)
    db.session.commit()
    login(member)
    page = client.get(f"/progress-reports/{report.id}/edit").get_data(as_text=True)
    token = page.split('name="version_token" type="hidden" value="')[1].split('"')[0]

    def colleague():
        with db.engine.begin() as other:
            other.execute(
                sa.update(ProgressReport.__table__)
                .where(ProgressReport.id == report.id)
                .values(version=ProgressReport.version + 1, summary="同事先保存的摘要")
            )

    competing(monkeypatch, delivery, "save_report", colleague)
    response = client.post(
        f"/progress-reports/{report.id}/edit",
        data={"version_token": token, "summary": "我写的摘要", "problems": "", "next_steps": ""},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert STALE in text
    assert "我写的摘要" in text  # what this person typed is on the page to save again
    db.session.expire_all()
    assert (report.summary, report.version) == ("同事先保存的摘要", 2)


def test_rubric_save_losing_the_race_shows_the_rubric_now(client, login, make, monkeypatch):
    staff = make.user(Role.STAFF)
    call = review.call(staff=staff)
    review.rubric(call, (40, 30, 30), staff=staff)
    login(staff)
    page = client.get(f"/staff/review/calls/{call.id}/rubric").get_data(as_text=True)
    token = page.split('name="version_token" value="')[1].split('"')[0]
    criteria = reviews.criteria_of(call.id)

    def colleague():
        with db.engine.begin() as other:
            other.execute(
                sa.update(Call.__table__)
                .where(Call.id == call.id)
                .values(rubric_version=Call.rubric_version + 1)
            )

    competing(monkeypatch, reviews, "save_rubric", colleague)
    form = {"version_token": token}
    for i, (criterion, score) in enumerate(zip(criteria, (50, 30, 20), strict=True)):
        form.update(
            {
                f"rows-{i}-criterion_id": str(criterion.id),
                f"rows-{i}-name": f"我的标准{i}",
                f"rows-{i}-description": "",
                f"rows-{i}-max_score": str(score),
            }
        )
    response = client.post(f"/staff/review/calls/{call.id}/rubric", data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert STALE in text
    db.session.expire_all()
    assert [c.name for c in reviews.criteria_of(call.id)] == ["标准1", "标准2", "标准3"]


def test_a_save_after_the_conflict_applies_deliberately(client, login, make):
    """The page after a conflict carries the current version: saving it again is kept."""
    project, member, _staff = delivering(make)
    report = delivery.start_report(project, kind="ad_hoc", title="活动简报", actor=member)
    db.session.commit()
    login(member)
    page = client.get(f"/progress-reports/{report.id}/edit").get_data(as_text=True)
    token = page.split('name="version_token" type="hidden" value="')[1].split('"')[0]
    delivery.save_report(report, values(project, summary="同事先保存的摘要"), actor=member)
    db.session.commit()
    typed = {"summary": "我写的摘要", "problems": "", "next_steps": ""}
    refused = client.post(
        f"/progress-reports/{report.id}/edit", data={"version_token": token, **typed}
    )
    fresh = refused.get_data(as_text=True)
    fresh_token = fresh.split('name="version_token" type="hidden" value="')[1].split('"')[0]
    again = client.post(
        f"/progress-reports/{report.id}/edit", data={"version_token": fresh_token, **typed}
    )
    assert (refused.status_code, again.status_code) == (409, 302)
    db.session.expire_all()
    assert (report.summary, report.version) == ("我写的摘要", 3)


def test_contract_save_losing_the_race_shows_what_changed(client, login, make, monkeypatch):
    contract = make.contract("1000.00")
    login(make.user(Role.STAFF))
    page = client.get(f"/contracts/{contract.id}/edit").get_data(as_text=True)
    token = page.split('name="version_token" type="hidden" value="')[1].split('"')[0]

    def colleague():
        with db.engine.begin() as other:
            other.execute(
                sa.update(Contract.__table__)
                .where(Contract.id == contract.id)
                .values(version=Contract.version + 1, title="同事先改的标题")
            )

    competing(monkeypatch, contracts, "update_contract", colleague)
    form = {name: str(getattr(contract, name) or "") for name in contracts.TERM_FIELDS}
    form.update(version_token=token, title="我改的标题")
    response = client.post(f"/contracts/{contract.id}/edit", data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert STALE in text
    assert "我改的标题" in text
    db.session.expire_all()
    assert contract.title == "同事先改的标题"


def scoring(make):
    """(evaluation, evaluator): a midterm evaluation of a delivering project, open to score."""
    from tests.evaluation.helpers import assign, evaluator

    project, _member, staff = delivering(make)
    person = evaluator(make)
    return assign(project, staff, person), person


def test_two_evaluation_sheet_saves_at_the_same_instant_keep_one(app, make):
    from venture.evaluation import operations as evaluations
    from venture.evaluation.models import Evaluation

    evaluation, person = scoring(make)

    def save(record, actor, n):
        evaluations.save_scores(
            record, entries={}, overall_comment=f"第{n}位评估员的意见", site_visit={}, actor=actor
        )

    kept = winner(race(app, Evaluation, evaluation.id, person.id, save))
    db.session.expire_all()
    assert (evaluation.overall_comment, evaluation.version) == (f"第{kept}位评估员的意见", 2)


def test_evaluation_sheet_saved_meanwhile_keeps_the_typing_and_refuses(client, login, make):
    from venture.evaluation import operations as evaluations

    evaluation, person = scoring(make)
    login(person)
    page = client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    version = page.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]
    evaluations.save_scores(
        evaluation, entries={}, overall_comment="同事先保存的意见", site_visit={}, actor=person
    )
    db.session.commit()
    typed = {"overall_comment": "我的总体意见", "site_visit_on": "", "site_visit_place": ""}
    refused = client.post(
        f"/evaluations/{evaluation.id}/scores", data={"version": version, **typed}
    )
    text = refused.get_data(as_text=True)
    assert (refused.status_code, STALE in text, "我的总体意见" in text) == (409, True, True)
    fresh = text.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]
    again = client.post(f"/evaluations/{evaluation.id}/scores", data={"version": fresh, **typed})
    assert (version, fresh, again.status_code) == ("1", "2", 302)
    db.session.expire_all()
    assert (evaluation.overall_comment, evaluation.version) == ("我的总体意见", 3)
