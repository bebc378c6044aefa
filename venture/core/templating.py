"""What every rendered page pays in its templates: translating its strings, building its URLs.

Flask-Babel's template `_()` looks up the request's language and catalogue afresh on each call
(five lookups of `g` and a `str(Locale)` per string: ~60 calls on a review matrix, ~340 on a
ledger). Here the catalogue is looked up once per request and language and each call goes
straight to it, with the same newstyle semantics (autoescaped, always %-formatted with the
keyword arguments). `force_locale` and `flask_babel.refresh()` still switch it: the catalogue is
kept beside the Locale object Flask-Babel holds for the request and used only while that object
is the current one. Python code (`gettext`, lazy strings) keeps Flask-Babel's functions, which
find the same kept catalogue through the app's message domain (`Catalogues`).

Templates are compiled once per language, with each constant string of a `_()` without
variables (`{{ _('Sign out') }}`) replaced by its translation: the page carries it as text, as
if written in that language, instead of a call, a catalogue lookup, a Markup and an escape on
each render (~50 strings on an application's page). The request's language picks the
language's own compiled copy (`Environment`); a template that assigns `_` or `gettext` itself
keeps its calls.

A template's `url_for` (Flask's `app.url_for`: the blueprint, the URL defaults, the map's
search among an endpoint's rules, the host and scheme) goes, for the common case, straight to
the endpoint's one rule and the request's script root: same URL, a fraction of the work. No URL
is kept between calls.
"""

import jinja2
from flask import g
from flask.globals import _cv_app, _cv_request  # what Flask's own g and url_for read
from flask.templating import Environment as FlaskEnvironment
from flask_babel import Domain, get_locale, get_translations
from jinja2 import nodes, pass_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

# Flask-Babel keeps the request's language in g._flask_babel.babel_locale (4.x); the catalogue
# is kept next to it as (that Locale object, catalogue)
_KEPT = "venture_translations"


def _kept():
    """The catalogue kept for the request's current language, or None."""
    app_context = _cv_app.get(None)  # read straight, not through the `g` proxy: ~60 calls a page
    state = None if app_context is None else vars(app_context.g).get("_flask_babel")
    if state is None:
        return None
    kept = state.__dict__.get(_KEPT)
    if kept is not None and kept[0] is state.__dict__.get("babel_locale"):
        return kept[1]
    return None


class Catalogues(Domain):
    """Flask-Babel's message domain, with the request's catalogue kept once per language (so
    Python's gettext and lazy strings find it too)."""

    def get_translations(self):
        translations = _kept()
        if translations is None:
            translations = super().get_translations()
            locale = get_locale()
            state = g.get("_flask_babel") if g else None
            if state is not None and locale is state.__dict__.get("babel_locale"):
                setattr(state, _KEPT, (locale, translations))
        return translations


def current_translations():
    """The current request's catalogue (Flask-Babel's own object), looked up once per language."""
    translations = _kept()
    return get_translations() if translations is None else translations


@pass_context
def gettext(context, string, **variables):
    """`_()` / `gettext()` in templates."""
    rv = current_translations().ugettext(string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    # a string without "%" formats to itself
    return rv % variables if variables or "%" in rv else rv


@pass_context
def ngettext(context, singular, plural, num, **variables):
    """`ngettext()` in templates; `num` is also a formatting variable."""
    variables.setdefault("num", num)
    rv = current_translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_context
def pgettext(context, string_context, string, **variables):
    """`pgettext()` in templates; `context` is also a formatting variable."""
    variables.setdefault("context", string_context)
    rv = current_translations().upgettext(string_context, string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_context
def npgettext(context, string_context, singular, plural, num, **variables):
    """`npgettext()` in templates."""
    variables.setdefault("context", string_context)
    variables.setdefault("num", num)
    rv = current_translations().unpgettext(string_context, singular, plural, num)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def _single_rule(app, endpoint):
    """The endpoint's rule when url_for can build from it alone: the endpoint's only rule,
    answering GET, without defaults, subdomain or host, not a websocket; else None."""
    rules = app.extensions.setdefault("venture_url_rules", {})
    try:
        return rules[endpoint]
    except KeyError:
        pass
    app.url_map.update()
    try:
        found = list(app.url_map.iter_rules(endpoint))
    except KeyError:  # no such endpoint: Flask's url_for raises the BuildError
        found = []
    rule = found[0] if len(found) == 1 else None
    if rule is not None and (
        "GET" not in (rule.methods or ())
        or rule.defaults
        or rule.subdomain
        or rule.host
        or rule.websocket
        or app.url_map.host_matching
    ):
        rule = None
    rules[endpoint] = rule
    return rule


def url_builder(app):
    """url_for for the app's templates: Flask's answer, built with less work when it can be.

    The short way is taken inside a request, for a URL relative to the host (no _external,
    _scheme, _method or _anchor), an absolute endpoint name, and an app without URL defaults;
    it builds from the endpoint's one rule (query arguments included, as Werkzeug does) under
    the request's script root. Anything else, and any value the rule refuses, goes to Flask."""
    general = app.url_for

    def url_for(endpoint, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        request_context = _cv_request.get(None)
        if (
            request_context is None
            or _anchor is not None
            or _method is not None
            or _scheme is not None
            or _external
            or endpoint[:1] == "."
            or app.url_default_functions
        ):
            return general(
                endpoint,
                _anchor=_anchor,
                _method=_method,
                _scheme=_scheme,
                _external=_external,
                **values,
            )
        rule = _single_rule(app, endpoint)
        adapter = request_context.url_adapter
        if rule is not None and adapter is not None:
            values = {key: value for key, value in values.items() if value is not None}
            if rule.arguments.issubset(values):
                built = rule.build(values, True)
                if built is not None and built[0] == adapter.subdomain:
                    return f"{adapter.script_name.rstrip('/')}/{built[1].lstrip('/')}"
        return general(endpoint, _external=_external, **values)

    return url_for


def install(app, babel):
    """Put the template functions in place of Flask-Babel's and Flask's, and the message domain
    in place of Flask-Babel's (after babel.init_app)."""
    babel.domain_instance = Catalogues(domain=app.extensions["babel"].default_domain)
    app.jinja_env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )
    app.jinja_env.globals["url_for"] = url_builder(app)
    app.jinja_env.template_class = Template


class Template(jinja2.Template):
    """Jinja's template, imported with less work.

    `{% from "macros.html" import field %}` asks the imported template for its module with the
    importing context; Jinja (3.1) then checks that the context holds no global the imported
    template lacks by testing each of the ~45 globals against a ChainMap in Python, on every
    import of every render (four on an application's page). The same test, done by the set in
    C against the ChainMap's own dicts, gives the same answer; only when it finds such a global
    does Jinja's own path run."""

    def _get_default_module(self, ctx=None):
        maps = getattr(self.globals, "maps", None)
        if ctx is not None and maps is not None and not ctx.globals_keys.difference(*maps):
            ctx = None  # nothing the cached module lacks
        return super()._get_default_module(ctx)


# the names under which templates call gettext (install above); a string with "%" is left to the
# call, which formats it
TRANSLATED_NAMES = frozenset({"_", "gettext"})
CACHE_SIZE = 400  # compiled templates kept per language (Jinja's default)


class Environment(FlaskEnvironment):
    """Flask's template environment, with each language's templates compiled apart.

    A template is looked up in the current request's language's overlay (an environment that
    shares the globals, filters and loader, and keeps its own compiled templates), whose
    parser puts the translation of each constant `_()` string in place of the call. With no
    language (no request and no force_locale: a command's own rendering), templates compile as
    written."""

    language = None  # an overlay's language: its templates carry that language's strings

    def _load_template(self, name, globals):
        overlay = self._language_overlay()
        if overlay is None:
            return super()._load_template(name, globals)
        return overlay._load_template(name, globals)

    def _language_overlay(self):
        if self.language is not None:  # an overlay: its own templates
            return None
        language = _current_language()
        if language is None:
            return None
        overlays = self.__dict__.setdefault("language_overlays", {})
        overlay = overlays.get(language)
        if overlay is None:
            overlay = overlays[language] = self.overlay(cache_size=CACHE_SIZE)
            overlay.language = language
        return overlay

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        if self.language is not None and _current_language() == self.language:
            tree = _TranslateConstants(current_translations(), self).visit(tree)
        return tree


def _current_language():
    """The current language's name (Babel's: "zh_Hans_CN", "en"): the request's, or the one
    force_locale sets; None outside both."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    state = vars(app_context.g).get("_flask_babel")
    locale = None if state is None else state.__dict__.get("babel_locale")
    if locale is None and _cv_request.get(None) is not None:
        locale = get_locale()
    return None if locale is None else str(locale)


class _TranslateConstants(NodeTransformer):
    """`_('text')` → the translation of text, marked safe as gettext marks it (autoescaped
    templates): the value the call would return on every render."""

    def __init__(self, translations, environment):
        self.translations = translations
        self.environment = environment

    def visit_Template(self, node):
        assigned = {name.name for name in node.find_all(nodes.Name) if name.ctx != "load"}
        if assigned & TRANSLATED_NAMES:
            return node  # `{% set _ = … %}`: the name is not gettext everywhere
        return self.generic_visit(node)

    def visit_Call(self, node):
        node = self.generic_visit(node)
        if not (
            isinstance(node.node, nodes.Name)
            and node.node.name in TRANSLATED_NAMES
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and not node.kwargs
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return node
        text = self.translations.ugettext(node.args[0].value)
        if "%" in text:
            return node
        constant = nodes.MarkSafeIfAutoescape(
            nodes.Const(text, lineno=node.lineno), lineno=node.lineno
        )
        return constant.set_environment(self.environment)
