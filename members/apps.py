from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        from members import signals
        from ogplocal.public_cache import connect_invalidation
        from ogplocal.records import protect_many_to_many_links

        connect_invalidation()
        signals.connect()
        protect_many_to_many_links()
