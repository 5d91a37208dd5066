"""The WSGI application gunicorn serves (Dockerfile, docker-compose.yml)."""

import os

from django.core.wsgi import get_wsgi_application

from ogplocal.startup import freeze_loaded_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogplocal.settings.production")

application = get_wsgi_application()
freeze_loaded_objects()
