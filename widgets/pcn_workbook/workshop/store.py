"""The shared workshop store: workshops, participants and their submissions, in one database.

Voila gives every browser its own kernel (an OS process), so the room's answers meet here. Every
public method takes a join code, works in one short transaction and either does all of its work or
none of it.

* **Backends.** A SQLite file by default (:func:`default_url`; WAL journal, a busy timeout, and
  ``BEGIN IMMEDIATE`` for writes so writers from many kernels queue instead of deadlocking), or
  PostgreSQL through one URL (``PCN_WORKBOOK_DB=postgresql://...``) when several Voila servers
  share a room. The schema is managed by Alembic (``migrations/``); :func:`open_store` upgrades it.
* **Append-only answers.** A submission is an INSERT, never an UPDATE. A retry with the same
  ``uid`` returns the first row (``UNIQUE(workshop_id, uid)``). Resetting a question only moves a
  marker (``reset_after``); moderation decisions and facilitator actions are logs too.
* **Secrets.** The facilitator key is shown once and stored as a salted scrypt hash; participant
  secrets (held by the browser) are stored as SHA-256. Comparisons are constant time. Nothing
  here ever returns a stored hash.
* **Errors.** Everything a user may see is a :class:`StoreError` whose message is one plain
  sentence. Driver errors (locked file, refused connection, timeouts) become
  :class:`StoreUnavailable`: nothing was saved, try again.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    exc,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url

DB_ENV = "PCN_WORKBOOK_DB"
APP_NAME = "pcn-workbook"
MIGRATIONS = Path(__file__).resolve().with_name("migrations")
# The newest revision in MIGRATIONS (a test checks it against Alembic's own reading). A kernel that
# finds the database at it has nothing to migrate, so it never imports Alembic (9 MB a kernel).
SCHEMA_HEAD = "0001"

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0 O 1 I L
CODE_LENGTH = 6
TITLE_MAX = 120
NAME_MAX = 40
ROLE_MAX = 60
QUERY_MAX = 2000
PAYLOAD_MAX_BYTES = 16 * 1024
RATE_LIMIT = 20  # submissions by one participant ...
RATE_WINDOW = timedelta(seconds=60)  # ... in this long
BUSY_TIMEOUT_MS = 5000
MODES = ("latest", "first")
DECISIONS = ("approved", "rejected")

SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
_QUESTION = re.compile(r"[a-z_]+\.[a-z_]+")
_UID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{16,128}")
_CHAPTER = re.compile(r"[0-9a-z_]{1,64}")
_PG_LOCK = 0x70636E77  # "pcnw": the advisory lock that serialises migrations
_DUMMY_SALT = b"\0" * 16


# --- errors ------------------------------------------------------------------------------------
class StoreError(Exception):
    """Something the user should be told, in one plain sentence (never a traceback)."""


class NotFound(StoreError):
    """No workshop has that code (or the text is not a code at all)."""


class Closed(StoreError):
    """The workshop, or the question, is closed."""


class Refused(StoreError):
    """The request itself is not acceptable: a bad or oversized payload, a bad name, too fast."""


class StoreUnavailable(StoreError):
    """The database could not be reached or stayed locked: nothing was saved, try again."""


# --- records -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Workshop:
    id: int
    code: str
    title: str
    created_at: datetime
    closed_at: datetime | None
    presets: dict[str, str] = field(default_factory=dict, hash=False)  # chapter -> query string

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class Created:
    workshop: Workshop
    key: str  # the plain facilitator key: shown once, never stored


@dataclass(frozen=True)
class Participant:
    id: int
    name: str
    role: str
    joined_at: datetime


@dataclass(frozen=True)
class Submission:
    id: int
    question: str
    participant_id: int
    name: str  # the participant's current name
    role: str  # the role the participant had when they submitted
    payload: dict = field(hash=False)
    created_at: datetime
    uid: str
    status: str  # "shown" (not moderated), "pending", "approved", "rejected"


@dataclass(frozen=True)
class Question:
    question: str
    is_open: bool
    revealed: bool
    mode: str  # "latest" | "first"
    reset_after: int


def _default_question(name: str) -> Question:
    return Question(question=name, is_open=True, revealed=False, mode="latest", reset_after=0)


# --- schema (migrations/versions/0001_first_schema.py creates exactly this) --------------------
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
Stamp = DateTime(timezone=True)

workshops_t = Table(
    "workshops", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(CODE_LENGTH), nullable=False),
    Column("title", String(TITLE_MAX), nullable=False),
    Column("key_salt", String(32), nullable=False),  # hex
    Column("key_hash", String(64), nullable=False),  # hex scrypt
    Column("created_at", Stamp, nullable=False),
    Column("closed_at", Stamp, nullable=True),
    UniqueConstraint("code"),
    sqlite_autoincrement=True,
)
presets_t = Table(
    "presets", metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("chapter", String(64), nullable=False),
    Column("query", Text, nullable=False),
    PrimaryKeyConstraint("workshop_id", "chapter"),
)
participants_t = Table(
    "participants", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("secret_hash", String(64), nullable=False),  # sha256 hex of the browser's secret
    Column("name", String(NAME_MAX), nullable=False),
    Column("role", String(ROLE_MAX), nullable=False),
    Column("joined_at", Stamp, nullable=False),
    UniqueConstraint("workshop_id", "secret_hash"),
    Index(None, "workshop_id", "id"),
    sqlite_autoincrement=True,
)
submissions_t = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("participant_id", Integer, ForeignKey("participants.id"), nullable=False),
    Column("question", String(80), nullable=False),
    Column("uid", String(64), nullable=False),
    Column("role", String(ROLE_MAX), nullable=False),
    Column("payload", Text, nullable=False),  # JSON, sort_keys
    Column("moderated", Boolean, nullable=False),
    Column("created_at", Stamp, nullable=False),
    UniqueConstraint("workshop_id", "uid"),
    Index(None, "workshop_id", "question", "id"),
    Index(None, "workshop_id", "id"),
    Index(None, "participant_id", "question", "id"),
    Index(None, "participant_id", "created_at"),
    sqlite_autoincrement=True,
)
moderations_t = Table(
    "moderations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("status", String(10), nullable=False),
    Column("at", Stamp, nullable=False),
    Index(None, "submission_id", "id"),
    sqlite_autoincrement=True,
)
questions_t = Table(
    "questions", metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("question", String(80), nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("revealed", Boolean, nullable=False),
    Column("mode", String(10), nullable=False),
    Column("reset_after", Integer, nullable=False),
    Column("updated_at", Stamp, nullable=False),
    PrimaryKeyConstraint("workshop_id", "question"),
)
actions_t = Table(
    "actions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("at", Stamp, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("detail", Text, nullable=False),  # JSON
    Index(None, "workshop_id", "id"),
    sqlite_autoincrement=True,
)


# --- small helpers -----------------------------------------------------------------------------
def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _shown(value: object) -> str:
    """A user's text, short and quoted, for an error message."""
    text_ = str(value)
    return repr(text_ if len(text_) <= 16 else text_[:16] + "...")


def normalise_code(text: str) -> str:
    """``" k7qm2p "`` -> ``"K7QM2P"``; anything that cannot be a code raises :class:`NotFound`."""
    if not isinstance(text, str):
        raise NotFound(
            "That is not a workshop code: codes are six letters and digits, like K7QM2P."
        )
    code = text.strip().upper()
    if not _CODE.fullmatch(code):
        raise NotFound(
            f"{_shown(text.strip())} is not a workshop code: codes are six letters and digits, "
            "like K7QM2P."
        )
    return code


def _clean(value: object, what: str, most: int, *, least: int) -> str:
    """Strip, drop control and format characters, collapse spaces, check the length."""
    if not isinstance(value, str):
        raise Refused(f"The {what} must be text.")
    value = unicodedata.normalize("NFC", value)
    kept = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    cleaned = " ".join(kept.split())
    if len(cleaned) < least:
        raise Refused(f"Please give a {what}." if least == 1 else f"The {what} is too short.")
    if len(cleaned) > most:
        raise Refused(f"The {what} can be at most {most} characters (it has {len(cleaned)}).")
    return cleaned


def _check_question(question: object) -> str:
    if not isinstance(question, str) or len(question) > 80 or not _QUESTION.fullmatch(question):
        raise Refused(
            f"{_shown(question)} is not a question name (like chapter.question, lower case)."
        )
    return question


def _check_chapter(chapter: object) -> str:
    if not isinstance(chapter, str) or not _CHAPTER.fullmatch(chapter):
        raise Refused(f"{_shown(chapter)} is not a chapter name (like 02_autonomy_paradox).")
    return chapter


def _check_query(query: object) -> str:
    if not isinstance(query, str):
        raise Refused("A preset must be a query string.")
    if len(query) > QUERY_MAX:
        raise Refused(f"A preset can be at most {QUERY_MAX} characters (it has {len(query)}).")
    return query.strip().removeprefix("?")


def _payload_json(payload: object) -> str:
    """The payload as canonical JSON, or :class:`Refused` (not plain JSON, or too big)."""
    if not isinstance(payload, dict):
        raise Refused("An answer must be a dictionary of values.")
    try:
        encoded = json.dumps(
            payload, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        )
        size = len(encoded.encode("utf-8"))
        plain = json.loads(encoded) == payload
    except (TypeError, ValueError, RecursionError, UnicodeError):
        plain = False
    if not plain:
        raise Refused(
            "An answer can hold only text, numbers, true/false, lists and dictionaries "
            "with text keys."
        )
    if size > PAYLOAD_MAX_BYTES:
        raise Refused(f"That answer is too big ({size} bytes; at most {PAYLOAD_MAX_BYTES}).")
    return encoded


def _secret_hash(secret: object) -> str | None:
    if not isinstance(secret, str) or not _SECRET.fullmatch(secret):
        return None
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _scrypt(key: str, salt: bytes) -> bytes:
    return hashlib.scrypt(key.encode("utf-8", "surrogatepass"), salt=salt, **SCRYPT)


def _cookie(key_hash_hex: str, code: str) -> str:
    key = bytes.fromhex(key_hash_hex)
    return hmac.new(key, f"pcn-workbook facilitator {code}".encode(), hashlib.sha256).hexdigest()


def default_url() -> str:
    """``PCN_WORKBOOK_DB`` when set, else a SQLite file in this user's data folder."""
    configured = os.environ.get(DB_ENV, "").strip()
    if configured:
        return configured
    import platformdirs

    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'workshops.sqlite3'}"


def _parse_url(text_: str) -> URL:
    try:
        url = make_url(text_)
    except (exc.ArgumentError, ValueError, TypeError):
        raise StoreError(
            f"{_shown(text_)} is not a database URL (try sqlite:///path/to/workshops.sqlite3 "
            "or postgresql://user@host/database)."
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise StoreError(f"Use a plain sqlite:/// URL, not {url.drivername}.")
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise StoreError("The workshop store needs a SQLite file: sqlite:///path/to/file.")
        path = Path(url.database).expanduser().resolve()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreUnavailable(
                f"Cannot create the folder {path.parent} for the workshop store "
                f"({error.strerror or error}); nothing was saved."
            ) from None
        return url.set(drivername="sqlite", database=str(path))
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    raise StoreError(
        f"The workshop store works with SQLite or PostgreSQL, not {backend} "
        "(try sqlite:///path/to/workshops.sqlite3 or postgresql://user@host/database)."
    )


def _insert(conn: Connection, table: Table):
    """The dialect's INSERT (with ON CONFLICT) for ``conn``."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


T = TypeVar("T")


# --- the store ---------------------------------------------------------------------------------
class Store:
    """One database. Make it with :func:`open_store` (one per URL per process)."""

    def __init__(self, url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        parsed = _parse_url(url)
        self._parsed = parsed
        self.url: str = parsed.render_as_string(hide_password=True)
        self.dialect: str = parsed.get_backend_name()
        self.busy_timeout_ms = int(busy_timeout_ms)
        self._migrated = False
        if self.dialect == "sqlite":
            self._engine = self._sqlite_engine(parsed)
            self._attempts = 3
        else:
            self._engine = create_engine(
                parsed,
                pool_pre_ping=True,
                pool_size=2,
                max_overflow=8,
                pool_timeout=15,
                pool_recycle=1800,
                connect_args={
                    "connect_timeout": 5,
                    "application_name": "pcn-workbook",
                    "options": "-c lock_timeout=5000 -c statement_timeout=15000 "
                    "-c idle_in_transaction_session_timeout=60000",
                },
            )
            self._attempts = 2
        # the same pool; a write transaction starts with BEGIN IMMEDIATE on SQLite
        self._writer = self._engine.execution_options(pcn_write=True)

    def _sqlite_engine(self, url: URL) -> Engine:
        engine = create_engine(url, connect_args={"timeout": self.busy_timeout_ms / 1000})
        timeout = self.busy_timeout_ms

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # pysqlite must not emit its own BEGIN
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={timeout:d}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            write = conn.get_execution_options().get("pcn_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def __repr__(self) -> str:
        return f"<Store {self.url}>"

    def close(self) -> None:
        """Close this store's connections and forget it (the next :func:`open_store` reopens)."""
        with _LOCK:
            for key, store in list(_STORES.items()):
                if store is self:
                    del _STORES[key]
        self._engine.dispose()

    # --- transactions --------------------------------------------------------------------------
    def _run(self, work: Callable[[Connection], T], *, write: bool) -> T:
        engine = self._writer if write else self._engine
        for attempt in range(1, self._attempts + 1):
            try:
                with engine.connect() as conn, conn.begin():
                    return work(conn)
            except StoreError:
                raise
            except exc.DBAPIError as error:
                if attempt < self._attempts and self._transient(error):
                    time.sleep(0.05 * attempt)
                    continue
                raise self._unavailable(error) from error
            except exc.SQLAlchemyError as error:  # e.g. no connection free in the pool
                raise self._unavailable(error) from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _read(self, work: Callable[[Connection], T]) -> T:
        return self._run(work, write=False)

    def _write(self, work: Callable[[Connection], T]) -> T:
        return self._run(work, write=True)

    def _transient(self, error: exc.DBAPIError) -> bool:
        if self.dialect == "sqlite":
            message = str(error.orig).lower()
            return "locked" in message or "busy" in message
        import psycopg.errors as pg

        if isinstance(error.orig, (pg.SerializationFailure, pg.DeadlockDetected)):
            return True
        # a connection that died under us (pool_pre_ping catches most); not a failed connect
        return bool(error.connection_invalidated) and not _is_connect_failure(error)

    def _unavailable(self, error: Exception) -> StoreUnavailable:
        orig = getattr(error, "orig", None)
        message = str(orig if orig is not None else error).lower()
        if self.dialect == "sqlite":
            if "locked" in message or "busy" in message:
                return StoreUnavailable(
                    "The workshop store is busy (another program is holding it); nothing was "
                    "saved. Try again in a moment."
                )
            if "unable to open" in message or "readonly" in message or "disk i/o" in message:
                return StoreUnavailable(
                    f"Cannot write the workshop store file {self._parsed.database}; nothing was "
                    "saved. Check that its folder exists and can be written, then try again."
                )
        else:
            where = f"{self._parsed.host or 'localhost'}:{self._parsed.port or 5432}"
            if isinstance(error, exc.TimeoutError) or "timeout" in message or "cancel" in message:
                return StoreUnavailable(
                    f"The workshop database at {where} took too long to answer; nothing was "
                    "saved. Try again in a moment."
                )
            if isinstance(error, exc.DBAPIError) and (
                _is_connect_failure(error) or error.connection_invalidated
            ):
                return StoreUnavailable(
                    f"Cannot reach the workshop database at {where}; nothing was saved. Check "
                    "that it is running, then try again."
                )
        kind = type(orig).__name__ if orig is not None else type(error).__name__
        return StoreUnavailable(
            f"The workshop database could not do that ({kind}); nothing was saved. Try again."
        )

    # --- migrations ----------------------------------------------------------------------------
    def _alembic_config(self):
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
        return config

    def head(self) -> set[str]:
        """The newest schema revision(s) this package knows."""
        from alembic.script import ScriptDirectory

        return set(ScriptDirectory.from_config(self._alembic_config()).get_heads())

    def current(self) -> set[str]:
        """The schema revision(s) the database is at (empty before the first migration)."""
        from alembic.runtime.migration import MigrationContext

        return self._read(lambda conn: set(MigrationContext.configure(conn).get_current_heads()))

    def at_head(self) -> bool:
        """Is the database at ``SCHEMA_HEAD``? Read with SQLAlchemy alone (no Alembic)."""
        from sqlalchemy import inspect

        def read(conn: Connection) -> bool:
            if not inspect(conn).has_table("alembic_version"):
                return False
            found = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
            return found == {SCHEMA_HEAD}

        return self._read(read)

    def migrate(self) -> None:
        """Upgrade the schema to head (a no-op when it is there); safe from many processes."""
        from alembic import command
        from alembic.runtime.migration import MigrationContext

        heads = self.head()
        if self.current() != heads:
            config = self._alembic_config()

            def upgrade(conn: Connection) -> None:
                if self.dialect == "postgresql":  # two servers starting together queue here
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
                # SQLite: BEGIN IMMEDIATE already holds the write lock
                if set(MigrationContext.configure(conn).get_current_heads()) == heads:
                    return
                config.attributes["connection"] = conn
                command.upgrade(config, "head")

            self._write(upgrade)
        self._migrated = True

    # --- lookups -------------------------------------------------------------------------------
    @staticmethod
    def _find(conn: Connection, code: str, *, share: bool = False, lock: bool = False):
        query = select(workshops_t).where(workshops_t.c.code == code)
        if lock:  # FOR NO KEY UPDATE: waits for submissions in flight (FOR SHARE), not for FKs
            query = query.with_for_update(key_share=True)
        elif share:
            query = query.with_for_update(read=True)
        row = conn.execute(query).first()
        if row is None:
            raise NotFound(f"There is no workshop with the code {code}.")
        return row

    @staticmethod
    def _presets(conn: Connection, workshop_ids: list[int]) -> dict[int, dict[str, str]]:
        found: dict[int, dict[str, str]] = {i: {} for i in workshop_ids}
        if workshop_ids:
            query = (
                select(presets_t)
                .where(presets_t.c.workshop_id.in_(workshop_ids))
                .order_by(presets_t.c.chapter)
            )
            for row in conn.execute(query):
                found[row.workshop_id][row.chapter] = row.query
        return found

    @staticmethod
    def _workshop(row, presets: dict[str, str]) -> Workshop:
        return Workshop(
            id=row.id,
            code=row.code,
            title=row.title,
            created_at=_utc(row.created_at),
            closed_at=_utc(row.closed_at),
            presets=dict(presets),
        )

    def _load(self, conn: Connection, code: str) -> Workshop:
        row = self._find(conn, code)
        return self._workshop(row, self._presets(conn, [row.id])[row.id])

    @staticmethod
    def _log(conn: Connection, workshop_id: int, kind: str, **detail: Any) -> None:
        conn.execute(
            actions_t.insert().values(
                workshop_id=workshop_id,
                at=_now(),
                kind=kind,
                detail=json.dumps(detail, sort_keys=True, default=str),
            )
        )

    @staticmethod
    def _participant_row(conn: Connection, workshop_id: int, secret: object):
        digest = _secret_hash(secret)
        if digest is None:
            return None
        return conn.execute(
            select(participants_t).where(
                participants_t.c.workshop_id == workshop_id,
                participants_t.c.secret_hash == digest,
            )
        ).first()

    @staticmethod
    def _participant(row) -> Participant:
        return Participant(id=row.id, name=row.name, role=row.role, joined_at=_utc(row.joined_at))

    @staticmethod
    def _question_row(
        conn: Connection, workshop_id: int, question: str, *, share=False, lock=False
    ):
        query = select(questions_t).where(
            questions_t.c.workshop_id == workshop_id, questions_t.c.question == question
        )
        if lock:
            query = query.with_for_update()
        elif share:
            query = query.with_for_update(read=True)
        return conn.execute(query).first()

    @staticmethod
    def _question(name: str, row) -> Question:
        if row is None:
            return _default_question(name)
        return Question(
            question=name,
            is_open=bool(row.is_open),
            revealed=bool(row.revealed),
            mode=row.mode,
            reset_after=row.reset_after,
        )

    @staticmethod
    def _submissions_query():
        decision = (
            select(moderations_t.c.status)
            .where(moderations_t.c.submission_id == submissions_t.c.id)
            .order_by(moderations_t.c.id.desc())
            .limit(1)
            .correlate(submissions_t)
            .scalar_subquery()
            .label("decision")
        )
        return (
            select(submissions_t, participants_t.c.name, decision)
            .join(participants_t, participants_t.c.id == submissions_t.c.participant_id)
            .order_by(submissions_t.c.id)
        )

    @staticmethod
    def _submission(row) -> Submission:
        status = row.decision or ("pending" if row.moderated else "shown")
        return Submission(
            id=row.id,
            question=row.question,
            participant_id=row.participant_id,
            name=row.name,
            role=row.role,
            payload=json.loads(row.payload),
            created_at=_utc(row.created_at),
            uid=row.uid,
            status=status,
        )

    # --- workshops -----------------------------------------------------------------------------
    def create_workshop(self, title: str, presets: dict[str, str] | None = None) -> Created:
        title = _clean(title, "workshop title", TITLE_MAX, least=1)
        if presets is not None and not isinstance(presets, dict):
            raise Refused("Presets must map a chapter to a query string.")
        cleaned = {_check_chapter(c): _check_query(q) for c, q in (presets or {}).items()}
        cleaned = {c: q for c, q in cleaned.items() if q}
        key = secrets.token_urlsafe(24)
        salt = secrets.token_bytes(16)
        key_hash = _scrypt(key, salt).hex()

        def work(conn: Connection) -> Workshop:
            for _ in range(20):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                inserted = conn.execute(
                    _insert(conn, workshops_t)
                    .values(
                        code=code,
                        title=title,
                        key_salt=salt.hex(),
                        key_hash=key_hash,
                        created_at=_now(),
                    )
                    .on_conflict_do_nothing(index_elements=["code"])
                    .returning(workshops_t.c.id)
                ).scalar()
                if inserted is not None:
                    break
            else:  # pragma: no cover - 31**6 codes
                raise StoreUnavailable("Could not find a free workshop code; nothing was saved.")
            for chapter, query in cleaned.items():
                conn.execute(
                    presets_t.insert().values(workshop_id=inserted, chapter=chapter, query=query)
                )
            self._log(conn, inserted, "create", title=title)
            return self._load(conn, code)

        return Created(workshop=self._write(work), key=key)

    def workshop(self, code: str) -> Workshop:
        code = normalise_code(code)
        return self._read(lambda conn: self._load(conn, code))

    def workshops(self) -> list[Workshop]:
        """Every workshop, newest first."""

        def work(conn: Connection) -> list[Workshop]:
            rows = conn.execute(
                select(workshops_t).order_by(
                    workshops_t.c.created_at.desc(), workshops_t.c.id.desc()
                )
            ).all()
            presets = self._presets(conn, [r.id for r in rows])
            return [self._workshop(r, presets[r.id]) for r in rows]

        return self._read(work)

    def counts(self, code: str) -> tuple[int, int]:
        """(participants, submission rows) of a workshop, for listings."""
        code = normalise_code(code)

        def work(conn: Connection) -> tuple[int, int]:
            wid = self._find(conn, code).id
            people = conn.execute(
                select(func.count()).where(participants_t.c.workshop_id == wid)
            ).scalar_one()
            rows = conn.execute(
                select(func.count()).where(submissions_t.c.workshop_id == wid)
            ).scalar_one()
            return people, rows

        return self._read(work)

    def _key_row(self, code: object):
        try:
            normal = normalise_code(code)  # type: ignore[arg-type]
        except NotFound:
            return None
        try:
            return self._read(lambda conn: self._find(conn, normal))
        except NotFound:
            return None

    def check_key(self, code: str, key: str) -> bool:
        """Is ``key`` this workshop's facilitator key? Costs one scrypt whatever the input."""
        row = self._key_row(code)
        salt = bytes.fromhex(row.key_salt) if row is not None else _DUMMY_SALT
        usable = isinstance(key, str) and 0 < len(key.strip()) <= 256
        digest = _scrypt(key.strip() if usable else "", salt).hex()
        stored = row.key_hash if row is not None else "0" * 64
        return hmac.compare_digest(digest, stored) and usable and row is not None

    def facilitator_cookie(self, code: str) -> str:
        """A value any server process can check with :meth:`check_cookie` (no shared memory)."""
        code = normalise_code(code)
        row = self._read(lambda conn: self._find(conn, code))
        return _cookie(row.key_hash, row.code)

    def check_cookie(self, code: str, value: str) -> bool:
        row = self._key_row(code)
        expected = _cookie(row.key_hash if row is not None else "0" * 64, row.code if row else "-")
        given = value if isinstance(value, str) else ""
        same = hmac.compare_digest(
            expected.encode("ascii"), given.encode("utf-8", "surrogatepass")[:256]
        )
        return same and row is not None

    def close_workshop(self, code: str) -> None:
        code = normalise_code(code)

        def work(conn: Connection) -> None:
            row = self._find(conn, code, lock=True)
            if row.closed_at is None:
                conn.execute(
                    update(workshops_t).where(workshops_t.c.id == row.id).values(closed_at=_now())
                )
                self._log(conn, row.id, "close")

        self._write(work)

    def set_preset(self, code: str, chapter: str, query: str) -> None:
        """Save (or, with an empty query, remove) a chapter's preset scenario."""
        code = normalise_code(code)
        chapter = _check_chapter(chapter)
        query = _check_query(query)

        def work(conn: Connection) -> None:
            wid = self._find(conn, code).id
            if query:
                statement = _insert(conn, presets_t).values(
                    workshop_id=wid, chapter=chapter, query=query
                )
                conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["workshop_id", "chapter"], set_={"query": query}
                    )
                )
            else:
                conn.execute(
                    delete(presets_t).where(
                        presets_t.c.workshop_id == wid, presets_t.c.chapter == chapter
                    )
                )
            self._log(conn, wid, "preset", chapter=chapter, query=query)

        self._write(work)

    # --- participants --------------------------------------------------------------------------
    def join(
        self, code: str, secret: str | None, name: str, role: str = ""
    ) -> tuple[Participant, str]:
        """Join (or rejoin with the browser's ``secret``); returns the participant and the secret
        the browser must keep. An unknown secret makes a new participant with a new secret."""
        code = normalise_code(code)
        name = _clean(name, "name", NAME_MAX, least=1)
        role = _clean(role if role is not None else "", "role", ROLE_MAX, least=0)

        def work(conn: Connection) -> tuple[Participant, str]:
            workshop = self._find(conn, code, share=True)
            if workshop.closed_at is not None:
                raise Closed(f"The workshop {code} is closed.")
            known = self._participant_row(conn, workshop.id, secret)
            if known is not None:
                if (known.name, known.role) != (name, role):
                    conn.execute(
                        update(participants_t)
                        .where(participants_t.c.id == known.id)
                        .values(name=name, role=role)
                    )
                    self._log(conn, workshop.id, "participant", participant=known.id)
                row = conn.execute(
                    select(participants_t).where(participants_t.c.id == known.id)
                ).one()
                return self._participant(row), secret  # type: ignore[return-value]
            fresh = secrets.token_urlsafe(24)
            new_id = conn.execute(
                participants_t.insert()
                .values(
                    workshop_id=workshop.id,
                    secret_hash=_secret_hash(fresh),
                    name=name,
                    role=role,
                    joined_at=_now(),
                )
                .returning(participants_t.c.id)
            ).scalar_one()
            row = conn.execute(select(participants_t).where(participants_t.c.id == new_id)).one()
            return self._participant(row), fresh

        return self._write(work)

    def participant(self, code: str, secret: str | None) -> Participant | None:
        code = normalise_code(code)

        def work(conn: Connection) -> Participant | None:
            row = self._participant_row(conn, self._find(conn, code).id, secret)
            return None if row is None else self._participant(row)

        return self._read(work)

    def participants(self, code: str) -> list[Participant]:
        code = normalise_code(code)

        def work(conn: Connection) -> list[Participant]:
            wid = self._find(conn, code).id
            rows = conn.execute(
                select(participants_t)
                .where(participants_t.c.workshop_id == wid)
                .order_by(participants_t.c.id)
            )
            return [self._participant(r) for r in rows]

        return self._read(work)

    # --- submissions ---------------------------------------------------------------------------
    def submit(
        self,
        code: str,
        secret: str | None,
        question: str,
        payload: dict,
        uid: str,
        *,
        moderated: bool = False,
    ) -> Submission:
        """Append one answer. A retry with the same ``uid`` returns the first row unchanged."""
        code = normalise_code(code)
        question = _check_question(question)
        if not isinstance(uid, str) or not _UID.fullmatch(uid):
            raise Refused("Each answer needs an id of 8 to 64 letters, digits, - or _.")
        encoded = _payload_json(payload)

        def existing(conn: Connection, wid: int):
            return conn.execute(
                self._submissions_query().where(
                    submissions_t.c.workshop_id == wid, submissions_t.c.uid == uid
                )
            ).first()

        def check_retry(row, person) -> Submission:
            if row.participant_id != person.id or row.question != question:
                raise Refused("That answer id was already used for another answer.")
            return self._submission(row)

        def work(conn: Connection) -> Submission:
            workshop = self._find(conn, code, share=True)
            person = self._participant_row(conn, workshop.id, secret)
            if person is None:
                raise Refused("Join the workshop first (your place in it was not found).")
            earlier = existing(conn, workshop.id)
            if earlier is not None:  # a retry: the first row stands, even if closed since
                return check_retry(earlier, person)
            if workshop.closed_at is not None:
                raise Closed(f"The workshop {code} is closed: answers are no longer taken.")
            state = self._question(
                question, self._question_row(conn, workshop.id, question, share=True)
            )
            if not state.is_open:
                raise Closed("This question is closed: answers are no longer taken.")
            now = _now()
            recent = conn.execute(
                select(func.count()).where(
                    submissions_t.c.participant_id == person.id,
                    submissions_t.c.created_at > now - RATE_WINDOW,
                )
            ).scalar_one()
            if recent >= RATE_LIMIT:
                raise Refused("That is a lot of answers in a minute: wait a moment and try again.")
            new_id = conn.execute(
                _insert(conn, submissions_t)
                .values(
                    workshop_id=workshop.id,
                    participant_id=person.id,
                    question=question,
                    uid=uid,
                    role=person.role,
                    payload=encoded,
                    moderated=bool(moderated),
                    created_at=now,
                )
                .on_conflict_do_nothing(index_elements=["workshop_id", "uid"])
                .returning(submissions_t.c.id)
            ).scalar()
            row = existing(conn, workshop.id)  # ours, or (PostgreSQL race) the first one's
            if new_id is None:
                return check_retry(row, person)
            return self._submission(row)

        return self._write(work)

    def last_submission(self, code: str, secret: str | None, question: str) -> Submission | None:
        """The participant's latest row for ``question`` (any status): restores a reloaded
        page."""
        code = normalise_code(code)
        question = _check_question(question)

        def work(conn: Connection) -> Submission | None:
            wid = self._find(conn, code).id
            person = self._participant_row(conn, wid, secret)
            if person is None:
                return None
            row = conn.execute(
                self._submissions_query()
                .where(
                    submissions_t.c.participant_id == person.id,
                    submissions_t.c.question == question,
                )
                .order_by(None)
                .order_by(submissions_t.c.id.desc())
                .limit(1)
            ).first()
            return None if row is None else self._submission(row)

        return self._read(work)

    # --- questions -----------------------------------------------------------------------------
    def question(self, code: str, question: str) -> Question:
        code = normalise_code(code)
        question = _check_question(question)

        def work(conn: Connection) -> Question:
            wid = self._find(conn, code).id
            return self._question(question, self._question_row(conn, wid, question))

        return self._read(work)

    def questions(self, code: str) -> list[Question]:
        """Every question ever set or answered in this workshop, by name."""
        code = normalise_code(code)

        def work(conn: Connection) -> list[Question]:
            wid = self._find(conn, code).id
            rows = {
                r.question: r
                for r in conn.execute(select(questions_t).where(questions_t.c.workshop_id == wid))
            }
            answered = conn.execute(
                select(submissions_t.c.question)
                .where(submissions_t.c.workshop_id == wid)
                .distinct()
            ).scalars()
            names = sorted(set(rows) | set(answered))
            return [self._question(n, rows.get(n)) for n in names]

        return self._read(work)

    def _save_question(self, conn: Connection, wid: int, state: Question) -> None:
        values = {
            "is_open": state.is_open,
            "revealed": state.revealed,
            "mode": state.mode,
            "reset_after": state.reset_after,
            "updated_at": _now(),
        }
        statement = _insert(conn, questions_t).values(
            workshop_id=wid, question=state.question, **values
        )
        conn.execute(
            statement.on_conflict_do_update(index_elements=["workshop_id", "question"], set_=values)
        )

    def set_question(
        self,
        code: str,
        question: str,
        *,
        is_open: bool | None = None,
        revealed: bool | None = None,
        mode: str | None = None,
    ) -> Question:
        code = normalise_code(code)
        question = _check_question(question)
        for label, value in (("is_open", is_open), ("revealed", revealed)):
            if value is not None and not isinstance(value, bool):
                raise Refused(f"{label} must be true or false.")
        if mode is not None and mode not in MODES:
            raise Refused(f"The mode must be 'latest' or 'first', not {_shown(mode)}.")

        def work(conn: Connection) -> Question:
            wid = self._find(conn, code).id
            old = self._question(question, self._question_row(conn, wid, question, lock=True))
            new = Question(
                question=question,
                is_open=old.is_open if is_open is None else is_open,
                revealed=old.revealed if revealed is None else revealed,
                mode=old.mode if mode is None else mode,
                reset_after=old.reset_after,
            )
            self._save_question(conn, wid, new)
            self._log(
                conn, wid, "question", question=question,
                is_open=is_open, revealed=revealed, mode=mode,
            )
            return new

        return self._write(work)

    def reset_question(self, code: str, question: str) -> Question:
        """Start the question afresh: earlier rows stay stored but stop counting."""
        code = normalise_code(code)
        question = _check_question(question)

        def work(conn: Connection) -> Question:
            wid = self._find(conn, code).id
            old = self._question(question, self._question_row(conn, wid, question, lock=True))
            highest = conn.execute(
                select(submissions_t.c.id)
                .where(submissions_t.c.workshop_id == wid, submissions_t.c.question == question)
                .order_by(submissions_t.c.id.desc())
                .limit(1)
            ).scalar()
            new = Question(
                question=question,
                is_open=old.is_open,
                revealed=old.revealed,
                mode=old.mode,
                reset_after=max(highest or 0, old.reset_after),
            )
            self._save_question(conn, wid, new)
            self._log(conn, wid, "reset", question=question, reset_after=new.reset_after)
            return new

        return self._write(work)

    # --- moderation ----------------------------------------------------------------------------
    def moderate(self, code: str, submission_id: int, status: str) -> None:
        """Approve or reject a row (the latest decision wins; rows are never changed)."""
        code = normalise_code(code)
        if status not in DECISIONS:
            raise Refused(f"A decision is 'approved' or 'rejected', not {_shown(status)}.")
        if isinstance(submission_id, bool) or not isinstance(submission_id, int):
            raise NotFound("There is no such answer in this workshop.")

        def work(conn: Connection) -> None:
            wid = self._find(conn, code).id
            found = conn.execute(
                select(submissions_t.c.id).where(
                    submissions_t.c.id == submission_id, submissions_t.c.workshop_id == wid
                )
            ).first()
            if found is None:
                raise NotFound("There is no such answer in this workshop.")
            conn.execute(
                moderations_t.insert().values(
                    workshop_id=wid, submission_id=submission_id, status=status, at=_now()
                )
            )
            self._log(conn, wid, "moderate", submission=submission_id, status=status)

        self._write(work)

    def pending(self, code: str) -> list[Submission]:
        """Rows waiting for a decision (since their question's last reset), oldest first."""
        code = normalise_code(code)

        def work(conn: Connection) -> list[Submission]:
            wid = self._find(conn, code).id
            resets = {
                r.question: r.reset_after
                for r in conn.execute(
                    select(questions_t.c.question, questions_t.c.reset_after).where(
                        questions_t.c.workshop_id == wid
                    )
                )
            }
            undecided = ~(
                select(moderations_t.c.id)
                .where(moderations_t.c.submission_id == submissions_t.c.id)
                .correlate(submissions_t)
                .exists()
            )
            rows = conn.execute(
                self._submissions_query().where(
                    submissions_t.c.workshop_id == wid,
                    submissions_t.c.moderated.is_(True),
                    undecided,
                )
            )
            found = [self._submission(r) for r in rows]
            return [s for s in found if s.id > resets.get(s.question, 0)]

        return self._read(work)

    # --- results -------------------------------------------------------------------------------
    def answers(self, code: str, question: str, *, role: str | None = None) -> list[Submission]:
        """The counted answers: after the last reset, rejected rows left out, then one per
        participant (their latest, or their first in mode "first"); ordered by id."""
        code = normalise_code(code)
        question = _check_question(question)

        def work(conn: Connection) -> list[Submission]:
            wid = self._find(conn, code).id
            state = self._question(question, self._question_row(conn, wid, question))
            query = self._submissions_query().where(
                submissions_t.c.workshop_id == wid,
                submissions_t.c.question == question,
                submissions_t.c.id > state.reset_after,
            )
            if role is not None:
                query = query.where(submissions_t.c.role == role)
            chosen: dict[int, Submission] = {}
            for row in conn.execute(query):  # in id order
                answer = self._submission(row)
                if answer.status == "rejected":
                    continue
                if state.mode == "latest" or answer.participant_id not in chosen:
                    chosen[answer.participant_id] = answer
            return sorted(chosen.values(), key=lambda s: s.id)

        return self._read(work)

    def submitted_by(self, code: str) -> dict[int, set[str]]:
        """Participant id -> the questions they answered (since each question's last reset)."""
        code = normalise_code(code)

        def work(conn: Connection) -> dict[int, set[str]]:
            wid = self._find(conn, code).id
            resets = {
                r.question: r.reset_after
                for r in conn.execute(
                    select(questions_t.c.question, questions_t.c.reset_after).where(
                        questions_t.c.workshop_id == wid
                    )
                )
            }
            rows = conn.execute(
                select(
                    submissions_t.c.participant_id,
                    submissions_t.c.question,
                    func.max(submissions_t.c.id).label("last"),
                )
                .where(submissions_t.c.workshop_id == wid)
                .group_by(submissions_t.c.participant_id, submissions_t.c.question)
            )
            found: dict[int, set[str]] = {}
            for row in rows:
                if row.last > resets.get(row.question, 0):
                    found.setdefault(row.participant_id, set()).add(row.question)
            return found

        return self._read(work)

    def revision(self, code: str) -> tuple[int, ...]:
        """Changes whenever anything in the workshop changes: (last submission, last participant,
        last action) ids, each read from an index. Poll it; reload only when it moves."""
        code = normalise_code(code)

        def last(table: Table, wid: int):
            return (
                select(table.c.id)
                .where(table.c.workshop_id == wid)
                .order_by(table.c.id.desc())
                .limit(1)
                .scalar_subquery()
            )

        def work(conn: Connection) -> tuple[int, ...]:
            wid = self._find(conn, code).id
            row = conn.execute(
                select(last(submissions_t, wid), last(participants_t, wid), last(actions_t, wid))
            ).one()
            return tuple(int(v or 0) for v in row)

        return self._read(work)

    # --- export --------------------------------------------------------------------------------
    EXPORT_COLUMNS = (
        "id", "created_at", "question", "participant", "participant_id", "role", "status",
        "payload",
    )

    def export_rows(self, code: str) -> list[dict]:
        """Every submission row of the workshop (all statuses, before and after resets), by id."""
        code = normalise_code(code)

        def work(conn: Connection) -> list[dict]:
            wid = self._find(conn, code).id
            rows = conn.execute(
                self._submissions_query().where(submissions_t.c.workshop_id == wid)
            )
            out = []
            for row in rows:
                answer = self._submission(row)
                out.append(
                    {
                        "id": answer.id,
                        "created_at": answer.created_at.isoformat(),
                        "question": answer.question,
                        "participant": answer.name,
                        "participant_id": answer.participant_id,
                        "role": answer.role,
                        "status": answer.status,
                        "payload": json.dumps(answer.payload, sort_keys=True, ensure_ascii=False),
                    }
                )
            return out

        return self._read(work)

    def export_csv(self, code: str, out: TextIO) -> int:
        """Write :meth:`export_rows` as CSV (a header, then one line a row); returns the rows.
        A cell that a spreadsheet would run as a formula gets a leading ``'``."""
        rows = self.export_rows(code)
        writer = csv.writer(out)
        writer.writerow(self.EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([_safe_cell(row[c]) for c in self.EXPORT_COLUMNS])
        return len(rows)


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _is_connect_failure(error: exc.DBAPIError) -> bool:
    """A failure to open a connection at all (refused, unknown host, timed out connecting)."""
    message = str(error.orig).lower()
    return "connection failed" in message or "could not connect" in message or (
        "connection refused" in message
    )


# --- one store per URL per process -------------------------------------------------------------
_LOCK = threading.Lock()
_STORES: dict[tuple[str, int], Store] = {}


def open_store(
    url: str | None = None, *, migrate: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Store:
    """The store at ``url`` (default :func:`default_url`), its schema upgraded when ``migrate``.

    ``busy_timeout_ms``: how long a SQLite write waits for another writer before giving up
    (each of three attempts); tests make it short."""
    if url is None:
        url = default_url()
    key = (_parse_url(url).render_as_string(hide_password=False), int(busy_timeout_ms))
    with _LOCK:
        store = _STORES.get(key)
        fresh = store is None
        if store is None:
            store = Store(url, busy_timeout_ms=busy_timeout_ms)
        if migrate and not store._migrated:
            try:
                if store.at_head():  # what every kernel of a served room finds: the server migrated
                    store._migrated = True
                else:
                    store.migrate()
            except BaseException:
                if fresh:
                    store._engine.dispose()
                raise
        _STORES[key] = store
        return store


def _after_fork() -> None:  # a forked child must not share its parent's connections
    global _LOCK
    _LOCK = threading.Lock()
    for store in _STORES.values():
        store._engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
