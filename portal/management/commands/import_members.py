"""`manage.py import_members FILE.json` (docs/exchange.md §5): load members in the exchange
format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.services import command_actor
from ogplocal.exceptions import ActionRefused
from portal.exchange.importing import ExchangeRefused, import_exchange
from portal.exchange.validation import parse_exchange_json


class Command(BaseCommand):
    help = (
        "Import jurisdictions with their history from an ogplocal-exchange/1 JSON file. Records "
        "are matched by their keys, so importing a file again changes nothing; an invalid file "
        "is refused as a whole, naming the JSON path of every error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.json", help="the exchange file ('-': stdin)")
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            help="the Support Unit staff member running the import, recorded as the author of "
            "every change in the history (without it the history names no person; its change "
            "reason names the command and the file either way)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        actor = None
        if options["by"]:
            try:
                actor = command_actor(options["by"])
            except ActionRefused as refused:
                raise CommandError(refused.message) from None
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as problem:
            raise CommandError(f"{name}: cannot read the file: {problem}") from None
        try:
            data = parse_exchange_json(text)
        except ValueError as problem:
            raise CommandError(f"{name}: not JSON: {problem}") from None
        try:
            report = import_exchange(data, actor=actor, reason=f"import_members {name}")
        except ExchangeRefused as refused:
            for line in refused.errors:
                self.stderr.write(line)
            raise CommandError(
                f"{name}: {len(refused.errors)} error(s); nothing was imported."
            ) from None
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        verdict = "imported" if report.changed else "already up to date"
        self.stdout.write(self.style.SUCCESS(f"{name}: {verdict} ({report.summary()})."))
