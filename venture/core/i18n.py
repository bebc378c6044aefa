"""Translation catalogues.

The source strings are English. Chinese translations live in one .po fragment per module under
venture/i18n/ (so modules can be worked on side by side); `compile_catalogues()` merges them
into venture/translations/<locale>/LC_MESSAGES/messages.mo (zh_Hans_CN, en), which Flask-Babel
reads. The English catalogue maps every string to itself.
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
FRAGMENTS = PACKAGE / "i18n"
OUTPUT = PACKAGE / "translations"

METHODS = [
    ("**/i18n/**", "ignore"),
    ("**.py", "python"),
    ("**.html", "jinja2"),
    ("**.txt", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def extract_messages():
    """{msgid: [(file, line), …]} for every translatable string in the code and templates."""
    found = {}
    for folder in (PACKAGE, ROOT / "templates"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            folder,
            METHODS,
            keywords=KEYWORDS,
            options_map={"**.html": {"extensions": "jinja2.ext.do"}},
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            found.setdefault(msgid, []).append((filename, lineno))
    return found


def read_fragments():
    """The merged Chinese catalogue from every fragment."""
    merged = Catalog(locale="zh_CN")
    for path in sorted(FRAGMENTS.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="zh_CN"):
                if message.id and message.string:
                    merged.add(message.id, message.string)
    return merged


def compile_catalogues():
    """Write the zh_CN and en .mo files."""
    chinese = read_fragments()
    english = Catalog(locale="en")
    for message in chinese:
        if message.id:
            english.add(message.id, message.id)
    # Babel names zh_CN's folder with its script: zh_Hans_CN
    for locale, catalog in (("zh_Hans_CN", chinese), ("en", english)):
        folder = OUTPUT / locale / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "messages.mo").open("wb") as handle:
            write_mo(handle, catalog)
    return len(chinese)


def missing_translations():
    """Strings in the code with no Chinese translation: {msgid: places}."""
    chinese = read_fragments()
    return {msgid: places for msgid, places in extract_messages().items() if msgid not in chinese}


def write_missing(fragment):
    """Append untranslated strings to a fragment with empty msgstr, for a person to fill."""
    from babel.messages.pofile import write_po

    missing = missing_translations()
    catalog = Catalog(locale="zh_CN")
    for msgid, places in missing.items():
        catalog.add(msgid, "", locations=places[:1])
    path = FRAGMENTS / f"{fragment}.po"
    with path.open("ab") as handle:
        write_po(handle, catalog, omit_header=True, width=0)
    return len(missing)
