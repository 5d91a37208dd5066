from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        # These modules define or import models, which Django allows only once every app's config
        # is loaded: ready() is where its documentation connects signals.
        from members import signals  # models: see above
        from ogplocal.public_cache import connect_invalidation  # models: see above
        from ogplocal.records import protect_many_to_many_links  # models: see above

        connect_invalidation()
        signals.connect()
        protect_many_to_many_links()
