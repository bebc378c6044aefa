"""Charts drawn as SVG on the server: the same markup goes inline into the staff dashboard and
into the PDFs, where WeasyPrint draws it as vectors (sharp at any zoom, labels kept as text).

No JavaScript charting library: a horizontal bar chart covers what the reports need (amounts by
category and street, applications by screening result, budget against spending).
"""

from decimal import Decimal

from markupsafe import Markup, escape

FONT = "Venture Sans SC, Noto Sans CJK SC, sans-serif"
PALETTE = ("#2f6f9f", "#e0893a", "#5a9e5a", "#a05195")
WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 120
BAR_HEIGHT = 16
ROW_GAP = 10
LABEL_CHARS = 12  # longer labels are shortened; the full text stays in a <title>


def _short(label):
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _number(value):
    return float(Decimal(value)) if value is not None else 0.0


def bar_chart(
    title,
    rows,
    *,
    series=None,
    formatter=str,
    chart_id=None,
    responsive=False,
    label=None,
    description=None,
):
    """An SVG horizontal bar chart.

    rows: [(label, value)] or, with series (names of two or more series), [(label, (v1, v2…))];
    formatter turns a value into the text printed after its bar. responsive charts shrink to
    the width of a page (HTML); PDFs draw them at their own size, which fits an A4 page.
    label names the chart for screen readers when the page's heading shows it instead of the
    title (an image needs a name: WCAG 1.1.1); description, the figures in words, becomes the
    SVG's <desc>.
    """
    name = label or title
    series = list(series or [])
    groups = [(label, values if series else (values,)) for label, values in rows]
    per_group = max(1, len(series))
    group_height = per_group * BAR_HEIGHT + ROW_GAP
    legend_height = 22 if series else 0
    top = 28 + legend_height
    height = top + max(1, len(groups)) * group_height + 6
    largest = max((_number(v) for _label, values in groups for v in values), default=0.0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    style = 'style="max-width: 100%; height: auto" ' if responsive else ""
    identity = f'id="{escape(chart_id)}" ' if chart_id else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" {identity}{style}'
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(name)}" font-family="{FONT}" font-size="12">',
        f"<title>{escape(name)}</title>",
    ]
    if description:
        parts.append(f"<desc>{escape(description)}</desc>")
    if title:
        parts.append(
            f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">'
            f"{escape(title)}</text>"
        )
    for index, name in enumerate(series):
        x = LABEL_WIDTH + index * 150
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="28" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="38" fill="#222">{escape(name)}</text>')
    if not groups:
        parts.append(f'<text x="{LABEL_WIDTH}" y="{top + 14}" fill="#666">—</text>')
    for row, (label, values) in enumerate(groups):
        y = top + row * group_height
        middle = y + per_group * BAR_HEIGHT / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" fill="#222">'
            f"<title>{escape(label)}</title>{escape(_short(label))}</text>"
        )
        for index, value in enumerate(values):
            length = room * _number(value) / largest if largest else 0
            bar_y = y + index * BAR_HEIGHT
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{max(length, 0.5):.1f}" '
                f'height="{BAR_HEIGHT - 3}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{bar_y + BAR_HEIGHT - 5}" '
                f'fill="#333">{escape(formatter(value))}</text>'
            )
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{top - 2}" x2="{LABEL_WIDTH}" y2="{height - 4}" '
        'stroke="#888" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
