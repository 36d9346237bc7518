"""Charts as inline SVG made on the server: no chart library, no CDN, no script. Each chart sits
next to a table with the same numbers (screen readers read the table; the SVG is aria-hidden).
Presentation attributes only (no style attributes), so the CSP stays strict."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#1d5e8c", "#e07b00", "#2e8540", "#b31b1b", "#6f42c1", "#6b7280")
BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 140
WIDTH = 320


def hbars(items: list[tuple[str, float]], *, suffix: str = "") -> SafeString:
    """Horizontal bars, one per (label, value)."""
    if not items:
        return mark_safe("")
    top = max(value for _label, value in items) or 1
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    span = WIDTH - LABEL_WIDTH - 50
    for index, (label, value) in enumerate(items):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = max(1, round(span * value / top)) if value else 0
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12" fill="#1f2933">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{colour}"></rect>'
            f'<text x="{LABEL_WIDTH + width + 4}" y="{y + 13}" font-size="12" fill="#1f2933">'
            f"{escape(_number(value))}{escape(suffix)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def columns(items: list[tuple[str, float]], *, suffix: str = "") -> SafeString:
    """Vertical columns (a trend over weeks)."""
    if not items:
        return mark_safe("")
    top = max(value for _label, value in items) or 1
    height, base = 140, 120
    step = WIDTH / len(items)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#6b7280"></line>',
    ]
    for index, (label, value) in enumerate(items):
        bar = round(100 * value / top) if value else 0
        x = round(index * step + step * 0.15, 1)
        parts.append(
            f'<rect x="{x}" y="{base - bar}" width="{round(step * 0.7, 1)}" height="{bar}" fill="{COLOURS[0]}">'
            f"<title>{escape(str(label))}: {escape(_number(value))}{escape(suffix)}</title></rect>"
        )
        if len(items) <= 12 or index % 2 == 0:
            middle = round(x + step * 0.35, 1)
            parts.append(
                f'<text x="{middle}" y="{base + 14}" font-size="12" text-anchor="middle" fill="#1f2933">'
                f"{escape(str(label)[-3:])}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _short(label, limit: int = 17) -> str:
    """A bar's label cut to fit its column at 12 px; the table under the chart has it in full."""
    text = str(label)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value)) if isinstance(value, float) else str(value)
