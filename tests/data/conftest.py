"""Fixtures for the dataset tests: throwaway copies of datasets/."""
import shutil
from pathlib import Path

import pytest

from dataset_files import DATASETS


@pytest.fixture
def datasets_copy(tmp_path) -> Path:
    """A private copy of datasets/ that a test may corrupt."""
    copy = tmp_path / "datasets"
    shutil.copytree(DATASETS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy
