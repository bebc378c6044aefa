"""Every audit action code reads as words in Chinese and English; before/after read as
labelled, formatted fields; the project history shows no raw code."""

import ast
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from tests import factories
from venture.auth.enums import Role
from venture.core import audit_labels
from venture.core.lifecycle import WORKFLOWS

SOURCE = Path(__file__).resolve().parents[2] / "venture"
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
# codes built at run time from a variable, with every value the variable takes
DYNAMIC_CODES = {
    ("auth/operations.py", "user.activate' if active else 'user.deactivate"): [
        "user.activate",
        "user.deactivate",
    ],
    ("reference/operations.py", "type(record).__name__.lower()"): [
        "street.active",
        "community.active",
        "servicecategory.active",
    ],
    ("roadshow/operations.py", "roadshow_item.timer_"): [
        "roadshow_item.timer_start",
        "roadshow_item.timer_pause",
        "roadshow_item.timer_reset",
    ],
    ("procurement/opening.py", "opening.object"): ["opening.object", "opening.confirm"],
    ("core/lifecycle.py", "workflow.name"): [],  # the workflows, walked below
    ("core/audit.py", "action"): [],  # record_changes passes its caller's code on
    ("announcements/operations.py", "action"): [],  # publish_about passes its caller's code on
    ("documents/operations.py", "action"): ["document.supersede", "document.terminate"],
    ("procurement/bonds.py", "bid_bond."): [
        "bid_bond.confirm",
        "bid_bond.reject",
        "bid_bond.refund",
    ],
}


def _written_codes():
    """Every action code the source passes to audit.record and its helpers."""
    codes, unknown = set(), []
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in (
                "record",
                "record_added",
                "record_changes",
                "record_difference",
                "publish_about",
            ):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                codes.add(first.value)
                continue
            text = ast.unparse(first)
            relative = path.relative_to(SOURCE).as_posix()
            matches = [
                v for (p, part), v in DYNAMIC_CODES.items() if p == relative and part in text
            ]
            if matches:
                codes.update(matches[0])
            else:
                unknown.append(f"{relative}:{node.lineno} {text}")
    for name, workflow in WORKFLOWS.items():
        codes.update(f"{name}.{t.action}" for t in workflow.transitions)
    return codes, unknown


def test_every_action_code_has_a_label_in_chinese_and_english():
    codes, unknown = _written_codes()
    assert unknown == []  # a new computed code: list its values in DYNAMIC_CODES
    assert len(codes) >= 180  # 187 when written
    missing = {}
    for code in sorted(codes):
        with force_locale("zh_CN"):
            chinese = audit_labels.action_label(code)
        with force_locale("en"):
            english = audit_labels.action_label(code)
        if (
            chinese is None
            or english is None
            or not CJK.search(chinese)
            or CJK.search(english.replace("公示", "").replace("回避", "").replace("撤回", ""))
            or chinese == english
        ):
            missing[code] = (chinese, english)
    assert missing == {}


def test_known_actions_lists_every_labelled_code():
    codes, _unknown = _written_codes()
    assert set(audit_labels.known_actions()) == codes


def test_lifecycle_action_reads_as_its_record_and_transition():
    with force_locale("zh_CN"):
        assert audit_labels.action_label("project.pass_midterm") == "项目：记录中期评估合格"
    with force_locale("en"):
        assert (
            audit_labels.action_label("project.pass_midterm")
            == "Project: Record the passed mid-term evaluation"
        )


def test_unknown_code_reads_as_a_change_never_as_the_code():
    with force_locale("zh_CN"):
        assert audit_labels.action_text("nothing.like_this") == "记录变更"
        assert audit_labels.record_label("NoSuchModel") == "记录"


def _entry(object_type, before, after):
    return SimpleNamespace(
        object_type=object_type,
        before=json.dumps(before, ensure_ascii=False) if before is not None else None,
        after=json.dumps(after, ensure_ascii=False) if after is not None else None,
    )


def test_changes_read_as_labelled_fields_with_formatted_values():
    entry = _entry(
        "Installment",
        {"state": "release_approved", "paid": "0.00"},
        {"state": "paid", "paid": "50000.00", "paid_on": "2027-01-11"},
    )
    with force_locale("zh_CN"):
        rows = audit_labels.describe_changes(entry)
    assert rows == [
        {"field": "状态", "before": "已批准拨付", "after": "已支付"},
        {"field": "已支付", "before": "¥0.00", "after": "¥50,000.00"},
        {"field": "付款日期", "before": None, "after": "2027年1月11日"},
    ]


def test_changes_show_times_in_shanghai_and_records_by_name():
    entry = _entry(
        "Tender",
        None,
        {"opening_at": "2027-01-11T01:30:00+00:00", "call_id": 7, "blind": True},
    )
    with force_locale("zh_CN"):
        rows = audit_labels.describe_changes(entry)
    assert rows == [
        {"field": "开标时间", "before": None, "after": "2027年1月11日 09:30"},
        {"field": "征集项目", "before": None, "after": "#7"},
        {"field": "匿名评审", "before": None, "after": "是"},
    ]
    with force_locale("en"):
        assert audit_labels.describe_changes(entry)[0] == {
            "field": "Opening time",
            "before": None,
            "after": "11 Jan 2027 09:30",
        }


def test_project_history_shows_labels_and_no_raw_code(client, login):
    staff = factories.user(Role.STAFF)
    project = factories.project(staff=staff)
    login(staff)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    history = page[page.index("操作记录</h2>") :]
    assert "项目：开始执行" in history
    assert CODE.findall(re.sub(r"<[^>]+>", " ", history)) == []


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_audit_log_page_shows_labels_not_codes(client, login, locale):
    admin = factories.user(Role.ADMIN, name="系统管理员")
    admin.locale = locale
    factories.project()
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    body = page[page.index('id="audit-log"') : page.index("</table>", page.index('id="audit-log"'))]
    text = re.sub(r"<[^>]+>", " ", body)
    assert CODE.findall(text) == []
    assert ("项目：开始执行" if locale == "zh_CN" else "Project: Start delivery") in text
    assert re.findall(r"\d{4}-\d{2}-\d{2}T", text) == []
