from typing import Any

from django.core.management.base import BaseCommand

from members.demo import load_demo_accounts


class Command(BaseCommand):
    help = "Load the demo jurisdictions and one account per role (idempotent; see README.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_demo_accounts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['jurisdictions']} jurisdictions, "
                f"{counts['accounts']} accounts."
            )
        )
