"""Who may edit a course: its owners and co-authors (trainers), and every admin.

Only admins manage a course's authors. A course imported from files has no author until an
admin adds one or a draft of it is published (drafts.py); once it has an owner, it keeps one.
Functions that write flush and never commit: the caller commits once.
"""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from training.accounts.models import Role, User
from training.accounts.services import find_user_by_email
from training.audit.services import record_event
from training.authoring.models import CourseAuthor
from training.content.models import Course
from training.extensions import db


class AuthorError(Exception):
    """A change of a course's authors refused; the message, in French, is for the admin."""


def may_edit(user: User | None, course: Course) -> bool:
    """Whether `user` may open, change and publish drafts of `course`: any admin, and the
    trainers who are its authors (a trainer who loses the role loses the right)."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.TRAINER):
        return False
    return _author(course, user) is not None


def course_authors(course: Course) -> list[CourseAuthor]:
    """The authors of `course`, owners first, then by name, their users loaded."""
    return list(
        db.session.scalars(
            sa.select(CourseAuthor)
            .join(CourseAuthor.user)
            .where(CourseAuthor.course_id == course.id)
            .options(joinedload(CourseAuthor.user))
            .order_by(CourseAuthor.is_owner.desc(), User.full_name, User.id)
        )
    )


def courses_of_author(user: User) -> list[Course]:
    """The courses `user` may edit, by slug: every course for an admin, the courses a trainer
    owns or co-authors, none for anyone else."""
    query = sa.select(Course).order_by(Course.slug)
    if user.has_role(Role.ADMIN):
        return list(db.session.scalars(query))
    if not user.has_role(Role.TRAINER):
        return []
    return list(
        db.session.scalars(
            query.join(CourseAuthor, CourseAuthor.course_id == Course.id).where(
                CourseAuthor.user_id == user.id
            )
        )
    )


def add_co_author(
    course: Course, user: User, by_admin: User | None, *, as_owner: bool = False
) -> CourseAuthor:
    """Make the trainer `user` an author of `course` (an owner with `as_owner`), recording an
    audit event. Harmless twice; an existing co-author becomes an owner with `as_owner`, and an
    owner never becomes a mere co-author here.

    `by_admin` None is the command line (`flask authoring add-author`), whose operator has the
    server in hand. Raises AuthorError if `by_admin` is not an admin or `user` is not a trainer
    (admins may already edit every course).
    """
    if by_admin is not None:
        _require_admin(by_admin)
    if not user.has_role(Role.TRAINER):
        raise AuthorError(
            f"{user.full_name} n'a pas le rôle de formateur : seul un formateur peut être auteur"
            " d'une formation (les administrateurs peuvent déjà toutes les modifier)."
        )
    author = _author(course, user)
    if author is None:
        author = CourseAuthor(course_id=course.id, user_id=user.id, is_owner=as_owner)
        try:
            with db.session.begin_nested():
                db.session.add(author)
        except IntegrityError:  # added at the same moment by another admin
            author = _author(course, user)
            if author is None:
                raise
    elif as_owner and not author.is_owner:
        author.is_owner = True
    else:
        return author
    db.session.flush()
    record_event(
        by_admin,
        "course.author_added",
        "course",
        course.id,
        slug=course.slug,
        user_id=user.id,
        owner=author.is_owner,
    )
    return author


def add_co_author_by_email(course: Course, email: str, by_admin: User) -> CourseAuthor:
    """Make the trainer whose account has the address `email` a co-author of `course`, as the
    admins' page does it: unlike `add_co_author`, adding someone who is already an author is
    refused, so that the admin learns nothing was changed.

    Raises AuthorError, with a message in French, if `by_admin` is not an admin (checked before
    anything is looked up), if no account has that address, if its holder is not a trainer or
    is already an author of `course`.
    """
    _require_admin(by_admin)
    user = find_user_by_email(email)
    if user is None:
        raise AuthorError(
            f"Aucun compte n'a l'adresse « {email} » : la personne doit d'abord créer son compte,"
            " puis recevoir le rôle de formateur."
        )
    if _author(course, user) is not None:
        raise AuthorError(
            f"{user.full_name} figure déjà parmi les autrices et auteurs de cette formation."
        )
    return add_co_author(course, user, by_admin)


def remove_co_author(course: Course, user: User, by_admin: User) -> None:
    """Take `user` off the authors of `course`, recording an audit event.

    Raises AuthorError if `by_admin` is not an admin, if `user` is not an author, or if `user`
    is the course's last owner. The course's row is locked first, so that two admins removing
    the last two owners at the same moment cannot both succeed.
    """
    _require_admin(by_admin)
    db.session.execute(sa.select(Course.id).where(Course.id == course.id).with_for_update())
    author = _author(course, user)
    if author is None:
        raise AuthorError(f"{user.full_name} n'est pas auteur de cette formation.")
    if author.is_owner:
        owners = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(CourseAuthor)
            .where(CourseAuthor.course_id == course.id, CourseAuthor.is_owner.is_(True))
        )
        if owners <= 1:
            raise AuthorError(
                f"{user.full_name} est le seul propriétaire de cette formation : désignez d'abord"
                " un autre propriétaire."
            )
    db.session.delete(author)
    db.session.flush()
    record_event(
        by_admin,
        "course.author_removed",
        "course",
        course.id,
        slug=course.slug,
        user_id=user.id,
        owner=author.is_owner,
    )


def make_first_owner(course: Course, user_id: int) -> bool:
    """Make `user_id` the owner of `course` if the course has no author yet; whether it did."""
    has_author = db.session.scalar(
        sa.select(sa.exists().where(CourseAuthor.course_id == course.id))
    )
    if has_author:
        return False
    db.session.add(CourseAuthor(course_id=course.id, user_id=user_id, is_owner=True))
    db.session.flush()
    return True


def _author(course: Course, user: User) -> CourseAuthor | None:
    return db.session.scalar(
        sa.select(CourseAuthor).where(
            CourseAuthor.course_id == course.id, CourseAuthor.user_id == user.id
        )
    )


def _require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise AuthorError("Seul un administrateur gère les auteurs d'une formation.")
