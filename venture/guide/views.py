"""The illustrated guide of each role (docs/guides/<role>.md), served at /guide/<role>."""

import re
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markdown_it import MarkdownIt
from markupsafe import Markup

from venture.core.access import public, signed_in
from venture.guide.steps import STEP_KEYS, step_url

bp = Blueprint("guide", __name__)

GUIDES_FOLDER = Path(__file__).resolve().parents[2] / "docs" / "guides"
IMAGES_FOLDER = GUIDES_FOLDER / "img"
# role -> title, in the order of the guides' index page
GUIDES = {
    "applicant": _l("Guide for applicant organizations"),
    "reviewer": _l("Guide for review experts"),
    "staff": _l("Guide for programme staff"),
    "finance": _l("Guide for finance"),
    "evaluator": _l("Guide for evaluation agencies"),
    "community": _l("Guide for residents’ committees"),
    "admin": _l("Guide for administrators"),
}
IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.png$")
# the guides are written by the project, but raw HTML stays off all the same
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def _guide_file(role):
    """The English guide where one exists and the page is in English; else the Chinese one."""
    if get_locale() is not None and get_locale().language == "en":
        english = GUIDES_FOLDER / "en" / f"{role}.md"
        if english.exists():
            return english, True
    return GUIDES_FOLDER / f"{role}.md", False


def render_guide(text):
    """Markdown to HTML, with `img/x.png` pointing at the guide image route."""
    tokens = _markdown.parse(text)
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                source = child.attrGet("src") or ""
                # img/x.png from a Chinese guide, ../img/x.png from an English one (en/)
                for prefix in ("img/", "../img/"):
                    if source.startswith(prefix):
                        child.attrSet("src", url_for("guide.image", name=source[len(prefix) :]))
    for token in tokens:
        if token.type == "table_open":
            token.attrSet("class", "table table-sm table-bordered")
    return Markup(_markdown.renderer.render(tokens, _markdown.options, {}))


@bp.route("/guide")
@public
def index():
    mine = (
        [role.value for role in sorted(current_user.roles) if role.value in GUIDES]
        if current_user.is_authenticated
        else []
    )
    return render_template("guide/index.html", guides=GUIDES, mine=mine)


@bp.route("/guide/<role>")
@public
def show(role):
    if role not in GUIDES:
        abort(404)
    path, translated = _guide_file(role)
    text = path.read_text(encoding="utf-8")
    return render_template(
        "guide/show.html",
        role=role,
        title=GUIDES[role],
        body=render_guide(text),
        in_chinese_only=not translated and get_locale().language == "en",
        guide_lang="en" if translated else "zh-CN",
        guides=GUIDES,
    )


@bp.route("/guide/img/<name>")
@public
def image(name):
    if not IMAGE_NAME.match(name) or not (IMAGES_FOLDER / name).is_file():
        abort(404)
    return send_from_directory(IMAGES_FOLDER, name, max_age=3600)


@bp.route("/try/<any(" + ", ".join(STEP_KEYS) + "):step>")
@signed_in
def try_step(step):
    """The page of the first record waiting at a step (README, “Try each step”)."""
    url = step_url(step)
    if url is None:
        flash(_("No record waits at this step now."), "info")
        return redirect(url_for("guide.index"))
    return redirect(url)
