"""Both languages of the role guides are complete: an English guide for each role, showing the
same screenshots as the Chinese one, served when the page is in English."""

import re

import pytest

from venture.guide.views import GUIDES, GUIDES_FOLDER, IMAGES_FOLDER

PICTURE = re.compile(r"!\[[^\]]*\]\((?:\.\./)?img/([^)]+)\)")


def pictures(path):
    return PICTURE.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("role", list(GUIDES))
def test_english_guide_shows_the_same_pictures_as_the_chinese_one(role):
    english = GUIDES_FOLDER / "en" / f"{role}.md"
    assert pictures(english) == pictures(GUIDES_FOLDER / f"{role}.md")
    assert [(IMAGES_FOLDER / name).is_file() for name in pictures(english)] == [True] * len(
        pictures(english)
    )


@pytest.mark.parametrize("role", list(GUIDES))
def test_guide_in_english_is_the_english_text_with_working_pictures(client, role):
    client.post("/language", data={"locale": "en", "next": "/"})
    page = client.get(f"/guide/{role}").get_data(as_text=True)
    heading = (GUIDES_FOLDER / "en" / f"{role}.md").read_text(encoding="utf-8").splitlines()[0]
    assert f"<h1>{heading[2:]}</h1>" in page
    assert 'id="guide" lang="en"' in page
    assert "This guide is written in Chinese" not in page
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert sources == [f"/guide/img/{name}" for name in pictures(GUIDES_FOLDER / f"{role}.md")]
    assert [client.get(source).status_code for source in sources] == [200] * len(sources)


def test_guide_in_chinese_stays_chinese(client):
    page = client.get("/guide/applicant").get_data(as_text=True)
    assert "<h1>申报组织使用指南</h1>" in page
    assert 'id="guide" lang="zh-CN"' in page
