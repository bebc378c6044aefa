"""Draw the app icon (a white heart with a red cross on the fund's red) as PNG and ICO files
for venture/static/icons: the same picture as icons/favicon.svg. Run once when it changes."""

from pathlib import Path

from PIL import Image, ImageDraw

RED = (155, 28, 28, 255)
WHITE = (255, 255, 255, 255)
FOLDER = Path(__file__).resolve().parents[1] / "venture" / "static" / "icons"


def draw(size):
    scale = 4  # draw large, then reduce: smooth edges
    side = size * scale
    unit = side / 64
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, side - 1, side - 1), radius=14 * unit, fill=RED)
    # the heart: two circles and a triangle
    pen.ellipse((12 * unit, 15 * unit, 32 * unit, 35 * unit), fill=WHITE)
    pen.ellipse((32 * unit, 15 * unit, 52 * unit, 35 * unit), fill=WHITE)
    pen.polygon(
        [(13 * unit, 29 * unit), (51 * unit, 29 * unit), (32 * unit, 50 * unit)], fill=WHITE
    )
    pen.rounded_rectangle((29 * unit, 24 * unit, 35 * unit, 42 * unit), radius=2 * unit, fill=RED)
    pen.rounded_rectangle((23 * unit, 30 * unit, 41 * unit, 36 * unit), radius=2 * unit, fill=RED)
    return image.resize((size, size), Image.LANCZOS)


def main():
    FOLDER.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(FOLDER / f"icon-{size}.png", optimize=True)
    draw(64).save(FOLDER / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
