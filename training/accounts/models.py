"""Users, their role, and the reference data they are attached to (professions, territories)."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import db
from training.timeutils import utcnow


class Role(enum.StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    MONITOR = "monitor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.LEARNER: "Apprenant",
    Role.TRAINER: "Formateur",
    Role.MONITOR: "Observateur (Miprof)",
    Role.ADMIN: "Administrateur",
}


class Profession(db.Model):
    __tablename__ = "professions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable code used by course files (`audiences`) and exports; never shown to users.
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    #: When an admin retired it: no longer offered in forms, kept by the accounts, enrolments
    #: and statistics that name it. Null: in use.
    retired_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<Profession {self.code}>"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Territory(db.Model):
    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: Pilot territories of the national plan (Paris, Marseille, Bordeaux) are listed first.
    is_pilot: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    #: When an admin retired it: no longer offered in forms, kept by the accounts, enrolments
    #: and statistics that name it. Null: in use.
    retired_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<Territory {self.code}>"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


def _new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('learner', 'trainer', 'monitor', 'admin')", name="role_is_known"
        ),
        sa.CheckConstraint("email = lower(email)", name="email_is_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so that uniqueness ignores case on every database.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.LEARNER.value, index=True)
    profession_id: Mapped[int] = mapped_column(sa.ForeignKey("professions.id"), index=True)
    territory_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    #: When the user accepted the privacy notice (required to sign up).
    consented_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Part of the login session; changing it (password change or reset) ends every open session.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=_new_session_token)
    #: When an admin deactivated the account: it can no longer log in, its open sessions end,
    #: and everything it holds (enrolments, certificates) stays. Null: active.
    deactivated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    profession: Mapped[Profession] = relationship(lazy="joined")
    territory: Mapped[Territory] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = _new_session_token()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_active(self) -> bool:
        """Flask-Login's notion: a deactivated account cannot log in."""
        return self.deactivated_at is None

    def has_role(self, *roles: Role) -> bool:
        return self.role in {role.value for role in roles}
