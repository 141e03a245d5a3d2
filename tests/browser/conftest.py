"""The `served` fixture: a running `balancecoach serve`, always stopped afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_support import Served, serving


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    if os.name == "nt":
        pytest.skip("stops the server with SIGINT, which Windows does not send")
    with serving(tmp_path) as server:
        yield server
