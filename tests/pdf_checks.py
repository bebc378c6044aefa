"""Checks on rendered PDFs with poppler's command-line tools (poppler-utils)."""

import re
import subprocess

# pdffonts names: a subset prefix (ABCDEF+) then the font name; CJK fonts used by Venture
CJK_FONT = re.compile(r"(Noto-?Sans-?CJK|Noto-?Serif-?CJK|Venture-?Sans-?SC)", re.IGNORECASE)


def pdf_text(pdf, path):
    """pdftotext of the PDF with every whitespace removed (lines wrap anywhere in Chinese)."""
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return re.sub(r"\s+", "", text)


def embedded_fonts(pdf, path):
    """[(name, embedded)] from pdffonts."""
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    fonts = []
    for line in out:
        parts = line.split()
        # columns: name type… encoding emb sub uni object ID; emb is 5th from the end
        fonts.append((parts[0], parts[-5] == "yes"))
    return fonts


def cjk_problems(pdf, watch, path):
    """What is wrong with a CJK PDF: tofu glyphs logged, or no embedded CJK font."""
    problems = [f"missing glyph: {message}" for message in watch.missing]
    fonts = embedded_fonts(pdf, path)
    if not any(embedded and CJK_FONT.search(name) for name, embedded in fonts):
        problems.append(f"no embedded CJK font in {fonts}")
    return problems
