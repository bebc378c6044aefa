import pytest

from tests.notifications.conftest import mailbox  # noqa: F401


def filled_form(application, action="save", **changes):
    """A complete, valid form post for application's call; changes override or add keys."""
    call = application.call
    data = {
        "version": str(application.version),
        "action": action,
        "title": "四点半课堂——双职工家庭儿童课后托管",
        "category_id": str(call.categories[0].id),
        "community_ids": [str(call.communities[0].id)],
        "target_group": "辖区6至12岁双职工家庭儿童",
        "beneficiaries": "60",
        "needs_analysis": "双职工家庭放学后无人照看。",
        "objectives": "提供安全的课后托管和作业辅导。",
        "activity_plan": "每周一至周五16:30-18:30开展托管活动。",
        "team": "社工2名，大学生志愿者10名。",
        "project_start": call.project_start.isoformat(),
        "project_end": call.project_end.isoformat(),
        "budget_lines-0-category": "personnel",
        "budget_lines-0-item": "社工补贴",
        "budget_lines-0-unit_price": "3000",
        "budget_lines-0-quantity": "12",
        "budget_lines-0-requested": "30000",
        "budget_lines-0-own_funds": "6000",
        "budget_lines-1-category": "materials",
        "budget_lines-1-item": "学习用品",
        "budget_lines-1-unit_price": "25.50",
        "budget_lines-1-quantity": "60",
        "budget_lines-1-requested": "1530",
        "budget_lines-1-own_funds": "0",
        "milestones-0-title": "招募儿童并建档",
        "milestones-0-due_date": call.project_start.isoformat(),
        "milestones-0-deliverable": "60 份儿童档案",
        "declaration": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def form():
    return filled_form
