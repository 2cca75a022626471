"""What the pytest benchmarks share: the real reports of ../shared/data, or a clean skip."""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture(scope="session")
def shared_data():
    """The folder of real reports; the benchmark is skipped where it is absent (a user's clone)."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is absent")
    return data
