"""PDF rendering: every PDF in the product goes through render_pdf().

WeasyPrint lays out an HTML template from templates/pdf/ (all extend pdf/base.html) with
embedded CJK fonts: the pre-subset "Venture Sans SC" from static/fonts/ first (made by
scripts/subset_fonts.py; about twice as fast as the full Noto), then the system Noto Sans CJK SC
for rare characters outside its set. The URL fetcher serves only the app's own static files:
`file:` and remote URLs are refused, so a document can never pull in a local file or call out.
One FontConfiguration is kept per process: a new one per render makes memory swing, and it
caches the @font-face files so each font is read once (see ../shared/FACTS.md).
"""

import logging
import threading
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_request_context, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_PREFIX = "venture-static:/"
_font_config = None
_font_config_lock = threading.Lock()

MIME_TYPES = {
    ".css": "text/css",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}


class RefusedURL(ValueError):
    pass


class MissingGlyphs(ValueError):
    """Characters no embedded font can draw; str() names them for a person."""

    def __init__(self, characters):
        self.characters = characters
        super().__init__("".join(characters))


def font_config():
    """The process's one FontConfiguration (created on first use)."""
    global _font_config
    with _font_config_lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        return _font_config


def _static_root():
    return Path(current_app.static_folder).resolve()


@lru_cache(maxsize=64)
def _read_static(path):
    # static files do not change while the process runs; fonts are megabytes
    return path.read_bytes()


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to venture-static:/path inside the app's static folder."""

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_PREFIX):
            raise RefusedURL(f"refused URL in PDF: {url[:80]}")
        root = _static_root()
        path = (root / url[len(STATIC_PREFIX) :]).resolve()
        if root not in path.parents or not path.is_file():
            raise RefusedURL(f"refused URL in PDF: {url[:80]}")
        content_type = MIME_TYPES.get(path.suffix, "application/octet-stream")
        return URLFetcherResponse(url, _read_static(path), {"Content-Type": content_type})


url_fetcher = StaticOnlyFetcher()


def render_html(template, **context):
    """The template's HTML; outside a request (worker processes, CLI) in a blank one, since
    the app's template context reads the session."""
    if has_request_context():
        return render_template(template, static=STATIC_PREFIX, **context)
    with current_app.test_request_context():
        return render_template(template, static=STATIC_PREFIX, **context)


def render_pdf(template, **context):
    """The PDF bytes of templates/<template> rendered with context."""
    html = render_html(template, **context)
    document = HTML(string=html, url_fetcher=url_fetcher, base_url=STATIC_PREFIX)
    return document.write_pdf(font_config=font_config())


def render_pdf_checked(template, **context):
    """render_pdf, refusing a document with characters drawn as empty boxes (MissingGlyphs)."""
    with GlyphWatch() as watch:
        pdf = render_pdf(template, **context)
    if watch.characters:
        raise MissingGlyphs(watch.characters)
    return pdf


class GlyphWatch(logging.Handler):
    """Collects WeasyPrint's '.notdef glyph' warnings: a character drawn as an empty box.

    Only renders on the thread that opened the watch count, so two requests rendering at once
    never see each other's warnings.
    """

    def __init__(self):
        super().__init__(logging.WARNING)
        self.missing = []
        self.characters = []
        self._thread = threading.get_ident()

    def emit(self, record):
        if record.thread != self._thread:
            return
        message = record.getMessage()
        if ".notdef" in message:
            self.missing.append(message)
            character = record.args[0] if isinstance(record.args, tuple) and record.args else ""
            if character and character not in self.characters:
                self.characters.append(character)

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("weasyprint").removeHandler(self)


PT_PER_PX = 0.75  # CSS px are 1/96 in, PDF points 1/72 in


def render_pdf_with_boxes(template, ids, **context):
    """render_pdf, and where the elements with these ids landed.

    Returns the PDF and {id: (page index, (x1, y1, x2, y2) in PDF points from the bottom
    left)} for the ids found, so a signature field can be laid exactly over its place.
    """
    html = render_html(template, **context)
    rendered = HTML(string=html, url_fetcher=url_fetcher, base_url=STATIC_PREFIX).render(
        font_config=font_config()
    )
    found = {}
    for index, page in enumerate(rendered.pages):
        for name in ids:
            if name in found or name not in page.anchors:
                continue
            x1, y1, x2, y2 = page.anchors[name]
            height = page.height
            found[name] = (
                index,
                tuple(round(v * PT_PER_PX) for v in (x1, height - y2, x2, height - y1)),
            )
    return rendered.write_pdf(), found
