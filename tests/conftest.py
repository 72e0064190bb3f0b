"""Shared fixtures: a seeded generator, and a headless matplotlib backend."""
import os

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng():
    """A generator seeded per test, so failures reproduce."""
    return np.random.default_rng(12345)
