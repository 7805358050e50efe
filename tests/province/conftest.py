"""The sample province (``examples/province/inputs``), run once per module."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from parindex.province.rank import ProvinceResult
from parindex.province.run import ProvinceWritten, run_province
from parindex.province.units import UnitRun

REPO = Path(__file__).resolve().parent.parent.parent
PROVINCE_INPUTS = REPO / "examples" / "province" / "inputs"


def load_build_script() -> ModuleType:
    """``scripts/build_province.py`` as a module (its data are the expectations)."""
    spec = importlib.util.spec_from_file_location(
        "build_province", REPO / "scripts" / "build_province.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_province"] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class ProvinceRun:
    inputs: Path
    outputs: Path
    result: ProvinceResult
    runs: list[UnitRun]
    written: ProvinceWritten


@pytest.fixture(scope="module")
def province_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A writable copy of the sample province."""
    root = tmp_path_factory.mktemp("province")
    shutil.copytree(PROVINCE_INPUTS, root / "inputs")
    yield root


@pytest.fixture(scope="module")
def province_2023(province_copy: Path) -> ProvinceRun:
    """The sample province's 2023 run, in this process (no Prefect)."""
    inputs, outputs = province_copy / "inputs", province_copy / "outputs"
    result, runs, written = run_province(inputs, outputs, 2023, now=time.time())
    return ProvinceRun(inputs, outputs, result, runs, written)


@pytest.fixture(scope="session")
def build_script() -> ModuleType:
    return load_build_script()
