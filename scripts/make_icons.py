"""Draw the app icons (static/icons/icon-192.png, icon-512.png) from the shapes of static/favicon.svg:
a blue rounded square with a white "F". Run once after changing the logo:

    .venv/bin/python scripts/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (11, 79, 138, 255)  # #0b4f8a, the theme colour
WHITE = (255, 255, 255, 255)
# The "F" of favicon.svg on its 32-unit grid: M9 8h14v4H13v3h8v4h-8v5H9z
F_SHAPE = [(9, 8), (23, 8), (23, 12), (13, 12), (13, 15), (21, 15), (21, 19), (13, 19), (13, 24), (9, 24)]
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def draw(size: int) -> Image.Image:
    scale = 4  # drawn large, then reduced: smooth edges
    big = size * scale
    unit = big / 32
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(6 * unit), fill=BRAND)
    pen.polygon([(x * unit, y * unit) for x, y in F_SHAPE], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)
        print(OUT / f"icon-{size}.png")
