"""The plan calendar drawing: server-rendered SVG, the same markup on the plan page, in the plan's
PDF and on the public site (docs/architecture.md "Charts ... are server-rendered SVG").

It draws what the handbook's Figure 1 (Local Action Plan Cycle and Calendar) draws, for one plan:
the plan period, each commitment's implementation bar, the assessment and tracker deadlines with
due/done marks, and a line at today. `draw_calendar` is a pure function of `CalendarData` (no
ORM, no clock); `calendar_data` builds that from a plan whose commitments are prefetched and the
deadlines the rules engine computed (`members.rules.Deadline`-shaped objects).

No inline style: presentation attributes only, so one Content Security Policy without
'unsafe-inline' holds for every page that embeds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from html import escape
from typing import Any, Protocol

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from members.rules import DeadlineKind
from ogplocal.dates import add_months, parse_quarter, quarter_deadline, quarter_of


class MarkState(StrEnum):
    DONE = "done"  # met on or before its due day
    LATE = "late"  # met after its due day
    DUE = "due"  # not met, due today or later
    MISSED = "missed"  # not met, due day passed
    PROJECTED = "projected"  # the plan is a draft: the day it would fall due


class BarState(StrEnum):
    PLANNED = "planned"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Bar:
    label: str
    starts_on: date
    ends_on: date
    state: BarState = BarState.PLANNED


@dataclass(frozen=True)
class Mark:
    day: date
    state: MarkState
    text: str


@dataclass(frozen=True)
class MarkRow:
    label: str
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class CalendarData:
    title: str
    starts_on: date  # the plan period
    ends_on: date
    today: date
    bars: tuple[Bar, ...] = ()
    rows: tuple[MarkRow, ...] = ()
    submitted_on: date | None = None


@dataclass(frozen=True)
class Layout:
    width: int = 960
    label_width: int = 250
    row_height: int = 24
    header_height: int = 44
    legend_height: int = 46
    font: str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"


COLOURS = {
    "ink": "#1b1f24",
    "muted": "#5a6270",
    "line": "#d5dae1",
    "tint": "#f3f5f8",
    "plan": "#083f61",
    "planned": "#0b5c8c",
    "completed": "#1d6b3a",
    "withdrawn": "#8d96a3",
    "done": "#1d6b3a",
    "late": "#8a5a00",
    "due": "#ffffff",
    "missed": "#b3261e",
    "projected": "#ffffff",
    "today": "#b3261e",
}
# Words of the drawing, in the reader's language; dates through Django's formats (docs/rules.md
# §3.1:
# the screens are translatable, the plan's own texts stay as written).
MARK_WORDS = {
    MarkState.DONE: pgettext_lazy("calendar mark", "done"),
    MarkState.LATE: pgettext_lazy("calendar mark", "done late"),
    MarkState.DUE: pgettext_lazy("calendar mark", "due"),
    MarkState.MISSED: pgettext_lazy("calendar mark", "missed"),
    MarkState.PROJECTED: pgettext_lazy("calendar mark", "expected"),
}
BAR_WORDS = {
    BarState.PLANNED: pgettext_lazy("calendar bar", "implementation"),
    BarState.COMPLETED: pgettext_lazy("calendar bar", "completed"),
    BarState.WITHDRAWN: pgettext_lazy("calendar bar", "withdrawn"),
}
ROW_PLAN = _l("Action plan period")
ROW_TRACKER = _l("Tracker updates")
ROW_INCEPTION = capfirst(DeadlineKind.INCEPTION_ASSESSMENT.label)
ROW_END_OF_COMMITMENT = _l("End-of-commitment assessments")
ROW_FINAL = capfirst(DeadlineKind.FINAL_LEARNING_EXERCISE.label)


def _day(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _month_letter(month: date) -> str:
    """The month's initial in the active language (J F M ... in English, E F M ... in Spanish)."""
    return date_format(month, "F")[:1].upper()


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def _text_width(text: str, font_size: float = 12) -> float:
    """A generous estimate of a label's width in the calendar's sans-serif font (no font metrics
    on the server): 0.62 em a character covers DejaVu Sans' wide letters."""
    return len(text) * font_size * 0.62


def _short(text: str, length: int = 34) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def draw_calendar(data: CalendarData, layout: Layout | None = None) -> str:
    """The SVG markup of the plan calendar (an `<svg>` element, accessible name and description
    included)."""
    lay = layout or Layout()
    days = [data.starts_on, data.ends_on]
    days += [d for bar in data.bars for d in (bar.starts_on, bar.ends_on)]
    days += [mark.day for row in data.rows for mark in row.marks]
    first = _month_start(min(days))
    last = _month_end(max(days))
    span = (last - first).days + 1
    left = lay.label_width
    right = lay.width - 12
    scale = (right - left) / span

    def x(day: date) -> float:
        return round(left + (day - first).days * scale, 1)

    rows_count = 1 + len(data.bars) + len(data.rows)
    body_top = lay.header_height
    height = body_top + rows_count * lay.row_height + lay.legend_height
    out: list[str] = []
    add = out.append
    desc = ngettext(
        "Plan period %(start)s to %(end)s; %(count)s commitment; today is %(today)s.",
        "Plan period %(start)s to %(end)s; %(count)s commitments; today is %(today)s.",
        len(data.bars),
    ) % {
        "start": _day(data.starts_on),
        "end": _day(data.ends_on),
        "count": len(data.bars),
        "today": _day(data.today),
    }
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plan-calendar" role="img" '
        f'viewBox="0 0 {lay.width} {height}" width="{lay.width}" height="{height}" '
        f'font-family="{escape(lay.font)}" font-size="12" aria-labelledby="calendar-title '
        f'calendar-desc">'
    )
    add(f'<title id="calendar-title">{escape(data.title)}</title>')
    add(f'<desc id="calendar-desc">{escape(desc)}</desc>')

    # Header: years, then month letters, with a light band on every other month.
    month = first
    index = 0
    show_letters = span <= 5 * 366
    while month <= last:
        end = _month_end(month)
        x0, x1 = x(month), x(end + timedelta(days=1))
        if index % 2 == 0:
            add(
                f'<rect x="{x0}" y="{body_top - 18}" width="{round(x1 - x0, 1)}" '
                f'height="{rows_count * lay.row_height + 18}" fill="{COLOURS["tint"]}"/>'
            )
        if month.month == 1 or month == first:
            add(f'<line x1="{x0}" y1="4" x2="{x0}" y2="{body_top}" stroke="{COLOURS["muted"]}"/>')
            add(
                f'<text x="{x0 + 3}" y="16" fill="{COLOURS["ink"]}" font-weight="700">'
                f"{month.year}</text>"
            )
        if show_letters:
            add(
                f'<text x="{round((x0 + x1) / 2, 1)}" y="{body_top - 5}" text-anchor="middle" '
                f'fill="{COLOURS["muted"]}" font-size="10">'
                f"<title>{escape(date_format(month, 'YEAR_MONTH_FORMAT'))}</title>"
                f"{escape(_month_letter(month))}</text>"
            )
        month = add_months(month, 1)
        index += 1

    def label(row: int, text: str, bold: bool = False) -> float:
        y = body_top + row * lay.row_height
        weight = ' font-weight="700"' if bold else ""
        add(
            f'<text x="6" y="{y + lay.row_height / 2 + 4}" fill="{COLOURS["ink"]}"{weight}>'
            f"<title>{escape(text)}</title>{escape(_short(text))}</text>"
        )
        add(
            f'<line x1="0" y1="{y + lay.row_height}" x2="{lay.width}" y2="{y + lay.row_height}" '
            f'stroke="{COLOURS["line"]}"/>'
        )
        return y

    # Row 0: the plan period.
    y = label(0, str(ROW_PLAN), bold=True)
    period = _("Plan: %(start)s to %(end)s") % {
        "start": _day(data.starts_on),
        "end": _day(data.ends_on),
    }
    add(
        f'<rect x="{x(data.starts_on)}" y="{y + 5}" '
        f'width="{round(max(x(data.ends_on + timedelta(days=1)) - x(data.starts_on), 2), 1)}" '
        f'height="{lay.row_height - 10}" rx="3" fill="{COLOURS["plan"]}">'
        f"<title>{escape(period)}</title></rect>"
    )
    if data.submitted_on is not None:
        sx = x(data.submitted_on)
        # Messages stay outside f-strings: xgettext does not read inside them.
        submitted = _("Submitted on %(day)s") % {"day": _day(data.submitted_on)}
        add(
            f'<path d="M{sx} {y + 2} l5 -0 l-5 8 l-5 -8 z" fill="{COLOURS["ink"]}">'
            f"<title>{escape(submitted)}</title></path>"
        )

    # Commitments' implementation bars.
    for offset, bar in enumerate(data.bars, start=1):
        y = label(offset, bar.label)
        colour = COLOURS[str(bar.state)]
        title = _("%(commitment)s: %(state)s %(start)s to %(end)s") % {
            "commitment": bar.label,
            "state": BAR_WORDS[bar.state],
            "start": _day(bar.starts_on),
            "end": _day(bar.ends_on),
        }
        add(
            f'<rect x="{x(bar.starts_on)}" y="{y + 6}" '
            f'width="{round(max(x(bar.ends_on + timedelta(days=1)) - x(bar.starts_on), 2), 1)}" '
            f'height="{lay.row_height - 12}" rx="3" fill="{colour}">'
            f"<title>{escape(title)}</title></rect>"
        )

    # Deadline rows with their marks.
    for offset, row in enumerate(data.rows, start=1 + len(data.bars)):
        y = label(offset, row.label)
        cy = y + lay.row_height / 2
        for mark in row.marks:
            add(_mark(x(mark.day), cy, mark))

    # Today.
    if first <= data.today <= last:
        tx = x(data.today)
        add(
            f'<line x1="{tx}" y1="{body_top - 18}" x2="{tx}" '
            f'y2="{body_top + rows_count * lay.row_height}" stroke="{COLOURS["today"]}" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        today_word = pgettext("calendar", "today")
        add(
            f'<text x="{tx + 3}" y="{body_top - 20}" fill="{COLOURS["today"]}" '
            f'font-weight="700">{escape(today_word)}</text>'
        )

    # Legend.
    ly = body_top + rows_count * lay.row_height + 26
    lx = 6.0
    add(f'<rect x="{lx}" y="{ly - 9}" width="22" height="10" rx="2" fill="{COLOURS["planned"]}"/>')
    planned = str(BAR_WORDS[BarState.PLANNED])
    add(f'<text x="{lx + 28}" y="{ly}" fill="{COLOURS["ink"]}">{escape(planned)}</text>')
    lx += 28 + _text_width(planned) + 18
    for state in (MarkState.DONE, MarkState.LATE, MarkState.DUE, MarkState.MISSED):
        word = str(MARK_WORDS[state])
        add(_mark(lx + 5, ly - 4, Mark(data.today, state, "")))
        add(f'<text x="{lx + 16}" y="{ly}" fill="{COLOURS["ink"]}">{escape(word)}</text>')
        # Each entry is as wide as its label in the reader's language, so none overlaps.
        lx += 16 + _text_width(word) + 18
    add(_mark(lx + 5, ly - 4, Mark(data.today, MarkState.PROJECTED, "")))
    add(
        f'<text x="{lx + 16}" y="{ly}" fill="{COLOURS["ink"]}">'
        f"{escape(str(MARK_WORDS[MarkState.PROJECTED]))}</text>"
    )
    add("</svg>")
    return "".join(out)


def _mark(cx: float, cy: float, mark: Mark) -> str:
    title = f"<title>{escape(mark.text)}</title>" if mark.text else ""
    if mark.state is MarkState.MISSED:
        return (
            f'<g><path d="M{cx - 5} {cy - 5} L{cx + 5} {cy + 5} M{cx + 5} {cy - 5} '
            f'L{cx - 5} {cy + 5}" stroke="{COLOURS["missed"]}" stroke-width="3"/>{title}</g>'
        )
    if mark.state in (MarkState.DONE, MarkState.LATE):
        return (
            f'<circle cx="{cx}" cy="{cy}" r="6" fill="{COLOURS[str(mark.state)]}">{title}</circle>'
        )
    dash = ' stroke-dasharray="2 2"' if mark.state is MarkState.PROJECTED else ""
    return (
        f'<circle cx="{cx}" cy="{cy}" r="5.5" fill="#ffffff" stroke="{COLOURS["late"]}" '
        f'stroke-width="2.5"{dash}>{title}</circle>'
    )


# --- From a plan and its deadlines -------------------------------------------------------------


class DeadlineLike(Protocol):
    @property
    def kind(self) -> Any: ...
    @property
    def due(self) -> date: ...
    @property
    def met_on(self) -> date | None: ...
    @property
    def ref(self) -> str | None: ...


def _state(due: date, met_on: date | None, today: date) -> MarkState:
    if met_on is not None:
        return MarkState.DONE if met_on <= due else MarkState.LATE
    return MarkState.DUE if due >= today else MarkState.MISSED


def _text(what: str, due: date, state: MarkState, met_on: date | None) -> str:
    names = {"what": what, "due": _day(due), "state": MARK_WORDS[state]}
    if met_on:
        return _("%(what)s: due %(due)s, %(state)s on %(met)s") % {**names, "met": _day(met_on)}
    return _("%(what)s: due %(due)s, %(state)s") % names


def _update(quarter: object) -> str:
    return _("%(quarter)s update") % {"quarter": quarter}


def _expected(what: str, due: date) -> str:
    return _("%(what)s: due %(due)s") % {"what": what, "due": _day(due)}


def _title(plan: Any) -> str:
    return _("Calendar of %(plan)s") % {"plan": plan}


def calendar_data(
    plan: Any,
    deadlines: Iterable[DeadlineLike],
    today: date,
    commitments: Sequence[Any] | None = None,
    *,
    rules_ref: str | None = None,
) -> CalendarData:
    """The calendar of `plan` (an ActionPlan with its commitments prefetched, or anything shaped
    like it) from the rules' deadlines of one of its jurisdictions. A draft plan has no deadlines
    yet: they are drawn as expected from its dates (§3.2).

    `rules_ref` is the plan's ref in those deadlines (`portal.status.loader.rules_ref`): the
    plan's own ref unless the rules tell it apart from another plan of that jurisdiction with the
    same ref, a joint plan led by another member (`ref@lead-slug`). None: the plan's own ref."""
    commitments = list(plan.commitments.all()) if commitments is None else list(commitments)
    bars = tuple(
        Bar(
            f"{c.ref}. {c.title}",
            c.starts_on,
            c.completed_on or c.withdrawn_on or c.ends_on,
            BarState.COMPLETED
            if c.completed_on
            else BarState.WITHDRAWN
            if c.withdrawn_on
            else BarState.PLANNED,
        )
        for c in commitments
    )
    rows: list[MarkRow] = []
    if plan.submitted_on is None:
        # Expected: tracker deadlines of the plan's quarters, the final learning exercise.
        quarters = []
        quarter = quarter_of(plan.starts_on)
        while quarter.starts_on <= plan.ends_on:
            quarters.append(quarter)
            quarter = quarter.following()
        rows.append(
            MarkRow(
                str(ROW_TRACKER),
                tuple(
                    Mark(q.deadline, MarkState.PROJECTED, _expected(_update(q), q.deadline))
                    for q in quarters
                ),
            )
        )
        final_due = add_months(plan.ends_on, 2)
        rows.append(
            MarkRow(
                str(ROW_FINAL),
                (Mark(final_due, MarkState.PROJECTED, _expected(str(ROW_FINAL), final_due)),),
            )
        )
        return CalendarData(
            title=_title(plan),
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            today=today,
            bars=bars,
            rows=tuple(rows),
        )

    ref_of_plan = rules_ref or plan.ref
    first_quarter = quarter_of(plan.submitted_on)
    last_quarter = quarter_of(plan.ends_on)
    inception: list[Mark] = []
    end_of_commitment: list[Mark] = []
    final: list[Mark] = []
    tracker: list[Mark] = []
    for deadline in deadlines:
        kind = deadline.kind
        ref = deadline.ref or ""
        state = _state(deadline.due, deadline.met_on, today)
        if kind == DeadlineKind.INCEPTION_ASSESSMENT and ref == ref_of_plan:
            inception.append(
                Mark(
                    deadline.due,
                    state,
                    _text(str(ROW_INCEPTION), deadline.due, state, deadline.met_on),
                )
            )
        elif kind == DeadlineKind.FINAL_LEARNING_EXERCISE and ref == ref_of_plan:
            final.append(
                Mark(
                    deadline.due,
                    state,
                    _text(str(ROW_FINAL), deadline.due, state, deadline.met_on),
                )
            )
        elif (
            kind == DeadlineKind.END_OF_COMMITMENT_ASSESSMENT
            and ref.split("/", 1)[0] == ref_of_plan
        ):
            end_of_commitment.append(
                Mark(
                    deadline.due,
                    state,
                    _text(
                        _("End-of-commitment assessment %(commitment)s")
                        % {"commitment": ref.split("/", 1)[-1]},
                        deadline.due,
                        state,
                        deadline.met_on,
                    ),
                )
            )
        elif kind == DeadlineKind.TRACKER_UPDATE and ref:
            quarter = parse_quarter(ref)
            if first_quarter <= quarter <= last_quarter:
                tracker.append(
                    Mark(
                        deadline.due,
                        state,
                        _text(_update(ref), deadline.due, state, deadline.met_on),
                    )
                )
    # Quarters still ahead in the plan, not yet known to the rules: expected.
    known = {m.day for m in tracker}
    quarter = quarter_of(today)
    while quarter <= last_quarter:
        due = quarter_deadline(quarter)
        if due not in known and quarter >= first_quarter:
            tracker.append(Mark(due, MarkState.PROJECTED, _expected(_update(quarter), due)))
        quarter = quarter.following()
    rows.append(MarkRow(str(ROW_INCEPTION), tuple(inception)))
    rows.append(MarkRow(str(ROW_TRACKER), tuple(sorted(tracker, key=lambda m: m.day))))
    if end_of_commitment:
        rows.append(MarkRow(str(ROW_END_OF_COMMITMENT), tuple(end_of_commitment)))
    rows.append(MarkRow(str(ROW_FINAL), tuple(final)))
    return CalendarData(
        title=_title(plan),
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        today=today,
        bars=bars,
        rows=tuple(rows),
        submitted_on=plan.submitted_on,
    )
