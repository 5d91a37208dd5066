"""sitemap.xml: the public pages and every member's page."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from members.models import Jurisdiction
from members.tenancy import Action


class PublicPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return ["home", "directory", "policy_areas", "open_data"]

    def location(self, item: str) -> str:
        return reverse(item)


class MemberPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> Any:
        return Jurisdiction.objects.restrict(None, Action.VIEW).order_by("slug")

    def location(self, item: Jurisdiction) -> str:
        return reverse("member_public", kwargs={"slug": item.slug})


SITEMAPS = {"pages": PublicPagesSitemap, "members": MemberPagesSitemap}
