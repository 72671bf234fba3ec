"""Training sessions run by trainers: the session, its in-person days, members and attendance."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import Profession, Territory, User
from training.catalog.models import Enrolment
from training.content.models import Course
from training.extensions import db
from training.timeutils import utcnow

#: Characters of a join code: capitals and digits without 0, O, 1, I and L, which people
#: mistake for one another when reading a code off a slide.
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 8


class TrainingSession(db.Model):
    """A group of professionals following one course under a trainer, between two dates."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_is_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    territory_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    #: The trainer who owns the session: the only trainer who sees its participants.
    trainer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    #: Last day of the session: nobody may join after it.
    ends_on: Mapped[date] = mapped_column(sa.Date)
    #: Maximum number of members; null: no limit. Enforced under a row lock (services.py).
    capacity: Mapped[int | None]
    #: Eight characters of JOIN_CODE_ALPHABET, stored without the dash shown (« ABCD-EFGH »).
    join_code: Mapped[str] = mapped_column(sa.String(JOIN_CODE_LENGTH), unique=True)
    #: Set when the trainer closes the session to new members; null while open.
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    course: Mapped[Course] = relationship()
    territory: Mapped[Territory] = relationship()
    trainer: Mapped[User] = relationship()
    days: Mapped[list["SessionDay"]] = relationship(
        back_populates="session",
        order_by="SessionDay.held_on",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<TrainingSession {self.id} {self.join_code} course={self.course_id}>"

    @property
    def display_code(self) -> str:
        """The join code as shown and read aloud: « ABCD-EFGH »."""
        half = JOIN_CODE_LENGTH // 2
        return f"{self.join_code[:half]}-{self.join_code[half:]}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class SessionDay(db.Model):
    """An in-person day of a blended session."""

    __tablename__ = "session_days"
    __table_args__ = (sa.UniqueConstraint("session_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Not indexed on its own: the unique (session_id, held_on) index serves it.
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE")
    )
    held_on: Mapped[date] = mapped_column(sa.Date)
    #: Where the day takes place, as participants need to read it (address, room).
    place: Mapped[str] = mapped_column(sa.String(200))

    session: Mapped[TrainingSession] = relationship(back_populates="days")

    def __repr__(self) -> str:
        return f"<SessionDay {self.held_on} session={self.session_id}>"


class SessionMember(db.Model):
    """A participant of a session, and the enrolment that joining made or found."""

    __tablename__ = "session_members"
    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Not indexed on its own: the unique (session_id, user_id) index serves it.
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The enrolment in the session's course at joining: its progress is what the trainer sees.
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    session: Mapped[TrainingSession] = relationship()
    user: Mapped[User] = relationship()
    enrolment: Mapped[Enrolment] = relationship()

    def __repr__(self) -> str:
        return f"<SessionMember session={self.session_id} user={self.user_id}>"


class Attendance(db.Model):
    """Whether a member was present on an in-person day, as ticked by the trainer."""

    __tablename__ = "session_attendances"
    __table_args__ = (sa.UniqueConstraint("day_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Not indexed on its own: the unique (day_id, member_id) index serves it.
    day_id: Mapped[int] = mapped_column(sa.ForeignKey("session_days.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session_members.id", ondelete="CASCADE"), index=True
    )
    present: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    def __repr__(self) -> str:
        return f"<Attendance day={self.day_id} member={self.member_id} present={self.present}>"


class Invitation(db.Model):
    """An e-mail invited to a session by the trainer's CSV file, until that person joins.

    The link mailed carries a random token; only its SHA-256 is stored, so that a copy of the
    database holds no usable link.
    """

    __tablename__ = "session_invitations"
    __table_args__ = (sa.UniqueConstraint("session_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Not indexed on its own: the unique (session_id, email) index serves it.
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE")
    )
    #: Lower-cased, as accounts store it.
    email: Mapped[str] = mapped_column(sa.String(254))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: The profession the file named, prefilled at sign-up; null when the file left it blank.
    profession_id: Mapped[int | None] = mapped_column(sa.ForeignKey("professions.id"))
    #: SHA-256 (hex) of the token in the link; a new invitation of the same e-mail replaces it.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    invited_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: Set when the invited person joins the session through the link.
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    session: Mapped[TrainingSession] = relationship()
    profession: Mapped[Profession | None] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation session={self.session_id} {self.email}>"


class Reminder(db.Model):
    """A reminder e-mail sent to a member: at most one per member and (Paris) day."""

    __tablename__ = "session_reminders"
    __table_args__ = (sa.UniqueConstraint("member_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Not indexed on its own: the unique (member_id, sent_on) index serves it.
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("session_members.id", ondelete="CASCADE"))
    #: The day in Paris when it was sent: the unit of « one a day ».
    sent_on: Mapped[date] = mapped_column(sa.Date)
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<Reminder member={self.member_id} {self.sent_on}>"
