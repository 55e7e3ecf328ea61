"""Where the real telephony sample files are: beside the checkout in shared/samples, or where
DATAWARD_SAMPLES_DIR says. Under CI a missing folder fails the run instead of skipping tests."""

from __future__ import annotations

import os
from pathlib import Path

SAMPLES = Path(
    os.environ.get("DATAWARD_SAMPLES_DIR")
    or Path(__file__).resolve().parents[1].parent / "shared" / "samples"
)


def sample(name: str) -> Path:
    """A sample file by name; the test is skipped (failed under CI) when samples are absent."""
    import pytest

    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample {name} not found under {SAMPLES}")
    return path
