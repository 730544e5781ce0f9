"""First schema of the workshop store.

Written out by hand (not imported from store.py) so that this revision never changes when the
store's table definitions move on; tests/workshop checks the two agree at head.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _workshop(table: str) -> sa.Column:
    return sa.Column(
        "workshop_id",
        sa.Integer(),
        sa.ForeignKey("workshops.id", name=f"fk_{table}_workshop_id_workshops"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "workshops",
        _id(),
        sa.Column("code", sa.String(6), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("key_salt", sa.String(32), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("closed_at", Stamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_workshops"),
        sa.UniqueConstraint("code", name="uq_workshops_code"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "presets",
        _workshop("presets"),
        sa.Column("chapter", sa.String(64), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workshop_id", "chapter", name="pk_presets"),
    )
    op.create_table(
        "participants",
        _id(),
        _workshop("participants"),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("joined_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_participants"),
        sa.UniqueConstraint(
            "workshop_id", "secret_hash", name="uq_participants_workshop_id_secret_hash"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_participants_workshop_id_id", "participants", ["workshop_id", "id"])
    op.create_table(
        "submissions",
        _id(),
        _workshop("submissions"),
        sa.Column(
            "participant_id",
            sa.Integer(),
            sa.ForeignKey("participants.id", name="fk_submissions_participant_id_participants"),
            nullable=False,
        ),
        sa.Column("question", sa.String(80), nullable=False),
        sa.Column("uid", sa.String(64), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("moderated", sa.Boolean(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
        sa.UniqueConstraint("workshop_id", "uid", name="uq_submissions_workshop_id_uid"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_submissions_workshop_id_question_id", "submissions", ["workshop_id", "question", "id"]
    )
    op.create_index("ix_submissions_workshop_id_id", "submissions", ["workshop_id", "id"])
    op.create_index(
        "ix_submissions_participant_id_question_id",
        "submissions",
        ["participant_id", "question", "id"],
    )
    op.create_index(
        "ix_submissions_participant_id_created_at", "submissions", ["participant_id", "created_at"]
    )
    op.create_table(
        "moderations",
        _id(),
        _workshop("moderations"),
        sa.Column(
            "submission_id",
            sa.Integer(),
            sa.ForeignKey("submissions.id", name="fk_moderations_submission_id_submissions"),
            nullable=False,
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_moderations"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_moderations_submission_id_id", "moderations", ["submission_id", "id"])
    op.create_table(
        "questions",
        _workshop("questions"),
        sa.Column("question", sa.String(80), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("reset_after", sa.Integer(), nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("workshop_id", "question", name="pk_questions"),
    )
    op.create_table(
        "actions",
        _id(),
        _workshop("actions"),
        sa.Column("at", Stamp, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_actions"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_actions_workshop_id_id", "actions", ["workshop_id", "id"])


def downgrade() -> None:
    for table in ("actions", "questions", "moderations", "submissions", "participants", "presets"):
        op.drop_table(table)
    op.drop_table("workshops")
