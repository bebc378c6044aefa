"""Parts of every page rendered once and reused: the links of the page head, the footer, the
menus. Each depends only on the language, the script root (where the app is mounted) and the
key its caller gives (the menus: the role set and the current entry), so it is rendered the
first time a page needs it and kept, per app, as markup."""

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

# role sets × languages × current entries of the menu stay well below this; past it, start over
LIMIT = 2000


def fragment(template, *key):
    """templates/<template> rendered with the current request's language and script root and
    nothing else of the request (key says what else it depends on), from the app's cache."""
    cache = current_app.extensions.setdefault("venture_fragments", {})
    full_key = (template, str(get_locale()), request.script_root, *key)
    html = cache.get(full_key)
    if html is None:
        if len(cache) >= LIMIT:
            cache.clear()
        html = cache[full_key] = Markup(render_template(template))
    return html
