"""The QR code printed on issued documents: an inline SVG, so no file or URL is fetched."""

import segno
from markupsafe import Markup


def qr_svg(url):
    """<svg> of url's QR code (error correction M), sized by the surrounding CSS."""
    svg = segno.make(url, error="m").svg_inline(omitsize=True, border=2)
    return Markup(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
