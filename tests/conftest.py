"""Shared test settings."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from instnet.i18n import set_language

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


@pytest.fixture(autouse=True)
def english_by_default():
    """Every test starts in English: the language is process-wide, and a CLI run with
    ``--lang es`` (or a test that sets it) must not leak into the next test."""
    set_language("en")
    yield
    set_language("en")
