"""The application PDF: Chinese text with embedded CJK fonts, and no missing glyphs."""

from tests.pdf_checks import CJK_FONT, embedded_fonts, pdf_text
from venture.applications.documents import render_application_pdf
from venture.auth.models import User
from venture.core.pdf import GlyphWatch
from venture.extensions import db


def test_application_pdf_embeds_cjk_fonts_and_misses_no_glyph(make, tmp_path):
    application = make.application(state="submitted", title="银龄守护——社区独居老人关爱服务")
    with GlyphWatch() as watch:
        pdf = render_application_pdf(application)
    assert watch.missing == []
    cjk = [
        name for name, embedded in embedded_fonts(pdf, tmp_path / "f.pdf") if CJK_FONT.search(name)
    ]
    assert cjk != []
    assert all(embedded for name, embedded in embedded_fonts(pdf, tmp_path / "f.pdf"))
    text = pdf_text(pdf, tmp_path / "t.pdf")
    assert "申报书：银龄守护——社区独居老人关爱服务" in text
    assert application.number in text
    assert "申请金额¥100,000.00（人民币壹拾万元整）" in text
    assert "辖区60周岁以上独居、空巢老人" in text
    assert "草稿" not in text


def test_a_name_character_outside_the_common_set_still_renders(make, tmp_path):
    application = make.application(state="submitted", team="项目负责人：王玥、李堃、张喆")
    with GlyphWatch() as watch:
        pdf = render_application_pdf(application)
    assert watch.missing == []
    assert "项目负责人：王玥、李堃、张喆" in pdf_text(pdf, tmp_path / "t.pdf")


def test_draft_pdf_says_so_and_carries_the_watermark(make, tmp_path):
    application = make.application()
    text = pdf_text(render_application_pdf(application), tmp_path / "t.pdf")
    # the line under the title, and the watermark
    assert text.count("草稿") == 2
    assert "草稿，尚未提交" in text


def test_member_downloads_the_pdf_named_by_number(client, login, make):
    application = make.application(state="submitted")
    login(db.session.get(User, application.created_by_id))
    response = client.get(f"/applications/{application.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={application.number}.pdf"
    )
    assert response.data.startswith(b"%PDF-")
