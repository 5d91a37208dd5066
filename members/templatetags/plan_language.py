"""`{% plan_lang %}`: the plan is written in English (docs/rules.md §3.1) while the page follows the
reader's language, so the containers of what people wrote in a plan (strategy, commitments,
narratives) say ` lang="en"` when the page is not in English, for screen readers and hyphenation.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

PLAN_LANGUAGE = "en"


@register.simple_tag
def plan_lang() -> SafeString:
    if (get_language() or PLAN_LANGUAGE).split("-")[0] == PLAN_LANGUAGE:
        return mark_safe("")
    return mark_safe(f' lang="{PLAN_LANGUAGE}"')  # noqa: S308 (a constant)
