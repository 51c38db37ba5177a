"""Hypothesis runs derandomized by default, so CI is green on any machine and any day: a battery
draws the same examples every run, and what a run finds is pinned with ``@example``. Set
``HYPOTHESIS_PROFILE=explore`` to draw fresh examples (run it to hunt for new cases)."""

import os

from hypothesis import settings

settings.register_profile("derandomized", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "derandomized"))
