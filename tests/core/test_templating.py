"""The templates' _() and url_for (venture.core.templating) answer exactly as Flask-Babel's and
Flask's own: every string in both languages, every route's URL."""

import contextvars
import re

import pytest
from flask import render_template_string
from flask_babel import force_locale, lazy_gettext, refresh
from flask_babel import gettext as babel_gettext
from werkzeug.routing import BuildError

from venture.core.templating import Environment, url_builder

FORMATTED = "%(start)s to %(end)s"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_CN", "退出 · 1 &lt;b&gt; 至 2 · 超预算 10% 以上"),
        ("en", "Sign out · 1 &lt;b&gt; to 2 · more than 10% over budget"),
    ],
)
def test_template_strings_are_translated_escaped_and_formatted(locale, expected):
    with force_locale(locale):
        html = render_template_string(
            "{{ _('Sign out') }} · {{ _(text, start='1 <b>', end=2) }}"
            " · {{ gettext('more than 10%% over budget') }}",
            text=FORMATTED,
        )
        assert html == expected
        assert html.split(" · ")[0] == babel_gettext("Sign out")


def test_ngettext_formats_its_number():
    html = render_template_string("{{ ngettext('%(num)d file', '%(num)d files', 3) }}")
    assert html == "3 files"


def test_force_locale_and_refresh_switch_the_template_language_within_a_request(client):
    page = "{{ _('Sign out') }}"
    with force_locale("zh_CN"):
        assert render_template_string(page) == "退出"
        with force_locale("en"):
            assert render_template_string(page) == "Sign out"
        assert render_template_string(page) == "退出"
    refresh()
    assert render_template_string(page) == babel_gettext("Sign out")


def test_python_gettext_and_lazy_strings_follow_force_locale():
    label = lazy_gettext("Sign out")
    with force_locale("zh_CN"):
        assert (str(label), babel_gettext("Sign out")) == ("退出", "退出")
        with force_locale("en"):
            assert (str(label), babel_gettext("Sign out")) == ("Sign out", "Sign out")
        assert str(label) == "退出"


def test_a_page_renders_in_each_language(client):
    client.post("/language", data={"locale": "en", "next": "/"})
    assert "Sign in</a>" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "zh_CN", "next": "/"})
    assert "登录</a>" in client.get("/").get_data(as_text=True)


def _built(build, endpoint, **values):
    """The URL, or the refusal: BuildError, or a converter's ValueError and its message."""
    try:
        return build(endpoint, **values)
    except BuildError:
        return BuildError  # (its message searches the map for suggestions: slow)
    except ValueError as refusal:
        return ValueError, str(refusal)


EXTRAS = [
    {},
    {"page": 2},
    {"q": "a b&c=d/é", "next": "/x?y=1", "empty": None},
    {"ids": [3, 4]},
    {"_anchor": "part two"},
    {"_external": True},
    {"_external": True, "_scheme": "https"},
    {"_method": "POST"},
]


@pytest.mark.parametrize("script_root", ["", "/venture"])
def test_url_for_in_templates_builds_every_route_as_flask_does(app, script_root):
    build = url_builder(app)
    with app.test_request_context("/", base_url=f"http://example.org{script_root}/"):
        checked = 0
        for rule in app.url_map.iter_rules():
            for values in (dict.fromkeys(rule.arguments, 7), {}):
                for extra in EXTRAS:
                    expected = _built(app.url_for, rule.endpoint, **values, **extra)
                    assert _built(build, rule.endpoint, **values, **extra) == expected
                    checked += 1
        assert checked > 3000
        matrix = build("review.panel", call_id=7, page=2)
        assert matrix == f"{script_root}/staff/review/calls/7?page=2"
        assert build("static", filename="a b.css") == app.url_for("static", filename="a b.css")
        assert _built(build, "no.such.endpoint") is BuildError
        refused = _built(build, "review.panel", call_id="x")
        assert refused == _built(app.url_for, "review.panel", call_id="x") != BuildError


def test_url_for_outside_a_request_is_flasks(app):
    def build_both():
        with app.app_context():
            return url_builder(app)("home.index", page=2), app.url_for("home.index", page=2)

    app.config["SERVER_NAME"] = "example.org"
    try:
        ours, flasks = contextvars.Context().run(build_both)  # no request, as in a job
    finally:
        app.config["SERVER_NAME"] = None
    assert ours == flasks == "http://example.org/?page=2"


def _environment():
    from jinja2 import DictLoader, Environment

    from venture.core.templating import Template

    environment = Environment(
        loader=DictLoader(
            {
                "macros.html": "{% macro hello() %}{{ greeting }} {{ extra }}{% endmacro %}",
                "page.html": '{% from "macros.html" import hello %}{{ hello() }}',
            }
        )
    )
    environment.template_class = Template
    environment.globals["greeting"] = "hi"
    return environment


def test_an_import_reuses_the_imported_module_when_the_context_adds_no_global():
    environment = _environment()
    page = environment.get_template("page.html")
    assert (page.render(), page.render(extra="x")) == ("hi ", "hi ")  # a variable is no global
    macros = environment.get_template("macros.html")
    assert macros._module is not None
    module = macros._module
    page.render()
    assert macros._module is module


def test_an_import_sees_a_global_only_the_importing_template_has():
    environment = _environment()
    page = environment.get_template("page.html", globals={"extra": "there"})
    assert page.render() == "hi there"
    assert environment.get_template("page.html").render() == "hi there"  # kept with the template
    assert (
        environment.from_string('{% from "macros.html" import hello %}{{ hello() }}').render()
        == "hi "
    )


def test_the_app_renders_its_templates_with_the_faster_import(app):
    from venture.core.templating import Template

    assert isinstance(app.jinja_env.get_template("macros.html"), Template)


def _overlay(app, language):
    """The language's own environment (made on its first template)."""
    with force_locale(language):
        return app.jinja_env.get_template("macros.html").environment


@pytest.mark.parametrize(
    ("language", "expected"), [("zh_CN", "退出 · 退出 · 10%"), ("en", "Sign out · Sign out · 10%")]
)
def test_constant_strings_compile_to_their_translation_in_each_language(app, language, expected):
    source = "{{ _('Sign out') }} · {{ gettext('Sign out') }} · {{ _('%(n)s%%', n=10) }}"
    overlay = _overlay(app, language)
    with force_locale(language):
        code = overlay.compile(source, raw=True)
        assert overlay.from_string(source).render() == expected
    assert expected.split(" · ")[0] in code  # the translation is in the compiled template
    assert "'Sign out'" not in code  # and no call looks it up
    assert "'%(n)s%%'" in code  # a string with variables is still formatted on each render


def test_each_language_renders_its_own_compiled_templates(app):
    with force_locale("zh_CN"):
        chinese = app.jinja_env.get_template("_footer.html")
    with force_locale("en"):
        english = app.jinja_env.get_template("_footer.html")
        assert app.jinja_env.get_template("_footer.html") is english
    assert chinese is not english
    assert (chinese.environment.language, english.environment.language) == ("zh_Hans_CN", "en")


def test_a_template_that_assigns_underscore_keeps_its_calls(app):
    source = "{% for _ in [1] %}{% endfor %}{{ _('Sign out') }}"
    with force_locale("zh_CN"):
        overlay = _overlay(app, "zh_CN")
        assert "'Sign out'" in overlay.compile(source, raw=True)
        assert overlay.from_string(source).render() == "退出"


def test_outside_a_language_templates_compile_as_written(app):
    def load():
        with app.app_context():  # a command's: no request, no language forced
            return app.jinja_env.get_template("_footer.html")

    template = contextvars.Context().run(load)  # outside the test's request
    assert template.environment is app.jinja_env


CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')


def _pages(client, urls):
    """{url: its HTML, the CSRF tokens (signed with the time) left out}."""
    pages = {}
    for url in urls:
        response = client.get(url)
        if response.mimetype == "text/html":
            pages[url] = CSRF_VALUE.sub(r"\1…", response.get_data(as_text=True))
    return pages


@pytest.mark.usefixtures("on_demo_day")
@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_pages_read_the_same_compiled_per_language_as_written(app, language, monkeypatch):
    """Every page a demo user reaches, in each language, is the same whether its templates
    carry their strings translated or look each up on every render."""
    from tests.test_crawl import crawl
    from venture.demo import DEMO_PASSWORD, load_demo
    from venture.extensions import db

    logins = {}
    for role, email in load_demo():
        logins.setdefault(str(role), email)  # the first of each role (reviewer1)
    db.session.commit()
    for role in ("staff", "applicant", "finance", "reviewer"):
        client = app.test_client()
        client.post("/login", data={"email": logins[role], "password": DEMO_PASSWORD})
        client.post("/language", data={"locale": language})
        urls = [url for url, status in crawl(client).items() if status == 200][:60]
        folded = _pages(client, urls)
        with monkeypatch.context() as patch:
            patch.setattr(Environment, "_language_overlay", lambda self: None)
            written = _pages(client, urls)
        assert len(folded) > 10
        assert folded == written, role
