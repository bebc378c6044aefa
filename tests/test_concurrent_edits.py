"""Two people editing the same rubric, contract draft or progress report: the second, stale
save is refused with what changed, keeps what was typed, overwrites nothing; saving again from
the refusal page applies it deliberately."""

import re

from tests import factories
from tests.delivery.helpers import delivering, write_report
from tests.review import helpers as reviews
from venture.auth.enums import Role
from venture.contracts.models import Contract
from venture.delivery.models import ProgressReport
from venture.extensions import db
from venture.review import operations as review

STALE = "您打开本页后，他人已保存了修改，因此本次未保存任何内容。"


def _signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _version(page):
    found = re.search(
        r'name="version_token"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="version_token"', page
    )
    assert found, "no version field on the page"
    return found.group(1) or found.group(2)


def _contract_form(contract, version, **changes):
    form = {
        "title": contract.title,
        "legal_basis": contract.legal_basis,
        "service_content": contract.service_content or "每周入户探访",
        "places": contract.places or "香坊街道：红旗社区",
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "quantity_targets": contract.quantity_targets,
        "quality_targets": contract.quality_targets,
        "version_token": version,
    }
    form.update(changes)
    return form


def test_contract_stale_save_is_refused_and_keeps_the_first(app, make):
    contract = make.contract("50000.00")
    first = _signed_in(app, make.user(Role.STAFF))
    second = _signed_in(app, make.user(Role.STAFF))
    url = f"/contracts/{contract.id}/edit"
    first_version = _version(first.get(url).get_data(as_text=True))
    second_version = _version(second.get(url).get_data(as_text=True))

    saved = first.post(url, data=_contract_form(contract, first_version, title="银龄守护甲"))
    assert saved.status_code == 302
    stale = second.post(url, data=_contract_form(contract, second_version, title="银龄守护乙"))
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert STALE in page
    assert "项目名称（现为“银龄守护甲”）" in page
    assert 'value="银龄守护乙"' in page  # what the second person typed is kept
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).title == "银龄守护甲"

    # saving again from the refusal page applies the change deliberately
    again = second.post(url, data=_contract_form(contract, _version(page), title="银龄守护乙"))
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).title == "银龄守护乙"


def test_contract_save_with_a_forged_version_is_refused(app, make):
    contract = make.contract("50000.00")
    staff = _signed_in(app, make.user(Role.STAFF))
    url = f"/contracts/{contract.id}/edit"
    response = staff.post(url, data=_contract_form(contract, "forged", title="改名"))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).title == contract.title


def _rubric_rows(criteria, names):
    data = {}
    for i, (criterion, name) in enumerate(zip(criteria, names, strict=True)):
        data[f"rows-{i}-criterion_id"] = str(criterion.id)
        data[f"rows-{i}-name"] = name
        data[f"rows-{i}-description"] = ""
        data[f"rows-{i}-max_score"] = str(criterion.max_score)
    return data


def test_rubric_stale_save_is_refused_and_keeps_the_first(app, make):
    staff_a, staff_b = make.user(Role.STAFF), make.user(Role.STAFF)
    call = reviews.call(staff=staff_a)
    criteria = reviews.rubric(call, (40, 30, 30), staff=staff_a)
    first, second = _signed_in(app, staff_a), _signed_in(app, staff_b)
    url = f"/staff/review/calls/{call.id}/rubric"
    first_version = _version(first.get(url).get_data(as_text=True))
    second_version = _version(second.get(url).get_data(as_text=True))

    names_a = ["社会效益", "标准2", "标准3"]
    saved = first.post(
        url, data={**_rubric_rows(criteria, names_a), "version_token": first_version}
    )
    assert saved.status_code == 302
    names_b = ["可行性", "标准2", "标准3"]
    stale = second.post(
        url, data={**_rubric_rows(criteria, names_b), "version_token": second_version}
    )
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert STALE in page
    assert "评分标准" in page
    assert 'value="可行性"' in page
    db.session.expire_all()
    assert [c.name for c in review.criteria_of(call.id)] == names_a

    again = second.post(
        url, data={**_rubric_rows(criteria, names_b), "version_token": _version(page)}
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert [c.name for c in review.criteria_of(call.id)] == names_b


def _report_form(version, summary):
    return {
        "summary": summary,
        "next_steps": "继续开展探访。",
        "action": "save",
        "version_token": version,
    }


def test_progress_report_stale_save_is_refused_and_keeps_the_first(app, make):
    project, member, _staff = delivering(make)
    colleague = make.member(project.organization, name="王芳")
    report = write_report(project, member, {}, submit=False)
    first, second = _signed_in(app, member), _signed_in(app, colleague)
    url = f"/progress-reports/{report.id}/edit"
    first_version = _version(first.get(url).get_data(as_text=True))
    second_version = _version(second.get(url).get_data(as_text=True))

    saved = first.post(url, data=_report_form(first_version, "开展重阳节敬老活动"))
    assert saved.status_code == 302
    stale = second.post(url, data=_report_form(second_version, "开展健康讲座两次"))
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert STALE in page
    assert "开展重阳节敬老活动" in page  # named as the value now saved
    assert "开展健康讲座两次</textarea>" in page  # what the colleague typed is kept
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).summary == "开展重阳节敬老活动"

    again = second.post(url, data=_report_form(_version(page), "开展健康讲座两次"))
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).summary == "开展健康讲座两次"
