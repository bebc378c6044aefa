"""Write a translation fragment (venture/i18n/NAME.po) from a Python dict {msgid: msgstr}.

Usage: python scripts/po_fragment.py NAME path/to/dict.py   (the file defines T = {...});
existing entries of the fragment are kept and new ones added.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

name, source = sys.argv[1], sys.argv[2]
path = Path(__file__).resolve().parent.parent / "venture" / "i18n" / f"{name}.po"
catalog = Catalog(locale="zh_CN")
if path.exists():
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
for msgid, msgstr in runpy.run_path(source)["T"].items():
    catalog.add(msgid, msgstr)
with path.open("wb") as handle:
    write_po(handle, catalog, width=0, sort_output=True)
print(f"{path}: {len([m for m in catalog if m.id])} strings")
