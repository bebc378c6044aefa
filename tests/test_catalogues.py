"""Both catalogues hold every page title and every flash message: the compiled Chinese one
translates each, the English one has an entry for each (venture/core/i18n.py builds both)."""

import ast
import re

from babel.messages.mofile import read_mo

from venture.core.i18n import OUTPUT, PACKAGE, ROOT, compile_catalogues

TEMPLATES = ROOT / "templates"
TITLE_BLOCK = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)
PAGE_HEADER = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
GETTEXT = re.compile(r"""_\(\s*(['"])((?:\\.|(?!\1).)*)\1""", re.S)
FLASHING = {"flash"}
ACTIONS = {"form_action", "post_action", "run_action", "announce_page", "button"}


def _literal(quoted, quote):
    return ast.literal_eval(quote + quoted + quote)


def page_titles():
    """{msgid: template} for each translated string in a title block or an <h1>."""
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "pdf" in path.parts:
            continue  # printed documents have no page title
        text = path.read_text(encoding="utf-8")
        for part in TITLE_BLOCK.findall(text) + PAGE_HEADER.findall(text):
            for quote, msgid in GETTEXT.findall(part):
                found[_literal(msgid, quote)] = str(path.relative_to(ROOT))
    return found


def _gettext_argument(node):
    """The msgid of `_("…")` / `gettext("…")` / `_l("…")`, possibly inside `str(...)`."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "gettext", "_l"):
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def _flashed_by_action(node):
    """The msgids of an action's `success=` / `invalid=` / `warnings=`: `_("…")`, a lambda
    giving one, a choice of two or a list (venture.core.actions flashes them)."""
    if isinstance(node, ast.Lambda):
        return _flashed_by_action(node.body)
    if isinstance(node, ast.IfExp):
        return _flashed_by_action(node.body) + _flashed_by_action(node.orelse)
    if isinstance(node, ast.List):
        return [msgid for item in node.elts for msgid in _flashed_by_action(item)]
    msgid = _gettext_argument(node)
    return [msgid] if msgid else []


def flash_messages():
    """{msgid: file:line} for each `flash(_("…"))` in venture/, and each message an action
    (`form_action`, `post_action`, `run_action`, `announce_page`, `button`) flashes on success
    or on an invalid form."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None)
            if name in FLASHING and node.args:
                msgids = [_gettext_argument(node.args[0])]
            elif name in ACTIONS:
                msgids = [
                    msgid
                    for keyword in node.keywords
                    if keyword.arg in ("success", "invalid", "warnings")
                    for msgid in _flashed_by_action(keyword.value)
                ]
            else:
                continue
            for msgid in filter(None, msgids):
                found[msgid] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def _catalogue(folder):
    with (OUTPUT / folder / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        return read_mo(handle)


def test_collectors_find_titles_and_flash_messages():
    titles, flashes = page_titles(), flash_messages()
    assert titles["Review tasks"] == "templates/review/queue.html"
    file, line = flashes["The application is withdrawn."].split(":")
    lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
    call = "\n".join(lines[int(line) - 1 : int(line) + 9])
    # the place is the line where the call that flashes it starts
    assert file == "venture/applications/views.py"
    assert call.startswith("@button(") and "The application is withdrawn." in call
    assert len(titles) > 80
    assert len(flashes) > 100


def test_every_page_title_and_flash_message_is_in_both_catalogues():
    compile_catalogues()
    chinese, english = _catalogue("zh_Hans_CN"), _catalogue("en")
    wanted = {**page_titles(), **flash_messages()}
    untranslated = {
        msgid: place
        for msgid, place in wanted.items()
        if msgid not in chinese or not chinese[msgid].string
    }
    missing_in_english = {msgid: place for msgid, place in wanted.items() if msgid not in english}
    assert untranslated == {}
    assert missing_in_english == {}


def test_english_catalogue_entries_read_as_the_english_source():
    compile_catalogues()
    english = _catalogue("en")
    assert english["Review tasks"].string == "Review tasks"
    assert _catalogue("zh_Hans_CN")["Review tasks"].string == "评审任务"
