"""English dates as the portal has always written them (10 July 2026, 10 Jul 2026): the other
languages take Django's own formats (es: 10 de julio de 2026, 10/07/2026)."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
