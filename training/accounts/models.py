"""Users, their role, and the reference data they are attached to (professions, territories)."""

import enum
from dataclasses import dataclass
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


@dataclass(frozen=True)
class CurrentSession:
    """The login session a request runs in: its row, and the secret its cookie holds."""

    id: int
    secret: str


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
    #: When an admin deactivated the account: it can no longer log in, its open sessions end,
    #: and everything it holds (enrolments, certificates) stays. Null: active.
    deactivated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: When the account's personal data were erased (privacy.erasure): it stays, nameless, for
    #: the statistics, and can never be reactivated. Null: not erased.
    erased_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: When the retention purge warned that the inactive account would be erased; a log-in
    #: after it keeps the account.
    inactivity_warned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The TOTP secret (accounts.two_factor), encrypted with a key derived from SECRET_KEY so
    #: that a copy of the database alone does not give the second factor; set when enrolment
    #: starts, in use once `two_factor_enabled_at` is set.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The TOTP time step of the last code accepted: a code is never accepted twice.
    totp_last_counter: Mapped[int | None] = mapped_column(sa.BigInteger)

    profession: Mapped[Profession] = relationship(lazy="joined")
    territory: Mapped[Territory] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    #: Not a column (hence no annotation, which the ORM would map): the CurrentSession of the
    #: request, set by accounts.login_sessions when it opens or resumes one; None otherwise.
    current_session = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: the secret of the login session, which
        the user loader looks up (accounts.login_sessions), never the account's id."""
        if self.current_session is None:
            raise RuntimeError("No login session: open one with login_sessions.log_in.")
        return self.current_session.secret

    def __eq__(self, other: object) -> bool:
        """The same account (UserMixin compares get_id, which only a logged-in user has)."""
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    __hash__ = object.__hash__

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


class UserSession(db.Model):
    """A log-in on one browser, what the session cookie points to: deleting the row ends it.

    Opened, resumed, expired and ended by accounts.login_sessions."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the random secret the session cookie holds: a copy of this table opens no
    #: session.
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: The last request, to the minute: written at most once a minute, not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: « Firefox sur Windows », derived from the User-Agent at log-in so that the user
    #: recognises the device; neither the User-Agent itself nor the IP address is kept.
    device: Mapped[str] = mapped_column(sa.String(100))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


class RecoveryCode(db.Model):
    """A single-use recovery code of the second factor, for a lost phone: only its SHA-256 is
    kept (the code is shown once, when the codes are made)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} of user {self.user_id}>"
