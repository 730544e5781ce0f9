"""Old links to the trust chapter's steps 7 and 8 keep working after the split (issue 11).

The server answers them with a redirect (``serve.moved_location``; the browser test
tests/browser/test_voila_deciding.py follows one); the trust app, opened some other way, shows a
link (``state.moved_step``). These check the two agree with each other and with the apps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pcn_workbook import serve
from pcn_workbook.apps import state

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_and_the_app_agree_on_what_moved_and_where():
    steps, target = serve.MOVED_STEPS["04_trust.ipynb"]
    assert steps == state.MOVED_STEPS
    assert (ROOT / "notebooks" / target).is_file() and (ROOT / "notebooks" / "04_trust.ipynb").is_file()
    assert set(steps) <= set(state.DECIDING_STEPS) and not set(steps) & set(state.TRUST_STEPS)


@pytest.mark.parametrize("query", [
    "step=decisions", "step=access&p_yes=0.4&pcns=9", "practices=12&step=decisions&workshop=AB12-CD34",
    "step=noise&step=access",  # the apps read the last step
])
def test_links_to_moved_steps_go_to_the_new_chapter_with_the_same_query(query):
    assert serve.moved_location("/voila/render/04_trust.ipynb", query) == \
        f"/voila/render/04b_deciding_together.ipynb?{query}"
    assert state.moved_step(query) in state.MOVED_STEPS


def test_a_server_prefix_is_kept():
    assert serve.moved_location("/pcn/voila/render/04_trust.ipynb", "step=access") == \
        "/pcn/voila/render/04b_deciding_together.ipynb?step=access"


@pytest.mark.parametrize("path, query", [
    ("/voila/render/04_trust.ipynb", ""),
    ("/voila/render/04_trust.ipynb", "step=noise&practices=12"),
    ("/voila/render/04_trust.ipynb", "step=access&step=noise"),
    ("/voila/render/04_trust.ipynb", "step=ACCESS"),
    ("/voila/render/02_autonomy_paradox.ipynb", "step=decisions"),
    ("/voila/tree/04_trust.ipynb", "step=decisions"),
    ("/voila/render/sub/04_trust.ipynb", "step=decisions"),
    ("/voila/render/x04_trust.ipynb", "step=decisions"),
])
def test_everything_else_is_left_alone(path, query):
    assert serve.moved_location(path, query) is None


def test_the_page_handler_redirects_before_voila_sees_the_request():
    class Base:
        async def prepare(self):
            self.reached = True

    class Page(serve.MovedStepRedirect, Base):
        def __init__(self, path, query):
            self.request = type("Request", (), {"path": path, "query": query})()
            self.redirected, self.reached = None, False

        def redirect(self, url, permanent=False):
            self.redirected = (url, permanent)

    import asyncio
    import concurrent.futures

    def run(coroutine_function):
        """On a loop of its own in a thread: this test may share its process with a browser test whose
        Playwright loop is already running here (pytest-xdist puts test files together)."""
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coroutine_function()).result()

    moved = Page("/voila/render/04_trust.ipynb", "step=decisions&meetings=30")
    run(moved.prepare)
    assert moved.redirected == ("/voila/render/04b_deciding_together.ipynb?step=decisions&meetings=30", False)
    assert not moved.reached
    staying = Page("/voila/render/04_trust.ipynb", "step=noise")
    run(staying.prepare)
    assert staying.redirected is None and staying.reached
