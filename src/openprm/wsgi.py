"""WSGI entry point; `openprm serve` runs it under granian."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")

application = get_wsgi_application()
