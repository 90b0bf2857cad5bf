"""Settings for the test suite: the real settings with fast, quiet, inline choices.

DATABASE_URL still decides the database, so CI runs the same suite on SQLite and on
PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("OPENPRM_VAR_DIR", tempfile.mkdtemp(prefix="openprm-test-"))
os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("TASKS_BACKEND", "immediate")

from openprm.settings import *  # noqa: F403

# Hashing cost is not what the tests are about.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Static files straight from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405
