"""The plan as a PDF (issue 4, item 7): WeasyPrint renders the same template and the same calendar
drawing as the plan page, so the two never disagree."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from action_plans.models import ActionPlan
from members.models import Jurisdiction


def render_plan_pdf(
    *, plan: ActionPlan, jurisdiction: Jurisdiction, calendar: str, today: date
) -> bytes:
    """The PDF of `plan` (its commitments, milestones and policy areas prefetched)."""
    html = render_to_string(
        "workspace/plan_pdf.html",
        {
            "plan": plan,
            "jurisdiction": jurisdiction,
            "commitments": list(plan.commitments.all()),
            "calendar": calendar,
            "today": today,
        },
    )
    return plan_document(html).write_pdf()  # type: ignore[no-any-return]


# The PDF's stylesheet is a file, not a <style> in the template (docs/architecture.md).
STYLESHEET = "static/css/plan-pdf.css"


def plan_document(html: str) -> Any:
    """The laid-out WeasyPrint document of the plan's HTML, with the PDF stylesheet."""
    # WeasyPrint loads Pango and its fonts (about 1 s): only a process that renders a PDF pays.
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=str(settings.BASE_DIR / STYLESHEET), url_fetcher=_no_fetch)
    # No network: every resource of the PDF is in the HTML or in that stylesheet.
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch)
    return document.render(stylesheets=[stylesheet])


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"the plan PDF fetches nothing: {url}")
