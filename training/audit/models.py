"""The audit event table: append-only, read by admins.

The application adds events and never changes or removes one: the ORM refuses it, whether the
event was loaded (flush) or targeted by an UPDATE or DELETE statement.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from training.accounts.models import User
from training.extensions import db
from training.timeutils import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    #: Null when the actor was the command line or has since been deleted.
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Dotted verb, e.g. "user.role_changed", "certificate.revoked".
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[str] = mapped_column(sa.String(80))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.target_type}:{self.target_id}>"


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_changing_a_loaded_event(_mapper, _connection, target: AuditEvent) -> None:
    raise AppendOnlyError(f"{target!r} cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_statements_changing_events(state: ORMExecuteState) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is AuditEvent:
        raise AppendOnlyError("audit events cannot be changed or deleted")
