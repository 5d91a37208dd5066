from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from members import signals
        from ogplocal.public_cache import connect_invalidation
        from ogplocal.records import protect_many_to_many_links

        connect_invalidation()
        signals.connect()
        protect_many_to_many_links()
