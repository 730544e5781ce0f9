"""The workshop store's behaviour, on SQLite and PostgreSQL alike (the ``store`` fixture)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from pcn_workbook.workshop import store as ws
from pcn_workbook.workshop.store import Closed, NotFound, Refused

Q = "trust.rounds"


def uid() -> str:
    return uuid.uuid4().hex


def rows(store, table) -> list:
    with store._engine.connect() as conn:
        return conn.execute(select(table)).all()


def count(store, table, **where) -> int:
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with store._engine.connect() as conn:
        return conn.execute(query).scalar_one()


# --- workshops ---------------------------------------------------------------------------------
def test_create_list_close(store):
    first = store.create_workshop("  Morning   session ", {"04_trust": "?rounds=10"})
    second = store.create_workshop("Afternoon")
    w = first.workshop
    assert w.title == "Morning session"
    assert len(w.code) == 6 and set(w.code) <= set(ws.CODE_ALPHABET)
    assert not set(w.code) & set("0O1IL")
    assert w.presets == {"04_trust": "rounds=10"}
    assert w.created_at.tzinfo is UTC and w.closed_at is None and not w.is_closed
    assert store.workshop(w.code.lower()) == w

    listed = [x.code for x in store.workshops()]
    assert listed.index(second.workshop.code) < listed.index(w.code)  # newest first

    store.close_workshop(f" {w.code.lower()} ")
    closed = store.workshop(w.code)
    assert closed.is_closed and closed.closed_at.tzinfo is UTC
    store.close_workshop(w.code)  # closing again changes nothing
    assert store.workshop(w.code).closed_at == closed.closed_at
    assert not store.workshop(second.workshop.code).is_closed


def test_workshop_unknown_code(store):
    with pytest.raises(NotFound, match="no workshop with the code"):
        store.workshop("ZZZZZZ")
    with pytest.raises(NotFound, match="not a workshop code"):
        store.workshop("DROP TABLE")


@pytest.mark.parametrize("title", ["", "   ", "\n\t", "x" * 121, None, 7])
def test_create_refuses_bad_titles(store, title):
    with pytest.raises(Refused):
        store.create_workshop(title)


def test_presets(store, workshop):
    code = workshop.workshop.code
    store.set_preset(code, "02_autonomy_paradox", "a=1&b=2")
    store.set_preset(code, "02_autonomy_paradox", "a=3")
    store.set_preset(code, "03_scale_choices", "?n=5")
    assert store.workshop(code).presets == {"02_autonomy_paradox": "a=3", "03_scale_choices": "n=5"}
    store.set_preset(code, "03_scale_choices", "")
    assert store.workshop(code).presets == {"02_autonomy_paradox": "a=3"}
    with pytest.raises(Refused, match="at most 2000"):
        store.set_preset(code, "04_trust", "x" * 2001)
    with pytest.raises(Refused, match="chapter"):
        store.set_preset(code, "../etc", "a=1")
    with pytest.raises(Refused):
        store.create_workshop("T", {"04_trust": 5})


# --- facilitator key and cookie ----------------------------------------------------------------
def test_key_check(store, workshop):
    code, key = workshop.workshop.code, workshop.key
    assert len(key) >= 32
    assert store.check_key(code, key)
    assert store.check_key(code.lower(), f" {key}\n")
    assert not store.check_key(code, key[:-1] + ("A" if key[-1] != "A" else "B"))
    other = store.create_workshop("Other")
    assert not store.check_key(other.workshop.code, key)  # one workshop's key opens only it
    for code_, key_ in [("ZZZZZZ", key), ("junk!!", key), (None, key), (code, ""), (code, None),
                        (code, 12), (code, "x" * 10_000), (code, "\ud800")]:
        assert store.check_key(code_, key_) is False


def test_stored_hash_is_not_the_key(store, workshop):
    (row,) = [r for r in rows(store, ws.workshops_t) if r.code == workshop.workshop.code]
    key = workshop.key
    assert key not in row.key_hash and key not in row.key_salt
    assert row.key_hash != hashlib.sha256(key.encode()).hexdigest()
    salt = bytes.fromhex(row.key_salt)
    assert len(salt) == 16
    expected = hashlib.scrypt(key.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    assert row.key_hash == expected.hex()
    again = store.create_workshop("Twin")
    (twin,) = [r for r in rows(store, ws.workshops_t) if r.code == again.workshop.code]
    assert twin.key_salt != row.key_salt  # salted per workshop


def test_facilitator_cookie(store, workshop):
    code = workshop.workshop.code
    cookie = store.facilitator_cookie(code)
    assert workshop.key not in cookie
    assert store.check_cookie(code, cookie)
    assert store.check_cookie(code.lower(), cookie)
    # a second process (another Store object) verifies it with no shared memory
    assert ws.Store(store._parsed.render_as_string(hide_password=False)).check_cookie(code, cookie)
    other = store.create_workshop("Other").workshop.code
    assert not store.check_cookie(other, cookie)
    for value in ["", cookie[:-1], cookie.upper(), None, 5, "é" * 64, cookie + "0"]:
        assert store.check_cookie(code, value) is False
    assert store.check_cookie("ZZZZZZ", cookie) is False
    assert store.check_cookie("not a code", cookie) is False
    with pytest.raises(NotFound):
        store.facilitator_cookie("ZZZZZZ")


# --- joining -----------------------------------------------------------------------------------
def test_join_new_and_returning(store, workshop):
    code = workshop.workshop.code
    ann, secret = store.join(code, None, "  Ann\x00 \u202eSmith\n", "Practice manager")
    assert ann.name == "Ann Smith" and ann.role == "Practice manager"
    assert ann.joined_at.tzinfo is UTC
    assert len(secret) >= 32
    again, same = store.join(code, secret, "Annie", "GP")
    assert (again.id, same) == (ann.id, secret)
    assert (again.name, again.role) == ("Annie", "GP")
    assert store.participant(code, secret) == again
    stranger, fresh = store.join(code, "an-unknown-secret-of-the-right-form", "Bob")
    assert stranger.id != ann.id and fresh != "an-unknown-secret-of-the-right-form"
    assert store.join(code, "short", "Cy")[1] != "short"
    assert [p.id for p in store.participants(code)] == [ann.id, stranger.id, stranger.id + 1]
    assert store.participant(code, "an-unknown-secret-of-the-right-form") is None
    assert store.participant(code, None) is None
    stored = {r.secret_hash for r in rows(store, ws.participants_t)}
    assert secret not in stored and hashlib.sha256(secret.encode()).hexdigest() in stored


@pytest.mark.parametrize(
    "name, role",
    [("", ""), ("\n\x07", ""), ("x" * 41, ""), ("Ann", "r" * 61), (None, ""), ("A", 5)],
)
def test_join_refuses_bad_names(store, workshop, name, role):
    with pytest.raises(Refused):
        store.join(workshop.workshop.code, None, name, role)


def test_join_closed_workshop(store, workshop, person):
    code = workshop.workshop.code
    store.close_workshop(code)
    with pytest.raises(Closed):
        store.join(code, None, "Late")
    with pytest.raises(Closed):
        store.join(code, person[1], "Ann again")
    with pytest.raises(NotFound):
        store.join("ZZZZZZ", None, "Ann")


# --- submitting --------------------------------------------------------------------------------
def test_submit_and_idempotent_retry(store, workshop, person):
    code = workshop.workshop.code
    ann, secret = person
    key = uid()
    first = store.submit(code, secret, Q, {"cooperate": True, "n": 3}, key)
    assert (first.question, first.participant_id) == (Q, ann.id)
    assert (first.name, first.role) == ("Ann", "GP")
    assert first.payload == {"cooperate": True, "n": 3} and first.status == "shown"
    assert first.uid == key and first.created_at.tzinfo is UTC
    again = store.submit(code, secret, Q, {"cooperate": False}, key)  # a retry: the first stands
    assert again == first
    assert count(store, ws.submissions_t, uid=key) == 1
    store.close_workshop(code)
    assert store.submit(code, secret, Q, {"cooperate": True, "n": 3}, key) == first  # still a retry
    with pytest.raises(Refused, match="already used"):
        store.submit(code, secret, "trust.other", {}, key)


def test_closed_workshop_refuses_answers(store, workshop, person):
    code = workshop.workshop.code
    store.close_workshop(code)
    with pytest.raises(Closed, match="closed"):
        store.submit(code, person[1], Q, {"a": 1}, uid())
    assert count(store, ws.submissions_t, workshop_id=workshop.workshop.id) == 0


def test_closed_question_refuses_answers(store, workshop, person):
    code = workshop.workshop.code
    state = store.set_question(code, Q, is_open=False)
    assert not state.is_open
    with pytest.raises(Closed, match="question is closed"):
        store.submit(code, person[1], Q, {"a": 1}, uid())
    store.submit(code, person[1], "trust.other", {"a": 1}, uid())  # other questions stay open
    store.set_question(code, Q, is_open=True)
    store.submit(code, person[1], Q, {"a": 2}, uid())
    assert [a.payload for a in store.answers(code, Q)] == [{"a": 2}]


def test_submit_needs_a_participant(store, workshop):
    with pytest.raises(Refused, match="Join the workshop first"):
        store.submit(workshop.workshop.code, "an-unknown-secret-of-the-right-form", Q, {}, uid())
    with pytest.raises(Refused, match="Join"):
        store.submit(workshop.workshop.code, None, Q, {}, uid())


class Weird:
    pass


def nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = {"x": value}
    return value


@pytest.mark.parametrize(
    "payload",
    [
        None, [], "text", 5,
        {"x": float("nan")}, {"x": float("inf")}, {"x": Weird()}, {"x": {1, 2}}, {"x": (1, 2)},
        {1: "int key"}, {"x": b"bytes"}, {"x": "\ud800"}, nested(5000),
        {"x": "y" * (16 * 1024)}, {"x": "é" * 8200},
    ],
)
def test_refuses_bad_payloads(store, workshop, person, payload):
    with pytest.raises(Refused):
        store.submit(workshop.workshop.code, person[1], Q, payload, uid())
    assert count(store, ws.submissions_t, workshop_id=workshop.workshop.id) == 0


def test_accepts_payload_at_the_limit(store, workshop, person):
    filler = "y" * (16 * 1024 - len('{"x":""}'))
    sent = store.submit(workshop.workshop.code, person[1], Q, {"x": filler}, uid())
    assert sent.payload["x"] == filler


@pytest.mark.parametrize(
    "question", ["trust", "Trust.rounds", "trust.rounds.x", "trust.round1", ".x", "x.", "a b.c",
                 "trust.rounds\n", "", None, "a." + "b" * 80]
)
def test_refuses_bad_question_names(store, workshop, person, question):
    with pytest.raises(Refused, match="question name"):
        store.submit(workshop.workshop.code, person[1], question, {}, uid())


@pytest.mark.parametrize("key", ["short", "x" * 65, "has space!", "ü" * 10, None, 12345678])
def test_refuses_bad_uids(store, workshop, person, key):
    with pytest.raises(Refused, match="id of 8 to 64"):
        store.submit(workshop.workshop.code, person[1], Q, {}, key)


def test_rate_limit(store, workshop, person):
    code, secret = workshop.workshop.code, person[1]
    keys = [uid() for _ in range(ws.RATE_LIMIT)]
    for key in keys:
        store.submit(code, secret, Q, {"a": 1}, key)
    with pytest.raises(Refused, match="a lot of answers"):
        store.submit(code, secret, Q, {"a": 1}, uid())
    store.submit(code, secret, Q, {"a": 1}, keys[0])  # a retry is no new answer
    other = store.join(code, None, "Bob")[1]  # the limit is per participant
    store.submit(code, other, Q, {"a": 1}, uid())
    assert count(store, ws.submissions_t, workshop_id=workshop.workshop.id) == ws.RATE_LIMIT + 1


def test_last_submission(store, workshop, person):
    code, secret = workshop.workshop.code, person[1]
    assert store.last_submission(code, secret, Q) is None
    store.submit(code, secret, Q, {"v": 1}, uid())
    second = store.submit(code, secret, Q, {"v": 2}, uid(), moderated=True)
    store.submit(code, secret, "trust.other", {"v": 3}, uid())
    assert store.last_submission(code, secret, Q) == second
    store.moderate(code, second.id, "rejected")
    assert store.last_submission(code, secret, Q).status == "rejected"
    assert store.last_submission(code, "an-unknown-secret-of-the-right-form", Q) is None


# --- counting ----------------------------------------------------------------------------------
def answered(store, code, question=Q, **kw):
    return [(a.name, a.payload["v"]) for a in store.answers(code, question, **kw)]


def test_latest_and_first(store, workshop):
    code = workshop.workshop.code
    ann = store.join(code, None, "Ann", "GP")[1]
    bob = store.join(code, None, "Bob", "Nurse")[1]
    for secret, value in [(ann, 1), (bob, 10), (ann, 2), (bob, 20), (ann, 3)]:
        store.submit(code, secret, Q, {"v": value}, uid())
    assert store.question(code, Q).mode == "latest"
    assert answered(store, code) == [("Bob", 20), ("Ann", 3)]  # by id of the counted row
    assert store.set_question(code, Q, mode="first").mode == "first"
    assert answered(store, code) == [("Ann", 1), ("Bob", 10)]
    with pytest.raises(Refused, match="mode"):
        store.set_question(code, Q, mode="median")


def test_question_state(store, workshop, person):
    code = workshop.workshop.code
    assert store.question(code, Q) == ws.Question(Q, True, False, "latest", 0)
    assert store.questions(code) == []
    store.submit(code, person[1], "trust.answered", {"v": 1}, uid())
    shown = store.set_question(code, Q, revealed=True)
    assert shown == ws.Question(Q, True, True, "latest", 0)
    assert store.set_question(code, Q, is_open=False) == ws.Question(Q, False, True, "latest", 0)
    assert store.question(code, Q) == ws.Question(Q, False, True, "latest", 0)
    assert [q.question for q in store.questions(code)] == ["trust.answered", Q]
    with pytest.raises(Refused):
        store.set_question(code, Q, is_open="yes")


def test_reset(store, workshop):
    code = workshop.workshop.code
    ann = store.join(code, None, "Ann")[1]
    bob = store.join(code, None, "Bob")[1]
    store.submit(code, ann, Q, {"v": 1}, uid())
    last = store.submit(code, bob, Q, {"v": 2}, uid())
    other = store.submit(code, ann, "trust.other", {"v": 9}, uid())
    state = store.reset_question(code, Q)
    assert state.reset_after == last.id
    assert store.answers(code, Q) == []
    assert answered(store, code, "trust.other") == [("Ann", 9)]  # other questions untouched
    store.submit(code, bob, Q, {"v": 3}, uid())
    assert answered(store, code) == [("Bob", 3)]
    assert store.submitted_by(code) == {
        store.participant(code, ann).id: {"trust.other"},
        store.participant(code, bob).id: {Q},
    }
    assert len(store.export_rows(code)) == 4  # the earlier rows stay stored (append-only)
    assert other.id > state.reset_after  # only its own question's rows set the mark


def test_moderation(store, workshop):
    code = workshop.workshop.code
    ann = store.join(code, None, "Ann")[1]
    bob = store.join(code, None, "Bob")[1]
    cy = store.join(code, None, "Cy")[1]
    a = store.submit(code, ann, Q, {"v": "hello"}, uid(), moderated=True)
    b = store.submit(code, bob, Q, {"v": "rude"}, uid(), moderated=True)
    c = store.submit(code, cy, Q, {"v": "plain"}, uid())
    assert (a.status, b.status, c.status) == ("pending", "pending", "shown")
    assert [s.id for s in store.pending(code)] == [a.id, b.id]
    assert [(s.id, s.status) for s in store.answers(code, Q)] == [
        (a.id, "pending"), (b.id, "pending"), (c.id, "shown")
    ]
    store.moderate(code, a.id, "approved")
    store.moderate(code, b.id, "rejected")
    assert store.pending(code) == []
    assert [(s.id, s.status) for s in store.answers(code, Q)] == [
        (a.id, "approved"), (c.id, "shown")
    ]
    store.moderate(code, b.id, "approved")  # the latest decision wins
    assert [s.id for s in store.answers(code, Q)] == [a.id, b.id, c.id]
    store.moderate(code, c.id, "rejected")  # an unmoderated row can still be taken down
    assert [s.id for s in store.answers(code, Q)] == [a.id, b.id]
    with pytest.raises(Refused):
        store.moderate(code, a.id, "shown")
    other = store.create_workshop("Other").workshop.code
    with pytest.raises(NotFound):
        store.moderate(other, a.id, "rejected")  # only rows of that workshop
    with pytest.raises(NotFound):
        store.moderate(code, 10**9, "rejected")
    assert store.answers(code, Q)[0].status == "approved"


def test_rejected_latest_falls_back(store, workshop, person):
    code, secret = workshop.workshop.code, person[1]
    store.submit(code, secret, Q, {"v": 1}, uid())
    second = store.submit(code, secret, Q, {"v": 2}, uid(), moderated=True)
    store.moderate(code, second.id, "rejected")
    assert answered(store, code) == [("Ann", 1)]


def test_role_filter(store, workshop):
    code = workshop.workshop.code
    ann = store.join(code, None, "Ann", "GP")[1]
    bob = store.join(code, None, "Bob", "Nurse")[1]
    store.submit(code, ann, Q, {"v": 1}, uid())
    store.submit(code, bob, Q, {"v": 2}, uid())
    assert answered(store, code, role="GP") == [("Ann", 1)]
    assert answered(store, code, role="Nurse") == [("Bob", 2)]
    assert answered(store, code, role="Manager") == []
    store.join(code, ann, "Ann", "Nurse")  # later answers carry the new role
    store.submit(code, ann, Q, {"v": 3}, uid())
    assert answered(store, code, role="Nurse") == [("Bob", 2), ("Ann", 3)]


def test_workshops_are_isolated(store):
    a = store.create_workshop("A").workshop.code
    b = store.create_workshop("B").workshop.code
    ann_a = store.join(a, None, "Ann")[1]
    bob_b = store.join(b, None, "Bob")[1]
    with pytest.raises(Refused, match="Join"):
        store.submit(b, ann_a, Q, {"v": 1}, uid())
    assert store.participant(b, ann_a) is None
    # the same secret presented to B joins B as someone new
    newcomer, secret = store.join(b, ann_a, "Ann")
    assert secret != ann_a
    key = uid()
    store.submit(a, ann_a, Q, {"v": 1}, key)
    store.submit(b, bob_b, Q, {"v": 2}, key)  # uids are per workshop
    store.submit(b, secret, Q, {"v": 3}, uid())
    assert answered(store, a) == [("Ann", 1)]
    assert answered(store, b) == [("Bob", 2), ("Ann", 3)]
    assert [p.name for p in store.participants(a)] == ["Ann"]
    assert {r["payload"] for r in store.export_rows(a)} == {'{"v": 1}'}
    store.close_workshop(a)
    store.submit(b, bob_b, Q, {"v": 4}, uid())
    assert {q.question for q in store.questions(a)} == {Q}
    store.set_question(b, Q, revealed=True)
    assert not store.question(a, Q).revealed


def test_revision_moves_on_every_write(store, workshop):
    code = workshop.workshop.code
    seen = [store.revision(code)]

    def moved():
        now = store.revision(code)
        assert now != seen[-1] and now > seen[-1]
        seen.append(now)

    assert store.revision(code) == seen[-1]  # reading changes nothing
    ann, secret = store.join(code, None, "Ann")
    moved()
    store.join(code, secret, "Ann")  # nothing changed
    assert store.revision(code) == seen[-1]
    store.join(code, secret, "Annie")
    moved()
    first = store.submit(code, secret, Q, {"v": 1}, uid(), moderated=True)
    moved()
    store.submit(code, secret, Q, {"v": 1}, first.uid)  # a retry adds nothing
    assert store.revision(code) == seen[-1]
    for write in [
        lambda: store.set_question(code, Q, revealed=True),
        lambda: store.reset_question(code, Q),
        lambda: store.moderate(code, first.id, "approved"),
        lambda: store.set_preset(code, "04_trust", "a=1"),
        lambda: store.close_workshop(code),
    ]:
        write()
        moved()
    other = store.create_workshop("Other").workshop.code
    store.join(other, None, "Zed")
    assert store.revision(code) == seen[-1]  # another workshop's writes do not count


def test_revision_reads_indexes(tmp_path):
    """Every table the poller reads is searched through an index (never a full scan); checked
    with SQLite's EXPLAIN QUERY PLAN (PostgreSQL's planner scans tiny tables whatever the index)."""
    from sqlalchemy import event

    store = ws.open_store(f"sqlite:///{tmp_path / 'plan.sqlite3'}")
    workshop = store.create_workshop("Plans")

    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(store._engine, "before_cursor_execute", capture)
    try:
        store.revision(workshop.workshop.code)
    finally:
        event.remove(store._engine, "before_cursor_execute", capture)
    plans = []
    with store._engine.connect() as conn:
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith("SELECT"):
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                plans.extend(row[-1] for row in plan)
    assert plans
    for line in plans:
        if line.startswith("SCAN") and line != "SCAN CONSTANT ROW":
            assert "INDEX" in line, plans  # SCAN ... USING (COVERING) INDEX is fine
    assert any("ix_submissions_workshop_id_id" in p for p in plans), plans
    assert any("ix_participants_workshop_id_id" in p for p in plans), plans
    assert any("ix_actions_workshop_id_id" in p for p in plans), plans
    store.close()


# --- export ------------------------------------------------------------------------------------
def test_export_csv_round_trip(store, workshop):
    code = workshop.workshop.code
    tricky = store.join(code, None, "=HYPERLINK(\"x\")", "+44 GP")[1]
    plain = store.join(code, None, "Bob, \"the\" nurse", "-")[1]
    sent = [
        (tricky, {"text": "@SUM(A1)", "n": 1}),
        (plain, {"text": "line one\nline two", "n": 2.5}),
        (tricky, {"text": "ünïcödé, \"quoted\"", "list": [1, None, True]}),
    ]
    made = [store.submit(code, s, Q, p, uid(), moderated=(i == 1)) for i, (s, p) in enumerate(sent)]
    store.moderate(code, made[1].id, "rejected")
    out = io.StringIO(newline="")
    assert store.export_csv(code, out) == 3
    out.seek(0)
    table = list(csv.reader(out))
    header, body = table[0], table[1:]
    assert header == list(ws.Store.EXPORT_COLUMNS)
    assert len(body) == 3
    for line, submission, (_, payload) in zip(body, made, sent):
        record = dict(zip(header, line))
        assert int(record["id"]) == submission.id
        assert json.loads(record["payload"]) == payload
        assert record["question"] == Q
        assert record["created_at"] == submission.created_at.isoformat()
    assert [dict(zip(header, b))["status"] for b in body] == ["shown", "rejected", "shown"]
    # formula injection: the cells a spreadsheet would run start with a quote
    first = dict(zip(header, body[0]))
    assert first["participant"] == "'=HYPERLINK(\"x\")" and first["role"] == "'+44 GP"
    assert dict(zip(header, body[1]))["role"] == "'-"
    assert dict(zip(header, body[1]))["participant"] == 'Bob, "the" nurse'
    # and export_rows gives the plain values
    assert [r["participant"] for r in store.export_rows(code)] == [
        '=HYPERLINK("x")', 'Bob, "the" nurse', '=HYPERLINK("x")'
    ]


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_formula_guard(cell):
    assert ws._safe_cell(cell) == "'" + cell
    assert ws._safe_cell("a" + cell) == "a" + cell
    assert ws._safe_cell(5) == 5


# --- property tests (pure functions: no database) ----------------------------------------------
@given(st.text(max_size=12))
def test_normalise_code_accepts_only_codes(text):
    try:
        code = ws.normalise_code(text)
    except NotFound as error:
        assert "\n" not in str(error)
        assert not ws._CODE.fullmatch(text.strip().upper())
    else:
        assert len(code) == 6 and set(code) <= set(ws.CODE_ALPHABET)
        assert ws.normalise_code(code) == code


@given(
    st.text(alphabet=ws.CODE_ALPHABET, min_size=6, max_size=6),
    st.sampled_from([str.lower, str.upper, lambda s: s]),
    st.text(alphabet=" \t\n", max_size=3),
)
def test_normalise_code_forgives_case_and_spaces(code, case, space):
    assert ws.normalise_code(space + case(code) + space) == code


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=5))
def test_payload_validation_accepts_plain_json(payload):
    try:
        encoded = ws._payload_json(payload)
    except Refused as error:  # only for text a database cannot store (lone surrogates)
        assert "only text" in str(error)
        with pytest.raises(UnicodeEncodeError):
            json.dumps(payload, ensure_ascii=False).encode("utf-8")
    else:
        assert json.loads(encoded) == payload
        assert len(encoded.encode()) <= ws.PAYLOAD_MAX_BYTES
