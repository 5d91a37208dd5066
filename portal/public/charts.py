"""Server-rendered SVG charts (docs/architecture.md): the same drawing serves the page and the PDF.

No script and no style attribute: presentation attributes only, so the Content Security Policy
without 'unsafe-inline' holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # a share from 0 to 1
    note: str = ""  # e.g. "12 of 40 plans"


def bar_chart(
    bars: Sequence[Bar], *, title: str, description: str, width: int = 720, bar_height: int = 26
) -> SafeString:
    """A horizontal bar chart of shares, labelled, with its title and description for screen
    readers (the page shows the same data as a table beside it)."""
    label_width = 230
    value_width = 150
    plot_width = width - label_width - value_width
    gap = 10
    height = max(1, len(bars)) * (bar_height + gap) + gap
    rows = []
    for index, bar in enumerate(bars):
        y = gap + index * (bar_height + gap)
        length = max(0.0, min(1.0, bar.value)) * plot_width
        rows.append(
            format_html(
                '<g class="bar"><text x="{}" y="{}" text-anchor="end" class="bar-label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" class="bar-rect"></rect>'
                '<text x="{}" y="{}" class="bar-value">{}</text></g>',
                label_width - 8,
                y + bar_height * 0.68,
                bar.label,
                label_width,
                y,
                f"{length:.1f}",
                bar_height,
                label_width + length + 6,
                y + bar_height * 0.68,
                f"{bar.value:.0%}" + (f" ({bar.note})" if bar.note else ""),
            )
        )
    body = mark_safe("".join(rows))  # noqa: S308 - every row was built with format_html
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-labelledby="chart-title chart-desc" class="chart">'
        '<title id="chart-title">{title}</title><desc id="chart-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        title=title,
        desc=description,
        body=body,
    )


def progress_bar(percent: int, *, label: str) -> SafeString:
    """A small progress bar for a commitment's percent complete."""
    percent = max(0, min(100, percent))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 8" class="progress" '
        'role="img" aria-label="{}"><rect x="0" y="0" width="100" height="8" rx="4" '
        'class="progress-track"></rect><rect x="0" y="0" width="{}" height="8" rx="4" '
        'class="progress-fill"></rect></svg>',
        f"{label}: {percent}%",
        percent,
    )
