"""The layering of DESIGN.md §2, enforced: import-linter contracts and the project's layer check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYER_CHECK = ROOT.parent / "shared" / "tools" / "check_layers.py"


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True,
                            check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_import_crosses_the_layering() -> None:
    if not LAYER_CHECK.exists():
        pytest.skip(f"{LAYER_CHECK} is not beside this checkout")
    result = subprocess.run([sys.executable, str(LAYER_CHECK), str(ROOT)], capture_output=True,
                            text=True, check=False)

    assert result.returncode == 0, result.stdout
