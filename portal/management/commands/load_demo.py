from typing import Any

from django.core.management.base import BaseCommand

from portal.exchange.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo members and one account per role (idempotent; see README.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_demo()
        state = "imported" if counts["imported"] else "already there, statuses re-evaluated"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['jurisdictions']} members ({state}), "
                f"{counts['accounts']} accounts."
            )
        )
