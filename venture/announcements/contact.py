"""Where objections to a 公示 go besides this site: the office, its phone, address and e-mail.
A deployment sets OBJECTION_CONTACT in instance/config.py (a dict); a key missing there keeps
these defaults (the district civil affairs bureau, demo values)."""

from flask import current_app

CONTACT_DEFAULTS = {
    "office": "哈尔滨市香坊区民政局社会组织管理科",
    "phone": "0451-55555555",
    "address": "黑龙江省哈尔滨市香坊区中山路 93 号",
    "email": "gongyi@xiangfang.example.gov.cn",
}


def objection_contact():
    """{office, phone, address, email}, from configuration over the defaults."""
    return {**CONTACT_DEFAULTS, **current_app.config.get("OBJECTION_CONTACT", {})}
