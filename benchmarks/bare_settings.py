"""Comity's settings with the benchmark's URLconf (``benchmarks/bare_urls.py``): for ``bench_load.py`` only."""

from comity.config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bare_urls"
