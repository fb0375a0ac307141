"""Settings for the command-line tools that work on files alone (`riskgate triage`, and `riskgate screen`, which
needs no Django at all): they run in a fresh shell, without a server's configuration. Nothing is signed, stored
or sent, so a key made up for the process is enough, and the database is an empty one in memory: a tool that
reached for it would fail loudly instead of touching the server's data."""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from riskgate.settings import *  # noqa: E402, F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
