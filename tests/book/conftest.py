"""One Jupyter Book build shared by every test in tests/book (built once per test session).

The build runs exactly as a person would run it, from the repository root, into the repository's
``_build`` (git-ignored), so the notebook execution cache in ``_build/.jupyter_cache`` makes
repeated test runs fast. ``PCN_BOOK_ROOT`` points the tests at another book root (for example a
scratch copy). A lock file serialises builds when pytest-xdist runs several workers, and the
workers of one run share one build: the first writes what its build returned beside the lock,
and a later worker of the same run (``PYTEST_XDIST_TESTRUNUID``) takes that instead of running
Sphinx again over an unchanged book.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class BookBuild:
    root: Path
    html: Path
    returncode: int
    output: str
    seconds: float


def _jupyter_book() -> str:
    exe = Path(sys.executable).parent / "jupyter-book"
    if not exe.exists():
        pytest.skip(f"jupyter-book is not installed beside {sys.executable}")
    return str(exe)


@pytest.fixture(scope="session")
def book_build() -> BookBuild:
    root = Path(os.environ.get("PCN_BOOK_ROOT", REPO)).resolve()
    build_dir = root / "_build"
    build_dir.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PCN_VEGA_BASE_URL"}
    cmd = [_jupyter_book(), "build", str(root), "--warningiserror", "--keep-going"]
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # the same in every worker of one run
    done = build_dir / ".book-test-result.json"
    with open(build_dir / ".book-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            earlier = json.loads(done.read_text(encoding="utf-8")) if run else {}
        except (OSError, ValueError):
            earlier = {}
        if run and earlier.get("run") == run and earlier.get("root") == str(root):
            return BookBuild(root=root, html=build_dir / "html", returncode=earlier["returncode"],
                             output=earlier["output"], seconds=earlier["seconds"])
        done.unlink(missing_ok=True)
        start = time.perf_counter()
        proc = subprocess.run(
            cmd, cwd=root, env=env, capture_output=True, text=True, timeout=1800, check=False
        )
        seconds = time.perf_counter() - start
        if run:
            done.write_text(json.dumps({"run": run, "root": str(root), "returncode": proc.returncode,
                                        "output": proc.stdout + proc.stderr, "seconds": seconds}),
                            encoding="utf-8")
    return BookBuild(
        root=root,
        html=build_dir / "html",
        returncode=proc.returncode,
        output=proc.stdout + proc.stderr,
        seconds=seconds,
    )


@pytest.fixture(scope="session")
def built_html(book_build: BookBuild) -> Path:
    """The built HTML folder; fails (with the build's log tail) if the build failed."""
    if book_build.returncode != 0:
        pytest.fail(f"book build failed (exit {book_build.returncode}):\n{book_build.output[-6000:]}")
    return book_build.html
