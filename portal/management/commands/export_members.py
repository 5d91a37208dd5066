"""`manage.py export_members [--public] [--jurisdiction SLUG]`: the exchange format of §5."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.models import Jurisdiction
from portal.exchange.exporting import export_exchange


class Command(BaseCommand):
    help = (
        "Print members' history as ogplocal-exchange/1 JSON (jurisdictions sharing a joint plan "
        "with them are included); --public leaves out what is not public."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--public",
            action="store_true",
            help="leave out drafts, requests, overrides' reasons, unpublished assessments and "
            "personal data",
        )
        parser.add_argument("--jurisdiction", metavar="SLUG", help="only this jurisdiction")

    def handle(self, *args: Any, **options: Any) -> None:
        jurisdictions = Jurisdiction.objects.all()
        slug = options["jurisdiction"]
        if slug is not None:
            jurisdictions = jurisdictions.filter(slug=slug)
            if not jurisdictions.exists():
                raise CommandError(f"No jurisdiction has the slug {slug!r}.")
        data = export_exchange(jurisdictions, public=options["public"])
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
