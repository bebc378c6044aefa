"""The rubric is data per call: edited until the first sheet is submitted, then locked."""

from decimal import Decimal

import pytest

from tests.review import helpers
from venture.auth.enums import Role
from venture.review import operations


def test_default_rubric_has_seven_criteria_totalling_100(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    login(staff)
    response = client.post(f"/staff/review/calls/{call.id}/rubric/default")
    assert response.status_code == 302
    criteria = operations.criteria_of(call.id)
    assert [(c.name, c.max_score) for c in criteria] == [
        ("需求分析", Decimal(15)),
        ("项目设计", Decimal(20)),
        ("可行性", Decimal(15)),
        ("组织能力", Decimal(15)),
        ("预算合理性", Decimal(15)),
        ("可持续性", Decimal(10)),
        ("创新性", Decimal(10)),
    ]
    assert sum(c.max_score for c in criteria) == 100


def _rows(*rows):
    data = {}
    for i, (criterion_id, name, maximum, remove) in enumerate(rows):
        data[f"rows-{i}-criterion_id"] = str(criterion_id or "")
        data[f"rows-{i}-name"] = name
        data[f"rows-{i}-description"] = ""
        data[f"rows-{i}-max_score"] = maximum
        if remove:
            data[f"rows-{i}-remove"] = "y"
    return data


def test_rubric_form_edits_reorders_and_removes(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    first, second, third = helpers.rubric(call, (40, 30, 30), staff=staff)
    login(staff)
    response = client.post(
        f"/staff/review/calls/{call.id}/rubric",
        data=_rows(
            (third.id, "社会效益", "35", False),
            (first.id, "标准1", "45.5", False),
            (second.id, "标准2", "30", True),
            (None, "", "", False),
            (None, "创新性", "19.5", False),
        ),
    )
    assert response.status_code == 302
    assert [(c.id, c.name, c.max_score, c.position) for c in operations.criteria_of(call.id)] == [
        (third.id, "社会效益", Decimal("35.0"), 1),
        (first.id, "标准1", Decimal("45.5"), 2),
        (operations.criteria_of(call.id)[2].id, "创新性", Decimal("19.5"), 3),
    ]


def test_rubric_form_refuses_bad_maxima_and_keeps_the_rows(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    login(staff)
    response = client.post(
        f"/staff/review/calls/{call.id}/rubric",
        data=_rows(
            (None, "需求", "0", False), (None, "设计", "12.3", False), (None, "", "5", False)
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "最高分必须大于 0。" in page
    assert "请使用整数分或半分，例如 7 或 7.5。" in page
    assert "请填写评分项名称。" in page
    assert 'value="设计"' in page
    assert operations.criteria_of(call.id) == []


def test_rubric_is_locked_after_the_first_submitted_sheet(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    criteria = helpers.rubric(call, staff=staff)
    helpers.application(call)
    panel = helpers.panel(call, [helpers.expert() for _ in range(3)], staff=staff)
    made, _ = helpers.assign(panel, staff)
    assert operations.rubric_locked(call.id) is False
    helpers.submit(made[0], [30, 20, 20], criteria)
    assert operations.rubric_locked(call.id) is True
    with pytest.raises(operations.ReviewError) as refused:
        operations.save_rubric(
            call, [{"id": None, "name": "新", "max_score": Decimal(10)}], actor=staff
        )
    assert refused.value.message == "评分标准已锁定：已有专家按此标准提交评分表。"
    login(staff)
    page = client.get(f"/staff/review/calls/{call.id}/rubric").get_data(as_text=True)
    assert "评分标准已锁定：已有专家按此标准提交评分表。" in page
    response = client.post(
        f"/staff/review/calls/{call.id}/rubric", data=_rows((None, "新", "10", False))
    )
    assert "评分标准已锁定：已有专家按此标准提交评分表。" in response.get_data(as_text=True)
    assert len(operations.criteria_of(call.id)) == 3
    # reopening the sheet does not unlock the rubric
    operations.reopen_sheet(made[0].sheet, reason="笔误", actor=staff)
    assert operations.rubric_locked(call.id) is True
