"""The WSGI application of the benchmark and load runs (ogplocal.settings.bench), loaded as
ogplocal/wsgi.py loads the portal's."""

import os

from django.core.wsgi import get_wsgi_application

from ogplocal.startup import freeze_loaded_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogplocal.settings.bench")

application = get_wsgi_application()
freeze_loaded_objects()
