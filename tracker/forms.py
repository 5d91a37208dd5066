"""The quarterly tracker form of one commitment: it parses what was typed; the action decides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from commitments.models import Milestone
from ogplocal.uploads import TRACKER_EVIDENCE, MultipleUploadField
from tracker.models import MAX_EVIDENCE_FILES, Completion, TrackerUpdate

MILESTONE_CHOICES = [
    ("", _("not reported")),
    ("not_started", _("not started")),
    ("in_progress", _("in progress")),
    ("done", _("done")),
]


class TrackerUpdateForm(forms.Form):
    percent = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        help_text=_("0 to 100. Progress is a percent above last quarter's."),
    )
    completion = forms.ChoiceField(
        label=_("Completion level"),
        choices=[("", _("choose a level")), *Completion.choices],
        required=False,
        help_text=_("The Independent Reporting Mechanism's scale."),
    )
    narrative = forms.CharField(
        label=_("What happened this quarter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence_links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One web address a line (https://…)."),
    )
    evidence_files = MultipleUploadField(
        label=_("Evidence files"),
        profile=TRACKER_EVIDENCE,
        max_files=MAX_EVIDENCE_FILES,
    )

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        milestones: Sequence[Milestone],
        update: TrackerUpdate | None,
        prefix: str,
    ) -> None:
        initial: dict[str, Any] = {}
        if update is not None:
            initial = {
                "percent": update.percent,
                "completion": update.completion,
                "narrative": update.narrative,
                "evidence_links": "\n".join(update.evidence_links),
                **{f"milestone_{k}": v for k, v in update.milestone_states.items()},
            }
        super().__init__(data, files, prefix=prefix, initial=initial)
        files_field = self.fields["evidence_files"]
        files_field.help_text = " ".join(
            (
                str(files_field.help_text),
                _("Up to %(limit)d files per update.") % {"limit": MAX_EVIDENCE_FILES},
            )
        )
        self.milestones = list(milestones)
        for milestone in self.milestones:
            self.fields[f"milestone_{milestone.pk}"] = forms.ChoiceField(
                label=_("Milestone: %(title)s") % {"title": milestone.title},
                choices=MILESTONE_CHOICES,
                required=False,
            )

    def clean_evidence_links(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["evidence_links"].splitlines()]
        links = [link for link in links if link]
        check = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                check(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(link)s” is not a web address such as https://example.org/report."),
                    params={"link": link},
                ) from None
        return links

    def milestone_states(self) -> dict[str, str]:
        return {
            str(m.pk): self.cleaned_data[f"milestone_{m.pk}"]
            for m in self.milestones
            if self.cleaned_data.get(f"milestone_{m.pk}")
        }
