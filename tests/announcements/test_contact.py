"""Every 公示 shows where objections go besides the site, from configuration."""

import re

from tests import factories


def _contact(client, announcement):
    page = client.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    box = page[
        page.index('id="objection-contact"') : page.index(
            "</section>", page.index('id="objection-contact"')
        )
    ]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", box)).strip()


def test_announcement_shows_the_default_objection_contact(client):
    text = _contact(client, factories.announcement())
    assert "受理部门 哈尔滨市香坊区民政局社会组织管理科" in text
    assert "电话 0451-55555555" in text
    assert "地址 黑龙江省哈尔滨市香坊区中山路 93 号" in text


def test_configured_contact_replaces_the_defaults_key_by_key(client, app):
    app.config["OBJECTION_CONTACT"] = {"phone": "0451-88888888", "email": "yiyi@example.gov.cn"}
    try:
        text = _contact(client, factories.announcement())
    finally:
        app.config.pop("OBJECTION_CONTACT")
    assert "电话 0451-88888888" in text
    assert "yiyi@example.gov.cn" in text
    assert "受理部门 哈尔滨市香坊区民政局社会组织管理科" in text
