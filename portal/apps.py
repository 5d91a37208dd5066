from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The upper layer: the status engine, the exchange, the workspace, the Support Unit's console
    and the public site (docs/architecture.md). Installed for its management commands."""

    name = "portal"
