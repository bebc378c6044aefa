"""Empty lists say what they hold and what to do next, with the user's action when there is
one; a list filtered down to nothing says so and offers to clear the filters."""

import html
import re

import pytest

from venture.auth.enums import Role

# (role, url, id of the empty state, its title, [(link text, href)])
EMPTY_LISTS = [
    (None, "/calls", "calls-empty", "目前没有征集。", [("查看公示公告", "/announcements")]),
    (None, "/calls?show=closed", "calls-empty", "没有已截止的征集。", []),
    (Role.STAFF, "/staff/calls", "calls-empty", "还没有征集。", [("新建征集", "/staff/calls/new")]),
    (
        Role.APPLICANT,
        "/applications",
        "applications-empty",
        "贵组织还没有申报书。",
        [("查看征集公告", "/calls")],
    ),
    (
        None,
        "/announcements",
        "announcements-empty",
        "还没有发布公示公告。",
        [("查看征集公告", "/calls")],
    ),
    (
        Role.STAFF,
        "/staff/announcements",
        "announcements-empty",
        "还没有公示公告。",
        [("发布公示", "/staff/announcements/new")],
    ),
    (Role.STAFF, "/staff/contracts", "contracts-empty", "还没有合同。", []),
    (
        Role.APPLICANT,
        "/contracts/mine",
        "contracts-empty",
        "贵组织还没有合同。",
        [("我的申报", "/applications")],
    ),
    (Role.FINANCE, "/finance/ledger", "ledger-empty", "还没有拨付记录。", []),
    (
        Role.APPLICANT,
        "/projects",
        "projects-empty",
        "贵组织还没有立项项目。",
        [("我的申报", "/applications")],
    ),
    (
        Role.STAFF,
        "/staff/projects",
        "projects-empty",
        "还没有立项项目。",
        [("合同管理", "/staff/contracts")],
    ),
    (Role.STAFF, "/staff/evaluations", "evaluations-empty", "尚无评估。", []),
    (
        Role.EVALUATOR,
        "/evaluation/tasks",
        "evaluations-empty",
        "没有指派给您的评估。",
        [("评估工作说明", "/guide/evaluator")],
    ),
    (Role.APPLICANT, "/bids", "bids-empty", "贵组织尚未投标。", []),
    (Role.STAFF, "/inbox", "inbox-empty", "还没有消息。", []),
    (Role.STAFF, "/staff/orgs", "orgs-empty", "还没有社会组织注册。", []),
]


def empty_state(page, element_id):
    """(title, [(link text, href)]) of the empty state with element_id."""
    found = re.search(rf'<div class="empty-state" id="{element_id}">(.*?)</div>', page, re.S)
    assert found, f"no empty state #{element_id}"
    block = found.group(1)
    title = re.search(r'<p class="empty-title">(.*?)</p>', block, re.S).group(1)
    links = re.findall(r'<a[^>]*href="([^"]*)"[^>]*>(.*?)</a>', block, re.S)
    return html.unescape(title), [
        (html.unescape(text), html.unescape(href)) for href, text in links
    ]


def _sign_in(make, login, role):
    if role == Role.APPLICANT:
        return login(make.member())
    if role is not None:
        return login(make.user(role))
    return None


@pytest.mark.parametrize(
    ("role", "url", "element_id", "title", "links"), EMPTY_LISTS, ids=[e[1] for e in EMPTY_LISTS]
)
def test_empty_list_says_what_it_holds_and_what_to_do(
    client, login, make, role, url, element_id, title, links
):
    _sign_in(make, login, role)
    response = client.get(url)
    assert response.status_code == 200
    assert empty_state(response.get_data(as_text=True), element_id) == (title, links)


def test_empty_list_explains_its_purpose(client):
    page = client.get("/calls").get_data(as_text=True)
    block = re.search(r'id="calls-empty">(.*?)</div>', page, re.S).group(1)
    assert re.findall(r"<p>([^<]*)</p>", block) == [
        "公益创投、定向购买和招标项目开始征集时会在这里发布，注明预算、申报条件和截止时间。"
        "以往征集的结果请查看公示公告。"
    ]


def test_filtered_empty_list_offers_to_clear_the_filters(client, login, make):
    login(make.user(Role.STAFF))
    page = client.get("/staff/orgs?status=pending&q=不存在").get_data(as_text=True)
    assert empty_state(page, "orgs-empty") == (
        "没有符合条件的组织。",
        [("清除筛选条件，显示全部", "/staff/orgs")],
    )


def test_admin_users_filtered_to_nothing_offers_to_clear(client, login, make):
    login(make.user(Role.ADMIN))
    page = client.get("/admin/users?q=nobody-here").get_data(as_text=True)
    assert empty_state(page, "users-empty") == (
        "没有符合条件的用户。",
        [("清除筛选条件，显示全部", "/admin/users")],
    )


def test_audit_log_filtered_to_nothing_offers_to_clear(client, login, make):
    login(make.user(Role.ADMIN))
    page = client.get("/admin/audit?action=nothing.matches").get_data(as_text=True)
    assert empty_state(page, "audit-empty") == (
        "没有符合条件的记录。",
        [("清除筛选条件，显示全部", "/admin/audit")],
    )
