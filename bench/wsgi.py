"""The WSGI application of the benchmark and load runs (ogplocal.settings.bench)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogplocal.settings.bench")

application = get_wsgi_application()
