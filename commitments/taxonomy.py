"""The policy-area taxonomy the portal is seeded with (docs/rules.md §2).

The ten Open Gov Challenge areas first, then the other areas OGP tags local commitments with
(data/ogp-local-commitments.csv), and `other`, which always exists.
"""

from typing import Any

from django.utils.translation import gettext_noop

# The names are stored in English (PolicyArea.name, the open data and the exchange format); they
# are marked for the catalogues so pages show them in the reader's language (PolicyArea.label).

CHALLENGE_AREAS: tuple[tuple[str, str], ...] = (
    ("access_to_information", gettext_noop("Access to information")),
    ("civic_space", gettext_noop("Civic space")),
    ("media_freedom", gettext_noop("Media freedom")),
    ("fiscal_openness", gettext_noop("Fiscal openness")),
    ("gender_and_inclusion", gettext_noop("Gender and inclusion")),
    ("public_participation", gettext_noop("Public participation")),
    ("anti_corruption", gettext_noop("Anti-corruption")),
    ("environment_and_climate", gettext_noop("Environment and climate")),
    ("digital_governance", gettext_noop("Digital governance")),
    ("justice", gettext_noop("Justice")),
)

OTHER_AREAS: tuple[tuple[str, str], ...] = (
    ("open_data", gettext_noop("Open data")),
    ("right_to_information", gettext_noop("Right to information")),
    ("open_contracting", gettext_noop("Open contracting")),
    ("public_service_delivery", gettext_noop("Public service delivery")),
    ("water_and_sanitation", gettext_noop("Water and sanitation")),
    ("health", gettext_noop("Health")),
    ("education", gettext_noop("Education")),
    ("youth", gettext_noop("Youth")),
    ("people_with_disabilities", gettext_noop("People with disabilities")),
    ("marginalized_communities", gettext_noop("Marginalized communities")),
    ("social_accountability", gettext_noop("Social accountability")),
    ("regulatory_governance", gettext_noop("Regulatory governance")),
    ("capacity_building", gettext_noop("Capacity building")),
    ("labor", gettext_noop("Labor")),
    ("extractive_industries", gettext_noop("Extractive industries")),
    ("other", gettext_noop("Other")),
)


def seed_policy_areas(policy_area_model: Any = None) -> None:
    """Create the seeded areas that are missing and rename changed ones (idempotent).

    The data migration passes its historical model; `load_demo` calls it with none.
    """
    if policy_area_model is None:
        # The data migration imports this module before the app's models may be imported.
        from commitments.models import PolicyArea

        policy_area_model = PolicyArea
    for areas, challenge in ((CHALLENGE_AREAS, True), (OTHER_AREAS, False)):
        for code, name in areas:
            policy_area_model.objects.update_or_create(
                code=code, defaults={"name": name, "is_challenge_area": challenge}
            )
