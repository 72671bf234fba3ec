"""Recording audit events; callers commit with the change they describe (reading them:
training.audit.log)."""

from typing import Any

from training.accounts.models import User
from training.audit.models import AuditEvent
from training.extensions import db


def record_event(
    actor: User | None, action: str, target_type: str, target_id: object, **details: Any
) -> AuditEvent:
    """Add an event to the current transaction: it exists if and only if the change does."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        details=details,
    )
    db.session.add(event)
    db.session.flush()
    return event
