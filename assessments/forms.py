"""The upload forms of the three kinds of assessment: structured findings, the report, annexes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from action_plans.models import ActionPlan
from action_plans.requirements import minimum_requirements
from assessments.models import Assessment
from assessments.services import MAX_FILES_PER_ASSESSMENT, OGP_VALUES
from commitments.models import Commitment
from ogplocal.uploads import ASSESSMENT_ANNEX, ASSESSMENT_REPORT, MultipleUploadField, UploadField
from tracker.models import Completion

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
VALUE_LABELS = {
    "transparency": _("Transparency"),
    "participation": _("Civic participation"),
    "accountability": _("Public accountability"),
}


def _text(label: Any, help_text: Any = "", *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AssessmentForm(forms.Form):
    """Files common to every kind; subclasses add the findings and `findings()` reads them."""

    kind: Assessment.Kind

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.add_findings_fields()
        self.fields["report"] = UploadField(profile=ASSESSMENT_REPORT, label=_("Report"))
        self.fields["annexes"] = MultipleUploadField(
            profile=ASSESSMENT_ANNEX,
            max_files=MAX_FILES_PER_ASSESSMENT - 1,
            label=_("Annexes"),
            help_text=_("Up to %(count)d files: PDF, DOCX or ODT, at most 20 MB each.")
            % {"count": MAX_FILES_PER_ASSESSMENT - 1},
        )

    def add_findings_fields(self) -> None:
        raise NotImplementedError

    def findings(self) -> dict[str, Any]:
        raise NotImplementedError

    def findings_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in {"report", "annexes"}]


class InceptionForm(AssessmentForm):
    kind = Assessment.Kind.INCEPTION

    def add_findings_fields(self) -> None:
        requirements = minimum_requirements(
            forum="",
            meetings=(),
            endorsements=(),
            monitoring_body_named=False,
            monitoring_body_endorsed=False,
        )
        self.requirement_codes = [requirement.code for requirement in requirements]
        for requirement in requirements:
            self.fields[f"met_{requirement.code}"] = forms.ChoiceField(
                label=_("%(requirement)s: met?") % {"requirement": requirement.label},
                help_text=requirement.explanation,
                choices=YES_NO,
                widget=forms.RadioSelect,
            )
            self.fields[f"evidence_{requirement.code}"] = _text(
                _("%(requirement)s: evidence") % {"requirement": requirement.label},
                _("What the finding rests on: documents, meetings, interviews."),
            )
        self.commitments = list(
            Commitment.objects.filter(plan=self.plan, withdrawn_on__isnull=True).order_by("ref")
        )
        for commitment in self.commitments:
            self.fields[f"design_{commitment.ref}"] = _text(
                _("Design of “%(title)s”") % {"title": commitment.title},
                _("Is it relevant to the OGP values, verifiable, and potentially transformative?"),
            )

    def findings(self) -> dict[str, Any]:
        data = self.cleaned_data
        found: dict[str, Any] = {
            code: data[f"met_{code}"] == "yes" for code in self.requirement_codes
        }
        found["evidence"] = {code: data[f"evidence_{code}"] for code in self.requirement_codes}
        found["commitment_design"] = {c.ref: data[f"design_{c.ref}"] for c in self.commitments}
        return found


class EndOfCommitmentForm(AssessmentForm):
    kind = Assessment.Kind.END_OF_COMMITMENT

    def add_findings_fields(self) -> None:
        self.fields["completion"] = forms.ChoiceField(
            label=_("Completion level"),
            choices=Completion.choices,
            help_text=_("The scale of OGP's Independent Reporting Mechanism."),
        )
        for value in OGP_VALUES:
            self.fields[f"opened_{value}"] = forms.ChoiceField(
                label=_("Did it open government for %(value)s?")
                % {"value": str(VALUE_LABELS[value]).lower()},
                choices=YES_NO,
                widget=forms.RadioSelect,
            )
            self.fields[f"how_{value}"] = _text(
                _("How, for %(value)s") % {"value": str(VALUE_LABELS[value]).lower()},
                _("What changed in government practice, or why nothing did."),
            )
        self.fields["results"] = _text(_("Results"), _("What the commitment achieved."))

    def findings(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "completion": data["completion"],
            "opened_government": {
                value: {"opened": data[f"opened_{value}"] == "yes", "how": data[f"how_{value}"]}
                for value in OGP_VALUES
            },
            "results": data["results"],
        }


class FinalLearningForm(AssessmentForm):
    kind = Assessment.Kind.FINAL_LEARNING_EXERCISE

    def add_findings_fields(self) -> None:
        self.fields["lessons"] = _text(_("Lessons learned"))
        self.fields["recommendations"] = _text(_("Recommendations"))
        self.fields["adoption_steps"] = _text(
            _("Steps to adopt them"), _("Who should do what, and by when.")
        )

    def findings(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[key] for key in ("lessons", "recommendations", "adoption_steps")
        }


FORMS: dict[str, type[AssessmentForm]] = {
    Assessment.Kind.INCEPTION: InceptionForm,
    Assessment.Kind.END_OF_COMMITMENT: EndOfCommitmentForm,
    Assessment.Kind.FINAL_LEARNING_EXERCISE: FinalLearningForm,
}


class PublishForm(forms.Form):
    """Nothing to fill in: the button confirms the review."""
