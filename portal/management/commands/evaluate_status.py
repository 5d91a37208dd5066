"""`manage.py evaluate_status [--as-of YYYY-MM-DD] [--jurisdiction SLUG] [--json] [--save]` (§5)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.models import Jurisdiction
from members.services import command_actor
from ogplocal.exceptions import ActionRefused
from portal.status.evaluation import MemberEvaluation, evaluate_members, save_evaluations


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date written YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Evaluate the member-status rules of docs/rules.md §3 on a date and print each member's "
        "status, since-date, reasons and deadlines; --save stores them and their transitions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="the date to evaluate (default: today in each jurisdiction's time zone)",
        )
        parser.add_argument("--jurisdiction", metavar="SLUG", help="only this jurisdiction")
        parser.add_argument("--json", action="store_true", help="print a JSON array sorted by slug")
        parser.add_argument(
            "--save",
            action="store_true",
            help="store the status and its transitions (only for a date not in the future)",
        )
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            help="with --save: the Support Unit staff member running it, recorded as the author "
            "of each change of status in the history (the change reason names the command)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _as_of(options["as_of"]) if options["as_of"] else None
        jurisdictions = Jurisdiction.objects.all()
        slug = options["jurisdiction"]
        if slug is not None:
            jurisdictions = jurisdictions.filter(slug=slug)
            if not jurisdictions.exists():
                raise CommandError(f"No jurisdiction has the slug {slug!r}.")
        # Without --as-of each member is evaluated on its own today (docs/rules.md §2: every "today"
        # of the rules is taken in the jurisdiction's time zone).
        if options["by"] and not options["save"]:
            raise CommandError("--by names who stores the statuses: it needs --save.")
        if options["save"]:
            try:
                actor = command_actor(options["by"]) if options["by"] else None
                results = save_evaluations(
                    as_of=as_of,
                    jurisdictions=jurisdictions,
                    actor=actor,
                    reason="evaluate_status --save",
                )
            except ActionRefused as refused:
                raise CommandError(f"--save refused: {refused.message}") from None
        else:
            results = evaluate_members(as_of=as_of, jurisdictions=jurisdictions)
        if options["json"]:
            self.stdout.write(json.dumps([item.as_dict() for item in results], indent=2))
        else:
            self.stdout.write(self._table(results))
        if options["save"]:
            changed = sum(item.changed for item in results)
            self.stderr.write(f"Saved {len(results)} member(s); {changed} changed status.")

    @staticmethod
    def _table(results: list[MemberEvaluation]) -> str:
        rows = [("jurisdiction", "status", "since", "reasons", "next deadline")]
        for item in results:
            evaluation = item.evaluation
            # the next deadline still open: due on or after the as-of date and not met
            upcoming = next(
                (
                    d
                    for d in evaluation.deadlines
                    if d.met_on is None and d.due >= item.as_of and d.kind.can_be_met
                ),
                None,
            )
            rows.append(
                (
                    item.slug,
                    str(evaluation.status),
                    evaluation.since.isoformat(),
                    " ".join(str(reason) for reason in evaluation.reasons) or "-",
                    f"{upcoming.kind} {upcoming.due.isoformat()}"
                    + (f" ({upcoming.ref})" if upcoming.ref else "")
                    if upcoming
                    else "-",
                )
            )
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        )
