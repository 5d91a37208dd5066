"""The rows the API tests read and write, in the seeded world (tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from assessments.models import Assessment
from tests.conftest import World
from tests.factories import (
    AssessmentFactory,
    MilestoneFactory,
    TrackerUpdateFactory,
    ready_plan,
)


@dataclass
class Plans:
    """The tenant's draft plan and submitted plan, the other jurisdiction's draft, and what hangs
    off them: a commitment, a milestone and a tracker update of each tenant plan (the draft's
    private, the submitted plan's public), an unpublished and a published assessment."""

    world: World
    draft: Any
    submitted: Any
    other_draft: Any
    draft_commitment: Any
    public_commitment: Any
    draft_update: Any
    public_update: Any
    draft_milestone: Any
    public_milestone: Any
    unpublished: Any
    published: Any


@pytest.fixture
def plans(world: World) -> Plans:
    tenant, other = world.tenant, world.other
    draft = ready_plan(tenant.jurisdiction, ref="draft")
    submitted = ready_plan(tenant.jurisdiction, ref="submitted", submitted_on=date(2026, 5, 20))
    other_draft = ready_plan(other.jurisdiction, ref="other-draft")
    draft_commitment = draft.commitments.earliest("pk")
    public_commitment = submitted.commitments.earliest("pk")
    draft_update = TrackerUpdateFactory(commitment=draft_commitment, submitted_on=None)
    public_update = TrackerUpdateFactory(commitment=public_commitment)
    draft_milestone = MilestoneFactory(commitment=draft_commitment)
    public_milestone = MilestoneFactory(commitment=public_commitment)
    unpublished = AssessmentFactory(plan=submitted, published=False)
    published = AssessmentFactory(
        plan=submitted,
        kind=Assessment.Kind.END_OF_COMMITMENT,
        commitment=public_commitment,
        published=True,
        published_on=date(2026, 9, 1),
    )
    return Plans(
        world,
        draft,
        submitted,
        other_draft,
        draft_commitment,
        public_commitment,
        draft_update,
        public_update,
        draft_milestone,
        public_milestone,
        unpublished,
        published,
    )
