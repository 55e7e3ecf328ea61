"""Where the real telephony sample files are: beside the checkout in shared/samples, or where
DATAWARD_SAMPLES_DIR says. Under CI a missing folder fails the run instead of skipping tests."""

from __future__ import annotations

import os
from pathlib import Path

SAMPLES = Path(
    os.environ.get("DATAWARD_SAMPLES_DIR")
    or Path(__file__).resolve().parents[1].parent / "shared" / "samples"
)
