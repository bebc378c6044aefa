"""The menu by job: at most seven top-level entries for every role, grouped when a role sees
more; the phone menu lists every entry under its job's heading."""

import pytest
from flask_babel import force_locale
from flask_login import login_user, logout_user

from tests import factories
from venture.auth.enums import Role
from venture.core.nav import nav_items, nav_menu, nav_sections


def _as(role):
    logout_user()
    if role is not None:
        login_user(factories.user(role))


def _labels(menu):
    return [str(entry["label"]) for entry in menu]


EXPECTED_TOP = {
    None: ["首页", "公示公告", "征集公告", "使用指南"],
    Role.APPLICANT: [
        "首页",
        "征集与评审",
        "我的投标",
        "我的合同",
        "我的项目",
        "我的组织",
        "使用指南",
    ],
    Role.STAFF: ["首页", "征集与评审", "采购", "合同管理", "项目执行", "社区", "系统"],
    Role.ADMIN: ["首页", "征集与评审", "招标采购", "社会组织", "系统"],
}


@pytest.mark.parametrize("role", [None, Role.APPLICANT, Role.STAFF, Role.ADMIN])
def test_top_level_menu_is_grouped_by_job(role):
    _as(role)
    with force_locale("zh_CN"):
        assert _labels(nav_menu()) == EXPECTED_TOP[role]


@pytest.mark.parametrize("role", list(Role))
def test_no_role_has_more_than_seven_top_level_entries(role):
    _as(role)
    assert len(nav_menu()) <= 7


def test_staff_group_lists_its_entries_in_order():
    _as(Role.STAFF)
    with force_locale("zh_CN"):
        procurement = next(e for e in nav_menu() if e.get("group") == "procurement")
        assert [str(i["label"]) for i in procurement["items"]] == ["招标采购", "定向购买"]


def test_phone_menu_holds_every_entry_under_its_job():
    _as(Role.STAFF)
    sections = nav_sections()
    assert [s["group"] for s in sections] == [
        None,
        "calls",
        "procurement",
        "contracts",
        "delivery",
        "community",
        "system",
    ]
    in_sections = [item["url"] for s in sections for item in s["items"]]
    assert sorted(in_sections) == sorted(item["url"] for item in nav_items())
    assert len(in_sections) == 18  # with 批量导入 under 系统
