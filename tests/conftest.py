"""Shared test settings."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Shared 2-core machines are noisy: no per-example deadline; CI derandomises so a
# failure is reproducible from the log.
settings.register_profile(
    "instnet",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("CI") == "true",
    print_blob=True,
)
settings.load_profile("instnet")
