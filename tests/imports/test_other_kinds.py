"""Importing experts, streets and communities, and past funded projects."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.imports.helpers import csv_bytes, full_width, xlsx
from venture.auth.enums import Role
from venture.auth.models import User
from venture.extensions import db
from venture.imports import operations
from venture.imports.enums import PastOutcome
from venture.imports.models import PastProject
from venture.reference.models import Community, Street
from venture.review.enums import AffiliationKind
from venture.review.models import ReviewerAffiliation, ReviewerProfile


def counts(preview):
    return {action.value: n for action, n in preview.counts.items()}


def run(kind, data, actor):
    batch, preview = operations.start_import(kind, _upload(data), actor=actor)
    operations.confirm_import(batch, actor=actor)
    db.session.commit()
    return batch, preview


def _upload(data):
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(data), filename="file.xlsx")


# --- experts -------------------------------------------------------------------------------


@pytest.fixture
def pool(make):
    staff = make.user(Role.STAFF)
    elderly = make.category("elderly", "养老", "Elderly care")
    disability = make.category("disability", "助残", "Disability")
    tied = make.org(name="阳光社工")
    known = make.user(Role.REVIEWER, email="known@example.org", name="钱七")
    profile = ReviewerProfile(user=known, title="讲师", employer="学院", phone="13700000000")
    profile.expertise = [elderly]
    db.session.add(profile)
    db.session.commit()
    return {
        "staff": staff,
        "elderly": elderly,
        "disability": disability,
        "tied": tied,
        "profile": profile,
    }


def expert_rows(pool):
    return [
        ["专家姓名", "手机号码", "邮箱", "职称", "工作单位", "擅长领域", "关联单位"],
        [
            "赵敏",
            "13900000001",
            "Zhao@Example.org",
            "副教授",
            "黑大",
            "养老、助残",
            f"{pool['tied'].credit_code}(理事)",
        ],
        ["钱七", full_width("13700000000"), "", "教授", "学院", "养老", ""],
        ["孙八", "13900000003", "sun@example.org", "", "", "扶贫", ""],
        ["李九", "13900000004", "li@example.org", "", "", "", "不存在的组织"],
        ["周十", "13900000001", "zhou@example.org", "", "", "", ""],
        ["吴一", "", "", "", "", "", ""],
    ]


def test_experts_are_matched_on_phone_or_email_with_fields_and_ties(pool):
    preview, _ctx = operations.preview_data("experts", xlsx(expert_rows(pool), title="专家库"))
    assert counts(preview) == {"add": 1, "update": 1, "unchanged": 0, "refused": 4}
    assert preview.refused_lines() == [
        "row 5, 擅长领域: Unknown field “扶贫”.",
        "row 6, 关联单位: Unknown organization “不存在的组织”.",
        "row 7, 手机号码: The same phone is on row 3.",
        "row 8, 邮箱: Give the expert's phone or e-mail: rows are matched on them.",
    ]
    update = next(r for r in preview.results if r.number == 4)
    assert update.changes == {"title": ("讲师", "教授")}


def test_expert_import_creates_accounts_and_is_idempotent_and_undoable(pool):
    data = xlsx(expert_rows(pool), title="专家库")
    batch, _p = run("experts", data, pool["staff"])
    expert = db.session.scalar(
        select(ReviewerProfile).join(User).where(User.email == "zhao@example.org")
    )
    assert (expert.user.name, expert.phone, expert.title, expert.employer) == (
        "赵敏",
        "13900000001",
        "副教授",
        "黑大",
    )
    assert expert.user.roles == {Role.REVIEWER}
    assert expert.user.check_password("!imported") is False
    assert [c.code for c in expert.expertise] == ["elderly", "disability"]
    assert [(a.organization_id, a.kind) for a in expert.affiliations] == [
        (pool["tied"].id, AffiliationKind.GOVERNANCE)
    ]
    assert pool["profile"].title == "教授"
    again, preview = operations.start_import("experts", _upload(data), actor=pool["staff"])
    assert counts(preview) == {"add": 0, "update": 0, "unchanged": 2, "refused": 4}
    db.session.rollback()
    operations.undo_import(batch, actor=pool["staff"])
    db.session.commit()
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.email == "zhao@example.org")
        )
        == 0
    )
    assert db.session.scalar(select(func.count()).select_from(ReviewerAffiliation)) == 0
    assert db.session.get(ReviewerProfile, pool["profile"].id).title == "讲师"


def test_a_new_tie_of_a_known_expert_is_recorded_like_one_added_by_hand(pool):
    from venture.core.audit import AuditEntry

    rows = [["姓名", "手机"], ["钱七", "13700000000"]]
    rows[0].append("关联组织")
    rows[1].append(f"{pool['tied'].credit_code}(任职)")
    batch, preview = run("experts", xlsx(rows), pool["staff"])
    assert counts(preview) == {"add": 0, "update": 1, "unchanged": 0, "refused": 0}
    assert [(a.organization_id, a.kind) for a in pool["profile"].affiliations] == [
        (pool["tied"].id, AffiliationKind.EMPLOYMENT)
    ]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions[-2:] == ["reviewer.affiliation_add", "import.confirm"]
    operations.undo_import(batch, actor=pool["staff"])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ReviewerAffiliation)) == 0


def test_a_refused_expert_row_creates_no_account(pool):
    run("experts", xlsx(expert_rows(pool)), pool["staff"])
    emails = set(db.session.scalars(select(User.email)))
    assert {"sun@example.org", "li@example.org", "zhou@example.org"} & emails == set()


# --- streets and communities ---------------------------------------------------------------


def test_streets_and_communities(make):
    staff = make.user(Role.STAFF)
    street = make.street("香坊街道")
    make.community(street, "中山社区")
    rows = [
        ["街道（镇）", "类型", "社区名称"],
        ["香坊街道", "街道", "中山社区"],
        ["香坊街道", "", "文政社区"],
        ["成高子镇", "镇", "成高子社区"],
        ["成高子镇", "", "新成社区"],
        ["香坊街道", "", "文政社区"],
        ["香坊街道", "乡村", ""],
        ["香坊街道", "镇", ""],
    ]
    preview, _c = operations.preview_data("communities", csv_bytes(rows))
    assert counts(preview) == {"add": 3, "update": 1, "unchanged": 1, "refused": 2}
    assert preview.refused_lines() == [
        "row 6, 社区名称: The same street and community are on row 3.",
        "row 7, 类型: Write 街道 (street) or 镇 (town).",
    ]
    batch, _p = run("communities", csv_bytes(rows), staff)
    town = db.session.scalar(select(Street).where(Street.name == "成高子镇"))
    assert (town.kind, [c.name for c in town.communities]) == ("town", ["成高子社区", "新成社区"])
    assert db.session.get(Street, street.id).kind == "town"
    operations.undo_import(batch, actor=staff)
    db.session.commit()
    assert set(db.session.scalars(select(Street.name))) == {"香坊街道"}
    assert db.session.get(Street, street.id).kind == "street"
    assert set(db.session.scalars(select(Community.name))) == {"中山社区"}


# --- past projects -------------------------------------------------------------------------


def test_past_projects_with_amounts_years_and_nearest_names(make):
    staff = make.user(Role.STAFF)
    org = make.org(name="阳光社工")
    make.category("elderly", "养老", "Elderly care")
    place = make.community(make.street("香坊街道"), "中山社区")
    rows = [
        [
            "年份",
            "活动名称",
            "信用代码",
            "组织名称",
            "项目名称",
            "资助金额（万元）",
            "结项评估",
            "类别",
            "社区",
        ],
        [
            "２０２４年",
            "2024年公益创投",
            org.credit_code,
            "",
            "银龄互助",
            "5.5",
            "良好",
            "养老",
            "中山社区",
        ],
        [
            "2023",
            "2023年公益创投",
            "",
            "阳光社工",
            "四点半课堂",
            "３",
            "优秀",
            "",
            "香坊街道 中山社区",
        ],
        ["2023", "2023年公益创投", "", "阳光社工", "四点半课堂", "3", "优秀", "", ""],
        ["二〇二三", "2023年公益创投", "", "阳光社区", "助残", "三万", "合格", "养者", "中三社区"],
        ["2022", "2022年公益创投", "", "阳光社工", "失败项目", "-1", "很好", "", ""],
    ]
    preview, _c = operations.preview_data("projects", xlsx(rows, title="往年项目"))
    assert counts(preview) == {"add": 2, "update": 0, "unchanged": 0, "refused": 3}
    assert preview.refused_lines() == [
        "row 5, 项目名称: The same project is on row 4.",
        "row 6, 年份: Not a year: write four digits, for example 2024.; "
        "资助金额（万元）: Not an amount: write digits, for example 50000 or 50000.00.; "
        "组织名称: Unknown organization “阳光社区”. Did you mean: 阳光社工?; "
        "类别: Unknown category “养者”. Did you mean: 养老?; "
        "社区: Unknown community “中三社区”. Did you mean: 中山社区?",
        "row 7, 资助金额（万元）: Not an amount: write digits, for example 50000 or 50000.00.; "
        "结项评估: Write one of 优秀, 良好, 合格, 不合格, 终止, 未评估.",
    ]
    run("projects", xlsx(rows, title="往年项目"), staff)
    projects = db.session.scalars(select(PastProject).order_by(PastProject.year)).all()
    assert [(p.year, p.title, p.amount, p.outcome, p.community_id) for p in projects] == [
        (2023, "四点半课堂", Decimal("30000.00"), PastOutcome.EXCELLENT, place.id),
        (2024, "银龄互助", Decimal("55000.00"), PastOutcome.GOOD, place.id),
    ]
    changed = [r[:] for r in rows[:3]]
    changed[1][5] = "6"
    preview, _c = operations.preview_data("projects", xlsx(changed))
    assert counts(preview) == {"add": 0, "update": 1, "unchanged": 1, "refused": 0}
    update = next(r for r in preview.results if r.changes)
    assert update.changes == {"amount": (Decimal("55000.00"), Decimal("60000.00"))}
