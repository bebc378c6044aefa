"""PDF rendering: every PDF in the product goes through render_pdf().

WeasyPrint lays out an HTML template from templates/pdf/ with embedded Noto CJK fonts. The URL
fetcher serves only the app's own static files: `file:` and remote URLs are refused, so a
document can never pull in a local file or call out. One FontConfiguration is kept per process
(a new one per render makes memory swing; see ../shared/FACTS.md).
"""

import logging
from pathlib import Path

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

STATIC_PREFIX = "venture-static:/"
_font_config = None


class RefusedURL(ValueError):
    pass


def font_config():
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def _static_root():
    return Path(current_app.static_folder).resolve()


def url_fetcher(url, timeout=10, ssl_context=None):
    """Only venture-static:/path inside the app's static folder."""
    if not url.startswith(STATIC_PREFIX):
        raise RefusedURL(f"refused URL in PDF: {url[:80]}")
    root = _static_root()
    path = (root / url[len(STATIC_PREFIX) :]).resolve()
    if root not in path.parents:
        raise RefusedURL(f"refused URL in PDF: {url[:80]}")
    return {"string": path.read_bytes(), "mime_type": _mime(path), "redirected_url": url}


def _mime(path):
    return {
        ".css": "text/css",
        ".otf": "font/otf",
        ".ttf": "font/ttf",
        ".woff2": "font/woff2",
        ".svg": "image/svg+xml",
        ".png": "image/png",
    }.get(path.suffix, "application/octet-stream")


def render_html(template, **context):
    return render_template(template, static=STATIC_PREFIX, **context)


def render_pdf(template, **context):
    """The PDF bytes of templates/<template> rendered with context."""
    html = render_html(template, **context)
    document = HTML(string=html, url_fetcher=url_fetcher, base_url=STATIC_PREFIX)
    return document.write_pdf(font_config=font_config())


class GlyphWatch(logging.Handler):
    """Collects WeasyPrint's '.notdef glyph' warnings: a character drawn as an empty box."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.missing = []

    def emit(self, record):
        message = record.getMessage()
        if ".notdef" in message:
            self.missing.append(message)

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("weasyprint").removeHandler(self)
