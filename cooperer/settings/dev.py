"""Development and demo: no configuration needed, embedded SQLite database in var/."""

from cooperer.settings.base import *  # noqa: F403
from cooperer.settings.base import VAR_DIR
from cooperer.settings.env import env_bool

COOPERER_DEMO = env_bool("COOPERER_DEMO", True)

DEBUG = env_bool("DJANGO_DEBUG", True)
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
