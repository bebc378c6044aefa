"""Make the pre-subset CJK fonts of the PDFs (venture/static/fonts/) from Debian's Noto CJK.

Usage: .venv/bin/python scripts/subset_fonts.py   (needs the fonts-noto-cjk package)

Why: WeasyPrint writes width tables up to the highest glyph id a document uses, and Noto Sans
CJK has ~65,000 glyphs; a font cut down to the characters contracts use (ASCII, Latin-1,
punctuation, full-width forms and the 6,763 GB2312 hanzi) with its glyphs renumbered makes a
contract render about twice as fast and its PDF a quarter of the size (see ../shared/FACTS.md).
Characters outside the set (rare name characters such as 玥 堃 喆) fall back to the system
Noto Sans CJK SC named next in the PDFs' font-family list.

The result is a Modified Version under the SIL Open Font License: it is renamed (Venture Sans
SC) and ships with the licence text. The output is deterministic for a given input font, so
the generated files are committed and this script is only rerun when the set changes.
"""

import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "venture" / "static" / "fonts"
SOURCE = Path("/usr/share/fonts/opentype/noto")
FACE_INDEX = 2  # the .ttc collections hold JP, KR, SC, TC, HK…: index 2 is Simplified Chinese
FAMILY = "Venture Sans SC"
WEIGHTS = {"Regular": "NotoSansCJK-Regular.ttc", "Bold": "NotoSansCJK-Bold.ttc"}
LICENCE_SOURCE = Path("/usr/share/doc/fonts-noto-cjk/copyright")

RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (¥ § ° ± × ÷ …)
    (0x2000, 0x206F),  # general punctuation (— ‘ ’ “ ” … ‰ ※)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ Ⅲ)
    (0x2460, 0x24FF),  # enclosed numbers (① ②)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〇《》「」【】〔〕)
    (0xFF00, 0xFFEF),  # full-width forms (，：；（）￥)
)


def gb2312_characters():
    """Every character of GB 2312 (symbols of rows 1–9 and the 6,763 hanzi of rows 16–87)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted_codepoints():
    points = {ord(ch) for ch in gb2312_characters()}
    for first, last in RANGES:
        points.update(range(first, last + 1))
    return sorted(points)


def rename(font, weight):
    """Give the subset its own name (OFL: a Modified Version does not keep the original's)."""
    postscript = f"{FAMILY.replace(' ', '')}-{weight}"
    full = f"{FAMILY} {weight}" if weight != "Regular" else FAMILY
    names = {
        1: FAMILY,
        2: weight,
        3: f"{postscript};subset of Noto Sans CJK SC",
        4: full,
        6: postscript,
        16: FAMILY,
        17: weight,
    }
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in names and n.nameID not in (18, 21, 22)]
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
        table.setName(text, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = full, FAMILY


def make(weight, source, codepoints):
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.retain_gids = False
    # regional (locl) and vertical forms would double the glyph count; documents are
    # horizontal Simplified Chinese, whose forms are this face's defaults
    options.layout_features = [
        f for f in options.layout_features if f not in ("locl", "vert", "vrt2", "vkrn")
    ]
    font = TTFont(source, fontNumber=FACE_INDEX, lazy=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    rename(font, weight)
    font.recalcTimestamp = False  # keep the source's dates: same input, same bytes
    target = OUTPUT / f"{FAMILY.replace(' ', '')}-{weight}.ttf"
    font.save(target)
    return target, font


def write_licence(font):
    """OFL text from Debian's copyright file, with the font's own copyright line first."""
    text = LICENCE_SOURCE.read_text()
    start = text.index("SIL OPEN FONT LICENSE Version 1.1")
    end = text.rindex("License: GPL-3+")
    body = text[start:end].rstrip().splitlines()
    lines = ["" if line.strip() == "." else re.sub(r"^ ", "", line) for line in body]
    header = [
        f"{FAMILY} (Regular, Bold) is a subset of Noto Sans CJK SC made by",
        "scripts/subset_fonts.py; it is a Modified Version under the licence below.",
        "",
        font["name"].getDebugName(0),
        "",
        " -----------------------------------------------------------",
    ]
    (OUTPUT / "LICENSE-OFL.txt").write_text("\n".join(header + [" " + lines[0]] + lines[1:]) + "\n")


def main():
    missing = [name for name in WEIGHTS.values() if not (SOURCE / name).exists()]
    if missing:
        sys.exit(f"Missing {', '.join(missing)} in {SOURCE}: apt-get install fonts-noto-cjk")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    codepoints = wanted_codepoints()
    for weight, name in WEIGHTS.items():
        target, font = make(weight, SOURCE / name, codepoints)
        glyphs = len(font.getGlyphOrder())
        print(f"{target.relative_to(ROOT)}: {glyphs} glyphs, {target.stat().st_size:,} bytes")
    write_licence(font)


if __name__ == "__main__":
    main()
