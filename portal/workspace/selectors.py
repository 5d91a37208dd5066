"""Reads of the jurisdiction workspace (issue 4): what a plan's task list, co-creation steps,
deadlines and "needs your attention" say. Selectors beside the services (docs/architecture.md):
they decide
nothing the rules or the actions decide; they arrange what those say for a page.

Every tenant row is read through `restrict(user, action)`; a fixed number of queries whatever the
number of commitments, so the pages that use them can pin their query counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from action_plans.models import ActionPlan, Endorsement, LetterOfSupport, Meeting
from action_plans.requirements import Requirement, commitment_limit, minimum_requirements
from commitments.changes import change_window_closes
from commitments.models import ChangeProposal, Commitment, Milestone
from members.models import Jurisdiction, Status
from members.rules import DeadlineKind
from members.tenancy import Action, is_support_unit
from ogplocal.dates import parse_quarter
from ogplocal.public_cache import derived
from portal.status.evaluation import evaluation_of
from portal.status.explanations import STATUS_SUMMARIES, explain
from tracker.models import TrackerUpdate

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from members.models import User

    Person = User | AnonymousUser


class Progress(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"

    @property
    def label(self) -> Promise:
        return PROGRESS_LABELS[self]


PROGRESS_LABELS: dict[Progress, Promise] = {
    Progress.NOT_STARTED: _("not started"),
    Progress.IN_PROGRESS: _("in progress"),
    Progress.COMPLETE: _("complete"),
}


@dataclass(frozen=True)
class Task:
    code: str
    label: Promise
    progress: Progress
    detail: str
    url_name: str  # the page that does it, under the plan's URLs


def _progress(done: int, of: int) -> Progress:
    if done <= 0:
        return Progress.NOT_STARTED
    return Progress.COMPLETE if done >= of else Progress.IN_PROGRESS


def plan_for_page(
    user: Person, jurisdiction: Jurisdiction, pk: int, action: Action = Action.VIEW_PRIVATE
) -> QuerySet[ActionPlan]:
    """The plan `pk` of `jurisdiction` as `user` may do `action` on it, with everything the plan
    pages show prefetched (through restricted querysets)."""
    return (
        ActionPlan.objects.restrict(user, action)
        .filter(jurisdictions=jurisdiction, pk=pk)
        .select_related("lead_jurisdiction", "monitoring_body")
        .prefetch_related(*plan_prefetches(user))
    )


def workspace_plans(user: Person, jurisdiction: Jurisdiction) -> list[ActionPlan]:
    """Every plan of `jurisdiction` that `user` may read privately, newest first, with what the
    workspace pages show prefetched (`plan_prefetches`).

    Kept in the cache until any of the portal's data changes (`ogplocal.public_cache.derived`):
    building and running the six restricted querysets was two thirds of the workspace home's time
    at 10,000 members (issue 11). The rows were read through `restrict(user, ...)`, so the key
    names the person, and whether they hold the Support Unit's powers, which depend on what is
    not portal data (the staff flag, TOTP); a change of their memberships is portal data and makes
    the value stale. The caller has already checked that `user` may read the jurisdiction's
    private data.
    """

    def compute() -> list[ActionPlan]:
        return list(
            ActionPlan.objects.restrict(user, Action.VIEW_PRIVATE)
            .filter(jurisdictions=jurisdiction)
            .select_related("lead_jurisdiction", "monitoring_body")
            .prefetch_related(*plan_prefetches(user))
            .order_by("-starts_on")
        )

    key = f"workspace-plans:{jurisdiction.pk}:{user.pk}:{int(is_support_unit(user))}"
    plans: list[ActionPlan] = derived(key, compute)
    return plans


def plan_prefetches(user: Person) -> list[str | Prefetch[Any]]:
    return [
        "jurisdictions",
        Prefetch(
            "meetings",
            queryset=Meeting.objects.restrict(user, Action.VIEW_PRIVATE).order_by("held_on"),
        ),
        Prefetch(
            "endorsements",
            queryset=Endorsement.objects.restrict(user, Action.VIEW_PRIVATE).order_by("name"),
        ),
        Prefetch(
            "letters_of_support",
            queryset=LetterOfSupport.objects.restrict(user, Action.VIEW_PRIVATE).order_by(
                "-uploaded_at"
            ),
        ),
        Prefetch(
            "commitments",
            queryset=Commitment.objects.restrict(user, Action.VIEW_PRIVATE)
            .order_by("ref")
            .prefetch_related(
                "policy_areas",
                Prefetch(
                    "milestones",
                    queryset=Milestone.objects.restrict(user, Action.VIEW_PRIVATE).order_by(
                        "position", "due_on"
                    ),
                ),
                Prefetch(
                    "updates",
                    queryset=TrackerUpdate.objects.restrict(user, Action.VIEW_PRIVATE).order_by(
                        "quarter"
                    ),
                ),
            ),
        ),
    ]


def requirements_of(plan: ActionPlan) -> list[Requirement]:
    """§3.1 minimum requirements of a plan whose meetings and endorsements are prefetched."""
    return minimum_requirements(
        forum=plan.forum,
        meetings=list(plan.meetings.all()),
        endorsements=list(plan.endorsements.all()),
        monitoring_body_named=plan.monitoring_body_id is not None,
        monitoring_body_endorsed=plan.monitoring_body_endorsed_on is not None,
    )


def plan_tasks(plan: ActionPlan) -> list[Task]:
    """Co-creating the plan as a task list (issue 4, item 2), each not started, in progress or
    complete. Reading: a task is complete when what the submission needs of it is there
    (§3.1 minimum requirements); commitments are complete at the handbook's five, or once the
    plan was submitted with its 1 to 5 (12)."""
    meetings = list(plan.meetings.all())
    endorsements = list(plan.endorsements.all())
    commitments = list(plan.commitments.all())
    requirements = {r.code: r for r in requirements_of(plan)}
    strategy_done = sum(
        bool(text.strip())
        for text in (plan.vision, plan.principles, plan.objectives, plan.engagement)
    )
    body = int(plan.monitoring_body_id is not None) + int(
        plan.monitoring_body_endorsed_on is not None
    )
    if not meetings:
        meeting_progress = Progress.NOT_STARTED
    elif requirements["regularity"].met and requirements["multi_stakeholder"].met:
        meeting_progress = Progress.COMPLETE
    else:
        meeting_progress = Progress.IN_PROGRESS
    if not commitments:
        commitment_progress = Progress.NOT_STARTED
    elif plan.submitted_on is not None or len(commitments) >= 5:
        commitment_progress = Progress.COMPLETE
    else:
        commitment_progress = Progress.IN_PROGRESS
    letters = list(plan.letters_of_support.all())
    return [
        Task(
            "strategy",
            _("Local Open Government Strategy"),
            _progress(strategy_done, 4),
            str(_("%(done)d of 4 parts written") % {"done": strategy_done}),
            "plan_edit",
        ),
        Task(
            "forum",
            _("Co-creation forum"),
            Progress.COMPLETE if requirements["forum"].met else Progress.NOT_STARTED,
            str(requirements["forum"].explanation),
            "plan_edit",
        ),
        Task(
            "monitoring_body",
            _("Monitoring body"),
            _progress(body, 2),
            str(
                plan.monitoring_body.name
                if plan.monitoring_body is not None
                else _("No monitoring body named yet")
            ),
            "plan_edit",
        ),
        Task(
            "meetings",
            _("Co-creation meetings"),
            meeting_progress,
            ngettext("%(count)d meeting recorded", "%(count)d meetings recorded", len(meetings))
            % {"count": len(meetings)},
            "plan_meetings",
        ),
        Task(
            "endorsements",
            _("Endorsements"),
            Progress.COMPLETE if requirements["endorsement"].met else Progress.NOT_STARTED,
            ngettext("%(count)d endorser", "%(count)d endorsers", len(endorsements))
            % {"count": len(endorsements)},
            "plan_endorsements",
        ),
        Task(
            "commitments",
            _("Commitments"),
            commitment_progress,
            str(_("%(count)d of the five the handbook expects") % {"count": len(commitments)}),
            "plan_detail",
        ),
        Task(
            "letter_of_support",
            _("Letter of support"),
            Progress.COMPLETE if letters else Progress.NOT_STARTED,
            str(_("Uploaded") if letters else _("Not uploaded yet")),
            "plan_letter",
        ),
    ]


@dataclass(frozen=True)
class Step:
    label: Promise
    progress: Progress
    detail: Promise


def co_creation_steps(plan: ActionPlan) -> list[Step]:
    """The co-creation steps of the OGP Local overview, as the plan's progress.

    Reading (the overview names the steps but records nothing per step): each step is read from
    the facts that show it was taken. Learn: the forum, the space for participation, is described.
    Develop a roadmap: the mechanisms for engaging stakeholders are written. Identify and
    prioritise opportunity areas: the objectives for the period are written and a co-creation
    meeting with non-governmental participants was held. Identify solutions: commitments say what
    will be done. Draft commitments and strategic vision: the long-term vision is written and the
    commitments have milestones. Validate and approve: stakeholders endorsed the plan and the
    monitoring body, and the plan was submitted.
    """
    commitments = list(plan.commitments.all())
    requirements = {r.code: r for r in requirements_of(plan)}
    with_actions = sum(bool(c.actions.strip()) for c in commitments)
    with_milestones = sum(bool(list(c.milestones.all())) for c in commitments)
    validate = (
        int(requirements["endorsement"].met)
        + int(plan.monitoring_body_endorsed_on is not None)
        + int(plan.submitted_on is not None)
    )
    return [
        Step(
            _("Learn"),
            Progress.COMPLETE if plan.forum.strip() else Progress.NOT_STARTED,
            _("The co-creation forum is described."),
        ),
        Step(
            _("Develop a roadmap"),
            Progress.COMPLETE if plan.engagement.strip() else Progress.NOT_STARTED,
            _("The mechanisms for engaging non-governmental stakeholders are written."),
        ),
        Step(
            _("Identify and prioritise opportunity areas"),
            _progress(int(bool(plan.objectives.strip())) + int(requirements["regularity"].met), 2),
            _("Objectives for the period, and a co-creation meeting with stakeholders."),
        ),
        Step(
            _("Identify solutions"),
            _progress(with_actions, len(commitments) or 1),
            _("Each commitment says what will be done."),
        ),
        Step(
            _("Draft commitments and strategic vision"),
            _progress(
                int(bool(plan.vision.strip())) + int(bool(commitments) and with_milestones > 0),
                2,
            ),
            _("The long-term vision, and commitments with milestones."),
        ),
        Step(
            _("Validate and approve"),
            _progress(validate, 3),
            _("Stakeholders endorse the plan and the monitoring body; the POC submits."),
        ),
    ]


# --- Deadlines and status --------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    kind: DeadlineKind
    due: date
    met_on: date | None
    ref: str | None

    @property
    def label(self) -> Promise:
        return self.kind.label

    @property
    def informational(self) -> bool:
        """A date nobody meets (§3.2: met "never"): shown as a date, never as overdue."""
        return not self.kind.can_be_met


@dataclass(frozen=True)
class Reason:
    code: str
    summary: Promise
    what_to_do: Promise


@dataclass
class MemberOverview:
    status: str
    status_summary: Promise
    since: date
    reasons: list[Reason]
    due_next: list[DeadlineRow]
    overdue: list[DeadlineRow]
    deadlines: list[DeadlineRow] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        """The status in words, in the reader's language (the code stays `status`)."""
        return str(Status(self.status).label)


def member_overview(jurisdiction: Jurisdiction, today: date) -> MemberOverview:
    """The member's status on `today` with its reasons in plain words, and its deadlines of §3.2
    split into due next and overdue, as the rules engine computes them (members.rules.evaluate).

    The stored status is a cache of the same function (§3.3 "Determinism"); evaluating here also
    gives the deadlines, in the loader's fixed number of queries.
    """
    evaluation = evaluation_of(jurisdiction.pk, today)
    if evaluation is None:
        raise Jurisdiction.DoesNotExist(jurisdiction.pk)
    rows = [DeadlineRow(d.kind, d.due, d.met_on, d.ref) for d in evaluation.deadlines]
    due_next = [r for r in rows if r.met_on is None and r.due >= today]
    overdue = [r for r in rows if r.met_on is None and r.due < today and not r.informational]
    return MemberOverview(
        status=str(evaluation.status),
        status_summary=STATUS_SUMMARIES[str(evaluation.status)],
        since=evaluation.since,
        reasons=[
            Reason(str(code), explain(str(code)).summary, explain(str(code)).what_to_do)
            for code in evaluation.reasons
        ],
        due_next=due_next[:6],
        overdue=sorted(overdue, key=lambda r: r.due, reverse=True),
        deadlines=rows,
    )


def current_plan(plans: list[ActionPlan], today: date) -> ActionPlan | None:
    """The plan in force today; else the newest draft; else the latest plan."""
    in_force = [
        p for p in plans if p.submitted_on is not None and p.starts_on <= today <= p.ends_on
    ]
    if in_force:
        return max(in_force, key=lambda p: p.starts_on)
    drafts = [p for p in plans if p.submitted_on is None]
    if drafts:
        return max(drafts, key=lambda p: p.created_at)
    return max(plans, key=lambda p: p.starts_on) if plans else None


@dataclass(frozen=True)
class Attention:
    text: str
    url_name: str
    args: tuple[Any, ...]

    @property
    def url(self) -> str:
        return "" if self.url_name == "workspace" else reverse(self.url_name, args=self.args)


def needs_attention(
    *,
    jurisdiction: Jurisdiction,
    plan: ActionPlan | None,
    overview: MemberOverview,
    actions: frozenset[Action],
    user: Person,
    today: date,
) -> list[Attention]:
    """What the person should do next, by what their role lets them do (docs/roles.md §1)."""
    items: list[Attention] = []
    slug = jurisdiction.slug
    can_edit = Action.EDIT in actions
    for reason in overview.reasons:
        items.append(Attention(f"{reason.summary} {reason.what_to_do}", "workspace", (slug,)))
    if plan is None:
        if can_edit:
            items.append(Attention(str(_("Start your action plan.")), "plan_create", (slug,)))
        return items
    args = (slug, plan.pk)
    if plan.submitted_on is None:
        missing = [r for r in requirements_of(plan) if not r.met]
        if can_edit and missing:
            items.append(
                Attention(
                    str(_("The plan still misses: %(list)s."))
                    % {"list": ", ".join(str(r.label) for r in missing)},
                    "plan_submit",
                    args,
                )
            )
        elif Action.SUBMIT in actions:
            items.append(
                Attention(
                    str(_("The plan meets every requirement: submit it.")), "plan_submit", args
                )
            )
        if Action.ENDORSE in actions and not any(
            e.user_id == getattr(user, "pk", None) for e in plan.endorsements.all()
        ):
            items.append(
                Attention(str(_("Read the draft plan and endorse it.")), "plan_endorsements", args)
            )
        return items
    if can_edit:
        for row in overview.due_next:
            if row.kind == DeadlineKind.TRACKER_UPDATE and row.ref:
                quarter = parse_quarter(row.ref)
                if quarter.starts_on <= today:
                    items.append(
                        Attention(
                            str(_("File the tracker update for %(quarter)s by %(due)s."))
                            % {"quarter": row.ref, "due": date_format(row.due, "DATE_FORMAT")},
                            "tracker_quarter",
                            (*args, row.ref),
                        )
                    )
        withdrawals = [
            c for c in plan.commitments.all() if c.withdrawal_reason and not c.withdrawn_on
        ]
        for commitment in withdrawals:
            items.append(
                Attention(
                    str(_("The withdrawal of “%(title)s” waits for the Support Unit."))
                    % {"title": commitment.title},
                    "commitment_detail",
                    (*args, commitment.pk),
                )
            )
    if Action.ENDORSE in actions:
        items.extend(_proposals_to_decide(slug, plan, user, today))
    return items


def _proposals_to_decide(slug: str, plan: ActionPlan, user: Person, today: date) -> list[Attention]:
    """A stakeholder's pending change proposals of the plan that can still be approved."""
    proposals = (
        ChangeProposal.objects.restrict(user, Action.ENDORSE)
        .filter(commitment__plan=plan, state=ChangeProposal.State.PENDING)
        .select_related("commitment")
        .order_by("proposed_on", "pk")
    )
    items = []
    for proposal in proposals:
        closes = change_window_closes(proposal.commitment, plan)
        if closes is not None and today > closes:
            continue
        items.append(
            Attention(
                str(_("A change of “%(title)s” waits for your approval."))
                % {"title": proposal.commitment.title},
                "commitment_detail",
                (slug, plan.pk, proposal.commitment_id),
            )
        )
    return items


def joint_limit(plan: ActionPlan) -> int:
    return commitment_limit(joint=len(plan.jurisdictions.all()) > 1)


def latest_update(commitment: Commitment) -> TrackerUpdate | None:
    """The commitment's latest update (its updates prefetched in quarter order)."""
    updates = list(commitment.updates.all())
    return updates[-1] if updates else None
