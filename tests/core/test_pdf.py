"""The one PDF renderer: URL fetcher limits, embedded CJK fonts, missing-glyph detection."""

import json
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from tests.pdf_checks import cjk_problems, embedded_fonts, pdf_text
from venture.contracts import document
from venture.core.pdf import (
    STATIC_PREFIX,
    GlyphWatch,
    MissingGlyphs,
    RefusedURL,
    render_pdf_checked,
    url_fetcher,
)

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/logo.png",
        "https://example.com/font.ttf",
        f"{STATIC_PREFIX}../venture/config.py",
        f"{STATIC_PREFIX}fonts/",
        "data:text/plain,hello",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(RefusedURL, match="refused URL in PDF"):
        url_fetcher(url)


def test_fetcher_serves_the_static_fonts():
    response = url_fetcher(f"{STATIC_PREFIX}fonts/VentureSansSC-Regular.ttf")
    assert (response.content_type, response.read(4)) == ("font/ttf", b"OTTO")


def test_contract_pdf_embeds_cjk_fonts_without_missing_glyphs(make, tmp_path):
    contract = make.contract("107000.53")
    with GlyphWatch() as watch:
        pdf = document.contract_pdf(contract)
    assert cjk_problems(pdf, watch, tmp_path / "c.pdf") == []
    names = sorted(name.split("+")[1] for name, _embedded in embedded_fonts(pdf, tmp_path / "c"))
    assert names == ["Venture-Sans-SC", "Venture-Sans-SC-Bold"]


def test_rare_name_characters_fall_back_to_system_noto(make, tmp_path):
    """玥 堃 喆 are outside the GB 2312 subset: the next family in the list draws them."""
    organization = make.org(name="香坊区王玥堃喆助老服务中心")
    contract = make.contract("1000.00", organization=organization)
    with GlyphWatch() as watch:
        pdf = document.contract_pdf(contract)
    assert cjk_problems(pdf, watch, tmp_path / "c.pdf") == []
    assert "香坊区王玥堃喆助老服务中心" in pdf_text(pdf, tmp_path / "c.pdf")
    names = {name.split("+")[1] for name, _embedded in embedded_fonts(pdf, tmp_path / "c.pdf")}
    assert "Noto-Sans-CJK-SC" in names


def test_render_checked_names_characters_no_font_has(app):
    with app.test_request_context(), pytest.raises(MissingGlyphs) as missing:
        render_pdf_checked(
            document.TEMPLATES["2026.1"],
            data={**_minimal_data(), "title": "合同\U0001d11e"},
            draft=False,
        )
    assert missing.value.characters == ["\U0001d11e"]


def _minimal_data():
    return {
        "number": "XF-GYCT-2026-0001",
        "title": "t",
        "route_name": "公益创投",
        "legal_basis": "",
        "call_title": "",
        "party_a": document.PARTY_A_DEFAULTS,
        "party_b": {},
        "service_content": "",
        "quantity_targets": [],
        "budget": [],
        "installments": [],
    }


LATIN_ONLY_RENDER = r"""
import json, logging, sys
from weasyprint import HTML
from venture.core.pdf import GlyphWatch

html = ('<html lang="zh-CN"><body style="font-family: NoSuchFamily">'
        '服务合同 人民币壹万零伍元整</body></html>')
with GlyphWatch() as watch:
    pdf = HTML(string=html).write_pdf()
open(sys.argv[1], "wb").write(pdf)
print(json.dumps(watch.missing))
"""


def test_checks_fire_on_a_machine_without_cjk_fonts(tmp_path):
    """A process whose fontconfig knows only a Latin font (made here from the shipped one)
    renders hanzi as boxes: the .notdef watch and the pdffonts check both report it."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    options = subset.Options()
    latin = TTFont(ROOT / "venture" / "static" / "fonts" / "VentureSansSC-Regular.ttf")
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=range(0x20, 0x7F))
    subsetter.subset(latin)
    # every name a font is known by (family, full, PostScript, typographic family) is replaced,
    # or pdffonts would still report the CJK font's own name
    for record in latin["name"].names:
        if record.nameID in (1, 3, 4, 16):
            record.string = "Latin Only"
        elif record.nameID == 6:
            record.string = "LatinOnly-Regular"
    assert {r.toUnicode() for r in latin["name"].names if r.nameID in (1, 4, 6, 16)} == {
        "Latin Only",
        "LatinOnly-Regular",
    }
    latin.save(fonts / "LatinOnly.otf")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    pdf_path = tmp_path / "tofu.pdf"
    result = subprocess.run(
        [sys.executable, "-c", LATIN_ONLY_RENDER, str(pdf_path)],
        capture_output=True,
        text=True,
        check=True,
        env={"FONTCONFIG_FILE": str(config), "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        timeout=120,
    )
    missing = json.loads(result.stdout.strip().splitlines()[-1])
    watch = SimpleNamespace(missing=missing)
    problems = cjk_problems(pdf_path.read_bytes(), watch, tmp_path / "check.pdf")
    assert len(missing) == 13  # every hanzi of the document, one warning each
    fonts_listed = embedded_fonts(pdf_path.read_bytes(), tmp_path / "fonts.pdf")
    assert [(name.split("+")[-1], embedded) for name, embedded in fonts_listed] == [
        ("Latin-Only", True)  # WeasyPrint writes the full name, spaces as hyphens
    ]
    assert problems[-1] == f"no embedded CJK font in {fonts_listed}"
    assert problems[0] == (
        'missing glyph: .notdef glyph rendered for Unicode string unsupported by fonts: "服" '
        "(U+670D)"
    )


def test_glyph_watch_ignores_other_threads(app):
    def render_elsewhere():
        with app.test_request_context(), pytest.raises(MissingGlyphs):
            render_pdf_checked(
                document.TEMPLATES["2026.1"],
                data={**_minimal_data(), "title": "\U0001d11e"},
            )

    with GlyphWatch() as watch:
        thread = threading.Thread(target=render_elsewhere)
        thread.start()
        thread.join()
    assert watch.missing == []
