"""The policy-area taxonomy the portal is seeded with (DESIGN.md §2).

The ten Open Gov Challenge areas first, then the other areas OGP tags local commitments with
(../shared/data/ogp-local-commitments.csv), and `other`, which always exists.
"""

from typing import Any

CHALLENGE_AREAS: tuple[tuple[str, str], ...] = (
    ("access_to_information", "Access to information"),
    ("civic_space", "Civic space"),
    ("media_freedom", "Media freedom"),
    ("fiscal_openness", "Fiscal openness"),
    ("gender_and_inclusion", "Gender and inclusion"),
    ("public_participation", "Public participation"),
    ("anti_corruption", "Anti-corruption"),
    ("environment_and_climate", "Environment and climate"),
    ("digital_governance", "Digital governance"),
    ("justice", "Justice"),
)

OTHER_AREAS: tuple[tuple[str, str], ...] = (
    ("open_data", "Open data"),
    ("right_to_information", "Right to information"),
    ("open_contracting", "Open contracting"),
    ("public_service_delivery", "Public service delivery"),
    ("water_and_sanitation", "Water and sanitation"),
    ("health", "Health"),
    ("education", "Education"),
    ("youth", "Youth"),
    ("people_with_disabilities", "People with disabilities"),
    ("marginalized_communities", "Marginalized communities"),
    ("social_accountability", "Social accountability"),
    ("regulatory_governance", "Regulatory governance"),
    ("capacity_building", "Capacity building"),
    ("labor", "Labor"),
    ("extractive_industries", "Extractive industries"),
    ("other", "Other"),
)


def seed_policy_areas(policy_area_model: Any = None) -> None:
    """Create the seeded areas that are missing and rename changed ones (idempotent).

    The data migration passes its historical model; `load_demo` calls it with none.
    """
    if policy_area_model is None:
        from commitments.models import PolicyArea

        policy_area_model = PolicyArea
    for areas, challenge in ((CHALLENGE_AREAS, True), (OTHER_AREAS, False)):
        for code, name in areas:
            policy_area_model.objects.update_or_create(
                code=code, defaults={"name": name, "is_challenge_area": challenge}
            )
