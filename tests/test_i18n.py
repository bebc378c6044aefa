from venture.core.i18n import extract_messages, missing_translations, read_fragments


def test_every_string_has_a_chinese_translation():
    assert missing_translations() == {}


def test_translations_keep_placeholders():
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    wrong = [
        m.id
        for m in read_fragments()
        if m.id and sorted(placeholder.findall(m.id)) != sorted(placeholder.findall(m.string))
    ]
    assert wrong == []


def test_extraction_finds_template_and_code_strings():
    found = extract_messages()
    assert "Sign in" in found
    assert "Please give a reason." in found
