"""A tiny font for each signature appearance, cut from the embedded subset font.

pyHanko embeds the font of a visible signature as a subset, but to subset it parses the whole
font first: with the 7,936-glyph "Venture Sans SC" (CFF outlines) that is ~45 ms of CPU per
signature, more than signing itself. Here the big font is parsed once per process, and each
appearance gets a TrueType font of just the characters it draws (tens of glyphs, a few KB),
built with fontTools' FontBuilder in a few milliseconds. Characters the big font lacks (rare
name characters such as 玥) come from the system Noto Sans CJK SC, loaded only when needed, as
in the rendered PDFs; a character neither has is left out.
"""

import threading
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from flask import current_app

_lock = threading.Lock()
_master = {}
FAMILY = "VentureStampSC"
# Debian's fonts-noto-cjk; face 2 of the collection is Simplified Chinese
FALLBACK = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)


def _load_master(path, number=-1):
    from fontTools.ttLib import TTFont

    with _lock:
        if path not in _master:
            font = TTFont(path, fontNumber=number)
            _master[path] = (font, font.getBestCmap(), font.getGlyphSet(), font["hmtx"].metrics)
        return _master[path]


def master_path():
    return str(Path(current_app.static_folder) / "fonts" / "VentureSansSC-Regular.ttf")


def stamp_font(text):
    """TrueType bytes of a font with the characters of text (and a space)."""
    return _build(master_path(), "".join(sorted(set(text) | {" "})))


def _fallback():
    path, number = FALLBACK
    if not Path(path).exists():
        return None
    _font, cmap, glyph_set, metrics = _load_master(path, number)
    return cmap, glyph_set, metrics


@lru_cache(maxsize=512)
def _build(path, characters):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    master, cmap, glyph_set, metrics = _load_master(path)
    with _lock:
        glyphs, widths, mapping = {}, {}, {}
        empty = TTGlyphPen(None)
        glyphs[".notdef"] = empty.glyph()
        widths[".notdef"] = (master["head"].unitsPerEm, 0)
        head, hhea, os2 = master["head"], master["hhea"], master["OS/2"]
    for character in characters:
        font = (cmap, glyph_set, metrics)
        if ord(character) not in cmap:
            font = _fallback()
            if font is None or ord(character) not in font[0]:
                continue
        source_cmap, source_glyphs, source_metrics = font
        source = source_cmap[ord(character)]
        name = f"u{ord(character):04X}"
        pen = TTGlyphPen(None)
        with _lock:  # a glyph set is not safe to draw from two threads at once
            source_glyphs[source].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
        widths[name] = source_metrics[source]
        mapping[ord(character)] = name
    builder = FontBuilder(head.unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(list(glyphs))
    builder.setupCharacterMap(mapping)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(widths)
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    builder.setupNameTable(
        {"familyName": FAMILY, "styleName": "Regular", "psName": f"{FAMILY}-Regular"},
        windows=True,
        mac=False,
    )
    builder.setupOS2(
        sTypoAscender=os2.sTypoAscender,
        sTypoDescender=os2.sTypoDescender,
        usWinAscent=os2.usWinAscent,
        usWinDescent=os2.usWinDescent,
    )
    builder.setupPost()
    out = BytesIO()
    builder.save(out)
    return out.getvalue()
