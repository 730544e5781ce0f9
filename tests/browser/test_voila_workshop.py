"""Workshop mode end to end, in real Chromium against a real `pcn-workbook serve` and its store.

A facilitator page, a projector page and three participants (each a browser context: its own
cookies and localStorage). They join from the join page and answer in two chapters (scale
placements; story drafts with moderation, then a vote). Results stay off the projector until
revealed; the projector updates by itself; the CSV export matches what was sent; participant
text is shown as text (a page that ran it would set ``window.__pwned``). A second module-level
test kills the server (SIGKILL) and restarts it on the same store and port: every acknowledged
answer is still there and the facilitator's page recovers by itself.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import WAIT_MS
from voila_browser import VoilaServer

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NAME = ".pcn-room-name input"
XSS_NAME = '<img src=x onerror="window.__pwned=1">'
XSS_STORY = ('<img src=x onerror="window.__pwned=2"> **bold** [link](javascript:window.__pwned=3) '
             '<script>window.__pwned=4</script> one shared physiotherapist for four practices')
PLACEMENTS = [  # three participants' placements of three functions (function -> tier)
    {"community_assets": "community", "back_office": "locality", "representation": "borough"},
    {"community_assets": "community", "back_office": "borough", "representation": "borough"},
    {"community_assets": "locality", "back_office": "locality", "representation": "locality"},
]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('store') / 'workshops.sqlite3'}"


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory, store_url):
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with VoilaServer(REPO / "notebooks", preheat=False, log_path=log, env={"PCN_WORKBOOK_DB": store_url}) as server:
        yield server


def new_workshop(server, store_url: str, title: str) -> dict[str, str]:
    """`pcn-workbook workshop new`, as a facilitator runs it; returns its code and links."""
    out = subprocess.run([sys.executable, "-m", "pcn_workbook.cli", "workshop", "new", title, "--db", store_url,
                          "--base-url", server.url.rstrip("/")], capture_output=True, text=True, check=True).stdout
    links = re.findall(r"https?://\S+", out)
    join = next(u for u in links if "/join/" in u)
    facilitator = next(u for u in links if "/facilitator/" in u)
    return {"code": join.rstrip("/").rsplit("/", 1)[1], "join": join, "facilitator": facilitator}


def guard(page) -> None:
    """Fail the test if any participant text ever runs as script on this page."""
    page.add_init_script("Object.defineProperty(window, '__pwned', {set() { document.title = 'PWNED'; "
                         "window.__ran = true; }, get() { return undefined; }});")


def wait_text(page, selector: str, pattern: str) -> str:
    page.wait_for_function("([s, p]) => { const e = document.querySelector(s); return e && new RegExp(p).test(e.textContent); }",
                           arg=[selector, pattern], timeout=WAIT_MS)
    return page.inner_text(selector)


def open_chapter(page, join_link: str, title: str) -> None:
    open_chapters([page], join_link, title)


def open_chapters(pages, join_link: str, title: str) -> None:
    """Every page asks for the chapter before any waits for it, so their kernels start together
    (as a room's do); then each waits for its workshop panel."""
    for page in pages:
        page.goto(join_link)
        page.get_by_role("link", name=title).click(no_wait_after=True)
    for page in pages:
        page.wait_for_selector(NAME, state="visible", timeout=WAIT_MS)


def place(page, placement: dict[str, str]) -> None:
    for function, tier in placement.items():
        page.select_option(f".pcn-match-{function} select", label=tier.capitalize())


def click_send(page, question: str) -> str:
    """Press the question's send button and wait for its own status line to say how it went."""
    sel = f"button.pcn-send-{question.replace('.', '-')}"
    status = page.locator(sel).locator("xpath=following-sibling::*[1]")
    before = status.inner_text()
    page.click(sel)
    page.wait_for_function("([s, b]) => { const t = document.querySelector(s).nextElementSibling.textContent;"
                           " return t !== b && /Sent at|Not sent/.test(t); }", arg=[sel, before], timeout=WAIT_MS)
    return status.inner_text()


def test_a_room_of_three_plays_two_chapters(chromium, voila_server, store_url):
    ws = new_workshop(voila_server, store_url, "Brookfield PCN away day")
    fac = chromium.new_context(viewport={"width": 1300, "height": 900})
    control = fac.new_page()
    guard(control)
    control.goto(ws["facilitator"])
    assert control.url.endswith(f"/facilitator/{ws['code']}/control")  # the key is gone from the address
    wait_text(control, "#pcn-title", "Brookfield PCN away day")
    projector = fac.new_page()
    guard(projector)
    projector.goto(control.url.replace("/control", "/projector"))
    wait_text(projector, "#pcn-title", "Brookfield")

    people = [chromium.new_context(viewport={"width": 1100, "height": 900}) for _ in range(3)]
    pages = [c.new_page() for c in people]
    try:
        for page in pages:
            guard(page)
        # --- chapter 1: scale placements -----------------------------------------------------------
        open_chapters(pages, ws["join"], "What scale for what work?")
        for i, (page, placement) in enumerate(zip(pages, PLACEMENTS)):
            page.fill(NAME, XSS_NAME if i == 0 else f"Participant {i + 1}")
            place(page, placement)
            assert "Sent at" in click_send(page, "scale.placement")

        wait_text(projector, "#q-scale-placement .pcn-note", r"3 answer\(s\) so far.*hidden")
        assert projector.locator("#q-scale-placement img.pcn-chart").count() == 0
        # The control view has the result and the names, as text.
        control.wait_for_selector("#q-scale-placement img.pcn-chart", timeout=WAIT_MS)
        wait_text(control, "#pcn-people", "Participant 3")
        assert XSS_NAME in control.inner_text("#pcn-people")
        assert control.locator("#pcn-people img").count() == 0

        control.click("#q-scale-placement button.pcn-reveal")
        projector.wait_for_selector("#q-scale-placement img.pcn-chart", timeout=WAIT_MS)
        alt = projector.get_attribute("#q-scale-placement img.pcn-chart", "alt")
        assert alt and "3" in alt  # the text alternative speaks of the room's three answers
        assert XSS_NAME not in projector.inner_text("body") and "Participant" not in projector.inner_text("body")

        # A reload puts the participant's name and placement back, from the store.
        pages[1].reload()
        pages[1].wait_for_selector(NAME, state="visible", timeout=WAIT_MS)
        pages[1].wait_for_function("s => document.querySelector(s).value === 'Participant 2'", arg=NAME, timeout=WAIT_MS)
        assert pages[1].eval_on_selector(".pcn-match-back_office select", "s => s.options[s.selectedIndex].text") == "Borough"

        # Closing the question is enforced by the store: a later answer is refused, on screen.
        control.click("#q-scale-placement button.pcn-open")
        wait_text(control, "#q-scale-placement", "Closed")
        place(pages[2], {"back_office": "borough"})
        refused = click_send(pages[2], "scale.placement")
        assert "Not sent" in refused and "closed" in refused.lower()
        assert pages[2].eval_on_selector(".pcn-match-back_office select", "s => s.options[s.selectedIndex].text") == "Borough"

        # --- chapter 2: springboard stories (moderated), then a vote --------------------------------
        open_chapter(pages[0], ws["join"], "Springboard stories")
        pages[0].wait_for_function("s => document.querySelector(s).value !== ''", arg=NAME, timeout=WAIT_MS)
        pages[0].fill(".pcn-field-change textarea", XSS_STORY)
        assert "Sent at" in click_send(pages[0], "stories.draft")
        wait_text(control, "#pcn-pending", "physiotherapist")
        assert XSS_STORY in control.inner_text("#pcn-pending")
        control.click("#q-stories-draft button.pcn-reveal")
        wait_text(projector, "#q-stories-draft", "0 stories approved")
        assert "physiotherapist" not in projector.inner_text("body")  # not before approval
        control.click("#pcn-pending button.pcn-approve")
        wait_text(projector, "#q-stories-draft", "physiotherapist")
        assert "<script>" in projector.inner_text("#q-stories-draft")  # shown as text, not run

        open_chapters(pages[1:], ws["join"], "Springboard stories")
        for page in pages[1:]:
            page.click("button.pcn-room-stories")
            page.wait_for_function("s => document.querySelector(s).options.length && "
                                   "/^<img.src=x/.test(document.querySelector(s).options[0].text)",
                                   arg=".pcn-room-story select", timeout=WAIT_MS)
            assert "Sent at" in click_send(page, "stories.vote")
        control.click("#q-stories-vote button.pcn-reveal")
        projector.wait_for_selector("#q-stories-vote img.pcn-chart", timeout=WAIT_MS)
        assert "2" in projector.get_attribute("#q-stories-vote img.pcn-chart", "alt")

        # --- the export matches what was sent ------------------------------------------------------
        export = fac.request.get(control.url.replace("/control", "/export.csv"))
        assert export.ok
        rows = list(csv.DictReader(io.StringIO(export.text())))
        scale = [json.loads(r["payload"])["placement"] for r in rows if r["question"] == "scale.placement"]
        assert scale == PLACEMENTS  # the refused answer is not there
        assert [r["question"] for r in rows].count("stories.vote") == 2
        draft = next(json.loads(r["payload"]) for r in rows if r["question"] == "stories.draft")
        assert draft["draft"]["change"] == XSS_STORY

        for page in (control, projector, *pages):
            assert page.evaluate("window.__ran === undefined"), "participant text ran as script"
            assert page.title() != "PWNED"
        page_shot = Path(os.environ.get("PCN_SHOTS", "")) if os.environ.get("PCN_SHOTS") else None
        if page_shot:
            control.screenshot(path=str(page_shot / "workshop-control.png"), full_page=True)
            projector.screenshot(path=str(page_shot / "workshop-projector.png"), full_page=True)
            pages[2].screenshot(path=str(page_shot / "workshop-participant.png"), full_page=True)
    finally:
        for context in (*people, fac):
            context.close()


def test_one_pcn_places_itself_on_the_compass_and_the_wall_shows_how_far_apart(chromium, voila_server, store_url):
    """Chapter 01: two partners of one network (PCN A) send opposite placements; the projector
    tags them A1 and A2, never by name, and names the pair furthest apart."""
    ws = new_workshop(voila_server, store_url, "Purpose away day")
    fac = chromium.new_context(viewport={"width": 1300, "height": 900})
    people = [chromium.new_context(viewport={"width": 1100, "height": 900}) for _ in range(2)]
    try:
        control = fac.new_page()
        control.goto(ws["facilitator"])
        projector = fac.new_page()
        projector.goto(control.url.replace("/control", "/projector"))
        pages = [c.new_page() for c in people]
        for page in pages:
            guard(page)
        open_chapters(pages, ws["join"], "What is a PCN for?")
        for i, (page, presses) in enumerate(zip(pages, ("ArrowRight", "ArrowLeft"))):
            page.fill(NAME, f"Partner {i + 1}")
            page.select_option(".pcn-room-role select", "PCN A")
            page.get_by_role("button", name="1 Compass").click()  # the join link opens on the first step
            handle = page.locator(".pcn-inward .noUi-handle")
            handle.wait_for(state="visible", timeout=WAIT_MS)
            for _ in range(3):  # 5 -> 8 and 5 -> 2, by keyboard
                handle.press(presses)
            page.wait_for_function("s => /inward .?8|inward .?2/.test(document.querySelector(s).textContent)",
                                   arg=".pcn-room-now", timeout=WAIT_MS)
            assert "Sent at" in click_send(page, "purpose.compass")

        control.click("#q-purpose-compass button.pcn-reveal")
        projector.wait_for_selector("#q-purpose-compass img.pcn-chart", timeout=WAIT_MS)
        text = wait_text(projector, "#q-purpose-compass .pcn-result-text", "A1 and A2 furthest apart")
        assert "2 views" in text and "(6.0 points" in text  # inward 8 and 2, outward 5 and 5
        assert "Partner" not in projector.inner_text("body")
        assert "furthest apart" in projector.get_attribute("#q-purpose-compass img.pcn-chart", "alt")
    finally:
        for context in (*people, fac):
            context.close()


def test_wrong_key_and_no_cookie_see_nothing(chromium, voila_server, store_url):
    ws = new_workshop(voila_server, store_url, "Locked room")
    context = chromium.new_context()
    try:
        page = context.new_page()
        wrong = page.goto(ws["facilitator"].replace("key=", "key=x"))
        assert wrong.status == 403 and "Locked room" not in page.content()
        for view in ("control", "projector", "state.json", "export.csv"):
            answer = page.goto(f"{voila_server.url}facilitator/{ws['code']}/{view}")
            assert answer.status == 403 and "Locked room" not in page.content(), view
        unknown = page.goto(f"{voila_server.url}join/ZZZZZZ")
        assert unknown.status == 404 and "No workshop has that code" in page.content()
    finally:
        context.close()


def test_sigkill_loses_no_acknowledged_answer_and_the_control_view_recovers(chromium, tmp_path, store_url):
    log = tmp_path / "voila.log"
    first = VoilaServer(REPO / "notebooks", preheat=False, log_path=log, env={"PCN_WORKBOOK_DB": store_url})
    first.__enter__()
    port = first.port
    ws = new_workshop(first, store_url, "Power cut")
    fac, person = chromium.new_context(), chromium.new_context()
    try:
        control = fac.new_page()
        control.goto(ws["facilitator"])
        wait_text(control, "#pcn-title", "Power cut")
        page = person.new_page()
        open_chapter(page, ws["join"], "What scale for what work?")
        page.fill(NAME, "Night shift")
        acknowledged = []
        for tier in ("community", "locality", "borough"):
            place(page, {"representation": tier})
            page.wait_for_timeout(2100)  # the app takes one send each two seconds
            assert "Sent at" in click_send(page, "scale.placement")
            acknowledged.append(tier)
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait()
        control.wait_for_selector("#pcn-connection:not([hidden])", timeout=WAIT_MS)
        second = VoilaServer(REPO / "notebooks", preheat=False, log_path=tmp_path / "voila2.log", port=port,
                             env={"PCN_WORKBOOK_DB": store_url})
        with second:
            control.wait_for_selector("#pcn-connection[hidden]", state="attached", timeout=WAIT_MS)
            wait_text(control, "#q-scale-placement", r"1 answer\(s\)")  # latest answer counts, one person
            export = fac.request.get(control.url.replace("/control", "/export.csv"))
            rows = [json.loads(r["payload"])["placement"]["representation"]
                    for r in csv.DictReader(io.StringIO(export.text())) if r["question"] == "scale.placement"]
            assert rows == acknowledged
    finally:
        fac.close()
        person.close()
        first.__exit__(None, None, None)


def test_two_servers_sharing_postgresql_are_one_room(chromium, tmp_path, postgres_url):
    """The scale-out path: two `serve` processes on different ports, one PostgreSQL store."""
    env = {"PCN_WORKBOOK_DB": postgres_url}
    with VoilaServer(REPO / "notebooks", preheat=False, log_path=tmp_path / "a.log", env=env) as a, \
            VoilaServer(REPO / "notebooks", preheat=False, log_path=tmp_path / "b.log", env=env) as b:
        ws = new_workshop(a, postgres_url, "Two doors")
        people = [chromium.new_context() for _ in range(2)]
        fac = chromium.new_context()
        try:
            for i, (context, server) in enumerate(zip(people, (a, b))):
                page = context.new_page()
                open_chapter(page, ws["join"].replace(a.url, server.url), "What scale for what work?")
                page.fill(NAME, f"Door {i + 1}")
                place(page, PLACEMENTS[i])
                assert "Sent at" in click_send(page, "scale.placement")
            # The facilitator's link works on either server: the cookie is checked against the store.
            control = fac.new_page()
            control.goto(ws["facilitator"].replace(a.url, b.url))
            wait_text(control, "#q-scale-placement", r"2 answer\(s\)")
            wait_text(control, "#pcn-people", "Door 1")
            control.click("#q-scale-placement button.pcn-reveal")
            projector = fac.new_page()
            projector.goto(f"{b.url}facilitator/{ws['code']}/projector")
            projector.wait_for_selector("#q-scale-placement img.pcn-chart", timeout=WAIT_MS)
            on_a = fac.new_page()  # the same room seen through the other server
            on_a.goto(ws["facilitator"])
            wait_text(on_a, "#q-scale-placement", "Shown on the projector")
        finally:
            for context in (*people, fac):
                context.close()


def test_the_new_workshop_form_creates_one_and_its_link_opens_the_control_view(chromium, voila_server):
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(f"{voila_server.url}workshops/new")
        page.fill("#title", "Made in the browser")
        page.click("button[type=submit]")
        link = page.get_attribute("#facilitator-link", "href")
        assert "key=" in link
        page.goto(link)
        wait_text(page, "#pcn-title", "Made in the browser")
        assert "key=" not in page.url
        page.goto(f"{voila_server.url}workshops/new")
        page.fill("#title", "   ")  # only spaces: a clear message, no workshop
        page.click("button[type=submit]")
        assert "was not created" in page.inner_text("body")
    finally:
        context.close()
