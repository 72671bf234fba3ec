"""Account rules: sign-up, authentication, confirmation, passwords, profile, roles, reference data.

Functions flush but never commit: the view or command that calls them commits once.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from training.accounts import login_sessions, tokens
from training.accounts.models import Profession, Role, Territory, User
from training.accounts.passwords import hash_password, password_problem, verify_password
from training.audit.services import record_event
from training.events import account_changed
from training.extensions import built_once, db
from training.timeutils import utcnow


class AccountError(Exception):
    """A rule was broken; the message is French and can be shown to the user."""


class AccountDeactivatedError(AccountError):
    """The password is right, but an admin deactivated the account."""

    def __init__(self) -> None:
        super().__init__("Ce compte est désactivé. Contactez l'équipe de la plateforme.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def register_user(
    *,
    email: str,
    full_name: str,
    password: str,
    profession: Profession,
    territory: Territory,
    organisation: str | None = None,
    role: Role = Role.LEARNER,
) -> User:
    """Create an unconfirmed account; refuse a used e-mail (in any case) or a weak password.

    For commands and administrators, who may be told that an address is taken; the public
    sign-up page uses `sign_up`, which tells nobody."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AccountError("Un compte existe déjà avec cette adresse électronique.")
    if problem := password_problem(password):
        raise AccountError(problem)
    return _add_user(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        profession=profession,
        territory=territory,
        organisation=organisation,
        role=role,
    )


def sign_up(
    *,
    email: str,
    full_name: str,
    password: str,
    profession: Profession,
    territory: Territory,
    organisation: str | None = None,
) -> tuple[User, bool]:
    """A new unconfirmed learner account and True; or, when the address (in any case) already
    has an account, that account, unchanged, and False. A weak password is refused first
    (AccountError), whichever the case.

    Both cases do the same costly work, hashing the password, so that the delay of the answer
    does not tell a visitor which addresses have an account; the caller answers the same page
    in both cases and tells the address's owner by e-mail.
    """
    email = normalise_email(email)
    if problem := password_problem(password):
        raise AccountError(problem)
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        return existing, False
    user = _add_user(
        email=email,
        full_name=full_name,
        password_hash=password_hash,
        profession=profession,
        territory=territory,
        organisation=organisation,
        role=Role.LEARNER,
    )
    return user, True


def _add_user(
    *,
    email: str,
    full_name: str,
    password_hash: str,
    profession: Profession,
    territory: Territory,
    organisation: str | None,
    role: Role,
) -> User:
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=password_hash,
        role=role.value,
        profession=profession,
        territory=territory,
        organisation=(organisation or "").strip() or None,
        consented_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    account_changed(user.id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the password matches; None otherwise, at the same cost whether or not the
    e-mail exists, so that the answer tells nothing about which accounts exist.

    A deactivated account raises AccountDeactivatedError, but only after the right password:
    the message tells nothing to someone who does not know it.

    A failure is recorded in the audit log (the caller commits it too), against the account
    when there is one: never the password, nor an address that has no account. The event is
    written in every case, so that it costs the same whether or not the account exists. The
    success is recorded when the session opens (login_sessions.log_in)."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        reason = "mot de passe incorrect" if user else "compte inconnu"
        record_event(None, "user.login_failed", "user", user.id if user else "", reason=reason)
        return None
    if not user.is_active:
        record_event(None, "user.login_failed", "user", user.id, reason="compte désactivé")
        raise AccountDeactivatedError()
    user.last_login_at = utcnow()
    return user


def email_confirmation_token(user: User) -> str:
    return tokens.make_token(user, tokens.CONFIRM_EMAIL)


def password_reset_token(user: User) -> str:
    return tokens.make_token(user, tokens.RESET_PASSWORD)


def _user_from_token(token: str, purpose: str, max_age_setting: str) -> User:
    payload = tokens.read_token(token, purpose, current_app.config[max_age_setting])
    user = db.session.get(User, payload.get("user"))
    if not tokens.token_matches_user(payload, user, purpose):
        raise tokens.InvalidTokenError()
    return user


def confirm_email(token: str) -> User:
    """Mark the address confirmed; confirming twice is harmless."""
    user = _user_from_token(token, tokens.CONFIRM_EMAIL, "EMAIL_CONFIRMATION_MAX_AGE")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        account_changed(user.id)
    return user


def confirm_invited_email(user: User, invited_email: str) -> bool:
    """Confirm the address of an account created through a mailed invitation to that very
    address (the link proves the mailbox); True if it was confirmed."""
    if user.email != normalise_email(invited_email) or user.email_confirmed_at is not None:
        return False
    user.email_confirmed_at = utcnow()
    account_changed(user.id)
    return True


def user_for_password_reset(token: str) -> User:
    return _user_from_token(token, tokens.RESET_PASSWORD, "PASSWORD_RESET_MAX_AGE")


def _new_password_hash(new_password: str) -> str:
    """The hash of an acceptable password (AccountError otherwise), computed before any lock."""
    if problem := password_problem(new_password):
        raise AccountError(problem)
    return hash_password(new_password)


def reset_password(token: str, new_password: str) -> User:
    """Use a reset link once: the new hash invalidates the link, and every session of the user
    ends; recorded in the audit log. Also confirms the address, since following the link proves
    the user reads that mailbox.

    The link is read again once the user's row is locked: of simultaneous uses of one link,
    the first changes the password, the others get InvalidTokenError."""
    user = user_for_password_reset(token)
    password_hash = _new_password_hash(new_password)
    login_sessions.lock_sessions_of(user)
    user_for_password_reset(token)
    user.password_hash = password_hash
    ended = login_sessions.end_all_sessions(user)
    record_event(user, "user.password_reset", "user", user.id, ended_sessions=ended)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        account_changed(user.id)
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password of the user of the request, after checking the current one; every
    session of the user ends, the request's own included (the caller opens a new one for this
    device, so that a stolen copy of its cookie ends too); recorded in the audit log.

    SessionEndedError if the request's session was ended meanwhile (from another device, or by
    a simultaneous password change): of simultaneous changes, the first wins."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError("Le mot de passe actuel est incorrect.")
    password_hash = _new_password_hash(new_password)
    login_sessions.lock_sessions_of(user)
    login_sessions.require_current_session(user)
    user.password_hash = password_hash
    ended = login_sessions.end_all_sessions(user)
    record_event(user, "user.password_changed", "user", user.id, ended_sessions=ended - 1)
    db.session.flush()


def update_profile(
    user: User,
    *,
    full_name: str,
    profession: Profession,
    territory: Territory,
    organisation: str | None,
) -> None:
    user.full_name = full_name.strip()
    user.profession = profession
    user.territory = territory
    user.organisation = (organisation or "").strip() or None
    db.session.flush()
    account_changed(user.id)


def change_role(actor: User | None, user: User, role: Role) -> None:
    """Give `user` a new role, recorded in the audit log; an admin cannot demote themself,
    so that the platform never loses its last administrator by accident."""
    if user.role == role.value:
        return
    if actor is not None and actor.id == user.id:
        raise AccountError("Vous ne pouvez pas modifier votre propre rôle.")
    previous = user.role
    user.role = role.value
    db.session.flush()
    account_changed(user.id)
    record_event(actor, "user.role_changed", "user", user.id, previous=previous, new=role.value)


def deactivate_user(actor: User | None, user: User) -> bool:
    """Deactivate the account: it can no longer log in, and its open sessions end (their rows
    are deleted; the user loader would refuse them anyway). Its enrolments,
    certificates and everything else stay. An admin cannot deactivate themself, so that the
    platform never loses its last administrator by accident. False if it already was."""
    if actor is not None and actor.id == user.id:
        raise AccountError("Vous ne pouvez pas désactiver votre propre compte.")
    if user.deactivated_at is not None:
        return False
    user.deactivated_at = utcnow()
    login_sessions.lock_sessions_of(user)
    login_sessions.end_all_sessions(user)
    db.session.flush()
    record_event(actor, "user.deactivated", "user", user.id)
    return True


def reactivate_user(actor: User | None, user: User) -> bool:
    """Let a deactivated account log in again (its old sessions stay ended). False if it was
    active. An erased account (privacy.erasure) is never reactivated: it names nobody."""
    if user.erased_at is not None:
        raise AccountError("Ce compte a été supprimé : il ne peut pas être réactivé.")
    if user.deactivated_at is None:
        return False
    user.deactivated_at = None
    db.session.flush()
    record_event(actor, "user.reactivated", "user", user.id)
    return True


def record_confirmation_resent(actor: User | None, user: User) -> None:
    """Record that an admin sends `user` their confirmation link again; refuse it for an address
    confirmed already or a deactivated account. The caller sends the mail, then commits."""
    if user.is_confirmed:
        raise AccountError("L'adresse électronique de ce compte est déjà confirmée.")
    if not user.is_active:
        raise AccountError("Ce compte est désactivé : réactivez-le avant de renvoyer le lien.")
    record_event(actor, "user.confirmation_resent", "user", user.id)


@dataclass(frozen=True)
class UserFilter:
    query: str = ""
    role: str = ""
    territory_id: int | None = None
    profession_id: int | None = None


def search_users(filters: UserFilter, page: int, per_page: int):
    """A page of accounts matching the filters, newest first (a flask_sqlalchemy Pagination)."""
    statement = sa.select(User).order_by(User.created_at.desc(), User.id.desc())
    if filters.query:
        pattern = f"%{filters.query.strip().lower()}%"
        statement = statement.where(
            sa.or_(User.email.like(pattern), sa.func.lower(User.full_name).like(pattern))
        )
    if filters.role:
        statement = statement.where(User.role == filters.role)
    if filters.territory_id:
        statement = statement.where(User.territory_id == filters.territory_id)
    if filters.profession_id:
        statement = statement.where(User.profession_id == filters.profession_id)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def list_professions() -> list[Profession]:
    """Every profession, retired ones included: for statistics, filters and the admin pages."""
    return list(db.session.scalars(_professions()))


@built_once
def _professions() -> sa.Select:
    return sa.select(Profession).order_by(Profession.position, Profession.name)


def profession_names() -> dict[str, str]:
    """The name of every profession by its code, retired ones included: what course cards
    show of their audiences (plain rows, no account objects)."""
    return dict(db.session.execute(_profession_names()).all())


@built_once
def _profession_names() -> sa.Select:
    return sa.select(Profession.code, Profession.name).order_by(
        Profession.position, Profession.name
    )


def list_territories() -> list[Territory]:
    """Every territory, retired ones included: for statistics, filters and the admin pages."""
    return list(
        db.session.scalars(
            sa.select(Territory).order_by(
                Territory.is_pilot.desc(), Territory.position, Territory.name
            )
        )
    )


def offered_professions(keep: Profession | None = None) -> list[Profession]:
    """The professions a form offers: those not retired, plus `keep` (the one an account or a
    record being edited already names, so that editing it does not force a change)."""
    return [p for p in list_professions() if p.retired_at is None or p == keep]


def offered_territories(keep: Territory | None = None) -> list[Territory]:
    """The territories a form offers: those not retired, plus `keep` (see offered_professions)."""
    return [t for t in list_territories() if t.retired_at is None or t == keep]


def retire_reference(item: Territory | Profession, actor: User | None) -> bool:
    """Stop offering a territory or a profession in forms (sign-up, profile, sessions,
    invitation files, target populations). Accounts, enrolments and statistics that name it
    keep it. At least one of each kind stays offered, so that anyone can still sign up.
    False if it already was retired."""
    if item.retired_at is not None:
        return False
    model = type(item)
    offered = db.session.scalar(
        sa.select(sa.func.count(model.id)).where(model.retired_at.is_(None), model.id != item.id)
    )
    if not offered:
        raise AccountError(
            "C'est le dernier territoire proposé : ajoutez-en un autre avant de retirer celui-ci."
            if model is Territory
            else "C'est la dernière profession proposée : ajoutez-en une autre avant de retirer "
            "celle-ci."
        )
    item.retired_at = utcnow()
    db.session.flush()
    if isinstance(item, Territory):
        record_event(actor, "territory.retired", "territory", item.id, name=item.name)
    else:
        record_event(actor, "profession.retired", "profession", item.id, name=item.name)
    return True


def reactivate_reference(item: Territory | Profession, actor: User | None) -> bool:
    """Offer a retired territory or profession in forms again. False if it was not retired."""
    if item.retired_at is None:
        return False
    item.retired_at = None
    db.session.flush()
    if isinstance(item, Territory):
        record_event(actor, "territory.reactivated", "territory", item.id, name=item.name)
    else:
        record_event(actor, "profession.reactivated", "profession", item.id, name=item.name)
    return True


def _refuse_clash(
    model: type[Territory] | type[Profession], item: object, name: str, code: str, message: str
) -> None:
    """Reference data keep unique names and codes: refuse another row with either."""
    clash = db.session.scalar(
        sa.select(model).where(sa.or_(model.name == name, model.code == code))
    )
    if clash is not None and clash is not item:
        raise AccountError(message)


def save_territory(
    territory: Territory | None, *, name: str, code: str, is_pilot: bool, actor: User | None
) -> Territory:
    """Create (territory=None) or update a territory; names and codes stay unique.

    The code of an existing territory never changes: exports and statistics refer to it."""
    name = name.strip()
    code = territory.code if territory is not None else code.strip().lower()
    _refuse_clash(Territory, territory, name, code, "Un territoire porte déjà ce nom ou ce code.")
    if territory is None:
        territory = Territory(position=0)
        db.session.add(territory)
    territory.name, territory.code, territory.is_pilot = name, code, is_pilot
    db.session.flush()
    record_event(actor, "territory.saved", "territory", territory.id, name=name, pilot=is_pilot)
    return territory


def save_profession(
    profession: Profession | None, *, name: str, code: str, actor: User | None
) -> Profession:
    """Create (profession=None) or update a profession; names and codes stay unique.

    The code of an existing profession never changes: course files (`audiences`) refer to it."""
    name = name.strip()
    code = profession.code if profession is not None else code.strip().lower()
    _refuse_clash(
        Profession, profession, name, code, "Une profession porte déjà ce nom ou ce code."
    )
    if profession is None:
        profession = Profession(position=100)
        db.session.add(profession)
    profession.name, profession.code = name, code
    db.session.flush()
    record_event(actor, "profession.saved", "profession", profession.id, name=name)
    return profession
