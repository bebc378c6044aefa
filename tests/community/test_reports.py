"""The call summary report lists the call's community needs answered and not answered, by
street."""

from sqlalchemy import select

from tests.pdf_checks import pdf_text
from venture.applications.enums import ApplicationState
from venture.community.figures import needs_by_street
from venture.extensions import db
from venture.reports import documents


def test_call_summary_lists_answered_and_unanswered_needs_per_street(make, tmp_path):
    east, west = make.street(name="香坊大街街道"), make.street(name="安埠街道")
    a, b, c = (
        make.community(east, "安康社区"),
        make.community(east, "和谐社区"),
        make.community(west, "幸福社区"),
    )
    meals = make.need(a, title="老人助餐", status="addressed")
    lights = make.need(b, title="楼道照明", status="addressed")
    kids = make.need(c, title="四点半课堂", status="addressed")
    call = make.call(status="closed", communities=[a, b, c])
    call.needs = [meals, lights, kids]
    awarded = make.application(call, state="awarded", title="银龄餐桌")
    awarded.needs = [meals]
    rejected = make.application(call, state="not_awarded", title="点亮楼道")
    rejected.needs = [lights]
    db.session.commit()

    rows = needs_by_street(call)
    assert [
        (r.street, [n.title for n, _apps in r.answered], [n.title for n in r.unanswered])
        for r in rows
    ] == [
        ("香坊大街街道", ["老人助餐"], ["楼道照明"]),
        ("安埠街道", [], ["四点半课堂"]),
    ]
    text = pdf_text(documents.render_call_summary(call), tmp_path / "summary.pdf")
    assert "各街道社区需求承接情况" in text
    # pdftotext reads multi-line cells out of row order, so cells are checked one by one
    for cell in (
        "已承接｜安康社区：老人助餐（银龄餐桌）",
        "未承接｜和谐社区：楼道照明",
        "安埠街道01",
        "未承接｜幸福社区：四点半课堂",
        "合计12",
    ):
        assert cell in text
    assert awarded.state == ApplicationState.AWARDED


def test_call_summary_without_needs_has_no_needs_section(make, tmp_path):
    call = make.call(status="closed")
    text = pdf_text(documents.render_call_summary(call), tmp_path / "summary.pdf")
    assert "各街道社区需求承接情况" not in text
    assert db.session.scalars(select(type(call))).all() == [call]
