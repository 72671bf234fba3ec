"""Inviting people to a session from a CSV file: what will happen to each line, then all of it.

Functions flush but never commit. `plan_invitations` only reads, so that the preview shows
exactly what `invite` will do; `invite` plans again (the world may have moved since the
preview) and applies every line or none: a refused line raises SessionError before anything
is flushed, and a membership refused half-way raises too, and the caller rolls back.
"""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from training.accounts.models import Profession, User
from training.accounts.services import offered_professions
from training.audit.services import record_event
from training.certificates import services as certificates
from training.extensions import db
from training.sessions.invitation_csv import InvitationRow
from training.sessions.models import Invitation, SessionMember, TrainingSession
from training.sessions.services import (
    SessionError,
    _lock,
    join_session,
    member_count,
    why_not_joinable,
)
from training.timeutils import utcnow

#: What will happen to a line, and how the preview says it.
ADD, MEMBER, INVITE, INVITE_AGAIN = "add", "member", "invite", "invite-again"
ACTION_LABELS = {
    ADD: "Ajout à la session (compte existant)",
    MEMBER: "Déjà dans la session : rien à faire",
    INVITE: "Invitation par courriel à créer son compte",
    INVITE_AGAIN: "Nouvelle invitation par courriel (la précédente n'a pas encore servi)",
}


@dataclass(frozen=True)
class PlannedLine:
    row: InvitationRow
    action: str
    #: The account with this e-mail, if there is one.
    user: User | None

    @property
    def label(self) -> str:
        if self.action == INVITE and self.user is not None:
            return "Invitation par courriel à rejoindre la session (compte pas encore confirmé)"
        return ACTION_LABELS[self.action]


@dataclass(frozen=True)
class InvitationPlan:
    lines: list[PlannedLine]
    #: French reasons the whole file cannot be applied now (full, closed…); empty if it can.
    problems: list[str]

    def count(self, *actions: str) -> int:
        return sum(1 for line in self.lines if line.action in actions)


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    #: The token of the link, known only until the mail is sent.
    token: str


@dataclass(frozen=True)
class InvitationResult:
    added: list[SessionMember]
    invited: list[SentInvitation]
    unchanged: int


def profession_keys() -> dict[str, str]:
    """What a CSV cell may name a profession by (code or name) -> its code; retired
    professions are not named."""
    keys: dict[str, str] = {}
    for profession in offered_professions():
        keys[profession.code] = profession.code
        keys[profession.name] = profession.code
    return keys


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def plan_invitations(session: TrainingSession, rows: Sequence[InvitationRow]) -> InvitationPlan:
    """What `invite` would do with these lines now, in three queries, writing nothing.

    A confirmed account is added to the session; anyone else (no account, or an account whose
    address is not confirmed yet) is sent a link. Adding counts against the capacity now;
    an invitation takes a place only when it is accepted.
    """
    emails = [row.email for row in rows]
    users = {
        user.email: user
        for user in db.session.scalars(sa.select(User).where(User.email.in_(emails)))
    }
    members = set(
        db.session.scalars(
            sa.select(User.email)
            .join(SessionMember, SessionMember.user_id == User.id)
            .where(SessionMember.session_id == session.id, User.email.in_(emails))
        )
    )
    pending = set(
        db.session.scalars(
            sa.select(Invitation.email).where(
                Invitation.session_id == session.id,
                Invitation.email.in_(emails),
                Invitation.accepted_at.is_(None),
            )
        )
    )
    lines = []
    for row in rows:
        user = users.get(row.email)
        if row.email in members:
            action = MEMBER
        elif user is not None and user.is_confirmed:
            action = ADD
        else:
            action = INVITE_AGAIN if row.email in pending else INVITE
        lines.append(PlannedLine(row, action, user))
    plan = InvitationPlan(lines, [])
    problems = []
    to_add = plan.count(ADD)
    if plan.count(ADD, INVITE, INVITE_AGAIN):
        current = member_count(session)
        reason = why_not_joinable(session, current, certificates.paris_today())
        if reason is not None:
            problems.append(reason)
        elif session.capacity is not None and current + to_add > session.capacity:
            places = session.capacity - current
            problems.append(
                f"La session n'a plus que {places} place{'s' if places > 1 else ''} libre"
                f"{'s' if places > 1 else ''}, pour {to_add} compte{'s' if to_add > 1 else ''} "
                "à ajouter : augmentez sa capacité ou retirez des lignes du fichier."
            )
    return InvitationPlan(lines, problems)


def invite(
    trainer: User, session: TrainingSession, rows: Sequence[InvitationRow]
) -> InvitationResult:
    """Apply every line of the file, or none (SessionError, nothing flushed by us).

    The session row is locked first, so that capacity is counted as `join_session` counts it;
    each invitation gets a new random token (a second invitation of the same e-mail replaces
    the first link). Audited once, with the counts.
    """
    _lock(session)
    plan = plan_invitations(session, rows)
    if plan.problems:
        raise SessionError(" ".join(plan.problems))
    professions = {p.code: p for p in db.session.scalars(sa.select(Profession))}
    existing = {
        invitation.email: invitation
        for invitation in db.session.scalars(
            sa.select(Invitation).where(
                Invitation.session_id == session.id,
                Invitation.email.in_([line.row.email for line in plan.lines]),
            )
        )
    }
    added, invited = [], []
    for line in plan.lines:
        if line.action == ADD:
            added.append(join_session(line.user, session))
        elif line.action in (INVITE, INVITE_AGAIN):
            token = secrets.token_urlsafe(32)
            invitation = existing.get(line.row.email) or Invitation(
                session_id=session.id, email=line.row.email
            )
            invitation.full_name = line.row.full_name
            profession = professions.get(line.row.profession or "")
            invitation.profession_id = profession.id if profession else None
            invitation.token_hash = hash_token(token)
            invitation.invited_by_id = trainer.id
            invitation.invited_at = utcnow()
            invitation.accepted_at = None
            db.session.add(invitation)
            invited.append(SentInvitation(invitation, token))
    db.session.flush()
    record_event(
        trainer,
        "session.invited",
        "session",
        session.id,
        added=len(added),
        invited=len(invited),
        unchanged=plan.count(MEMBER),
    )
    return InvitationResult(added, invited, plan.count(MEMBER))


def invitation_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    )


def accept_invitation(user: User, invitation: Invitation) -> SessionMember:
    """Join the invitation's session as `user`, who must hold the invited address.

    The usual joining rules apply (join_session: confirmed address, open, not full); the
    invitation is marked accepted in the same transaction. Harmless twice.
    """
    if user.email != invitation.email:
        raise SessionError(
            f"Cette invitation est adressée à {invitation.email} : connectez-vous avec ce "
            "compte pour rejoindre la session."
        )
    member = join_session(user, invitation.session)
    if invitation.accepted_at is None:
        invitation.accepted_at = utcnow()
        db.session.flush()
    return member


def pending_invitations(session: TrainingSession) -> list[Invitation]:
    """Invitations not accepted yet, the latest first."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.session_id == session.id, Invitation.accepted_at.is_(None))
            .order_by(Invitation.invited_at.desc(), Invitation.email)
        )
    )
