"""The production settings, with `bench/floor_urls.py` (the project's URLs plus `/plancher/`). Benchmarks only."""

from cooperer.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
