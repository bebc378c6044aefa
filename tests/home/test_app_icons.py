"""The favicon at the site's root and the web app manifest."""

import io

from PIL import Image


def test_favicon_is_an_icon_at_the_root(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response.mimetype) == (200, "image/vnd.microsoft.icon")
    image = Image.open(io.BytesIO(response.data))
    assert (image.format, image.size) == ("ICO", (48, 48))


def test_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert (manifest["short_name"], manifest["lang"], manifest["theme_color"]) == (
        "公益创投平台",
        "zh-CN",
        "#9b1c1c",
    )
    assert [(icon["src"], icon["sizes"]) for icon in manifest["icons"]] == [
        ("/static/icons/icon-192.png", "192x192"),
        ("/static/icons/icon-512.png", "512x512"),
        ("/static/icons/favicon.svg", "any"),
    ]
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_links_the_icon_and_manifest(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in page
