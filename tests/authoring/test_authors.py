"""Who may edit a course: owners, co-authors added by admins, and admins."""

import pytest
import sqlalchemy as sa

from training.audit.models import AuditEvent
from training.authoring import drafts
from training.authoring.authors import (
    AuthorError,
    add_co_author,
    add_co_author_by_email,
    course_authors,
    courses_of_author,
    may_edit,
    remove_co_author,
)
from training.content.models import Course
from training.extensions import db

from .conftest import SLUG


def test_owners_and_admins_may_edit_other_trainers_and_learners_may_not(team):
    assert may_edit(team.owner, team.course)
    assert may_edit(team.admin, team.course)
    assert not may_edit(team.other, team.course)
    assert not may_edit(team.learner, team.course)
    assert not may_edit(None, team.course)


def test_a_co_author_added_by_an_admin_may_edit_and_open_the_draft(team):
    author = add_co_author(team.course, team.other, team.admin)

    assert not author.is_owner
    assert may_edit(team.other, team.course)
    assert drafts.open_draft(SLUG, team.other).slug == SLUG
    assert [(a.user.full_name, a.is_owner) for a in course_authors(team.course)] == [
        ("Alice Propriétaire", True),
        ("Chloé Autre", False),
    ]


def test_adding_twice_changes_nothing_and_only_admins_add(team):
    add_co_author(team.course, team.other, team.admin)
    add_co_author(team.course, team.other, team.admin)

    assert len(course_authors(team.course)) == 2
    with pytest.raises(AuthorError, match="Seul un administrateur"):
        add_co_author(team.course, team.other, team.owner)


def test_only_trainers_become_authors(team):
    with pytest.raises(AuthorError, match="n'a pas le rôle de formateur"):
        add_co_author(team.course, team.learner, team.admin)


def test_the_last_owner_cannot_be_removed(team):
    with pytest.raises(AuthorError, match="seul propriétaire"):
        remove_co_author(team.course, team.owner, team.admin)

    add_co_author(team.course, team.other, team.admin, as_owner=True)
    remove_co_author(team.course, team.owner, team.admin)

    assert [a.user_id for a in course_authors(team.course)] == [team.other.id]
    assert not may_edit(team.owner, team.course)


def test_a_co_author_is_removed_by_an_admin_only(team):
    add_co_author(team.course, team.other, team.admin)

    with pytest.raises(AuthorError, match="Seul un administrateur"):
        remove_co_author(team.course, team.other, team.owner)
    remove_co_author(team.course, team.other, team.admin)

    assert not may_edit(team.other, team.course)
    actions = sa.select(AuditEvent.action).order_by(AuditEvent.id)
    assert list(db.session.scalars(actions))[-2:] == [
        "course.author_added",
        "course.author_removed",
    ]


def test_courses_of_an_author(team):
    every = list(db.session.scalars(sa.select(Course.slug).order_by(Course.slug)))

    assert [course.slug for course in courses_of_author(team.owner)] == [SLUG]
    assert courses_of_author(team.other) == []
    assert courses_of_author(team.learner) == []
    assert [course.slug for course in courses_of_author(team.admin)] == every


def test_an_admin_adds_a_co_author_by_the_address_of_their_account(team):
    author = add_co_author_by_email(team.course, f"  {team.other.email.upper()} ", team.admin)

    assert (author.user_id, author.is_owner) == (team.other.id, False)
    assert may_edit(team.other, team.course)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("inconnue@exemple.fr", "Aucun compte n'a l'adresse « inconnue@exemple.fr »"),
        ("learner", "Denis Apprenant n'a pas le rôle de formateur"),
        ("owner", "Alice Propriétaire figure déjà parmi les autrices et auteurs"),
        ("admin", "Bruno Admin n'a pas le rôle de formateur"),
    ],
)
def test_adding_by_address_refuses_unknown_accounts_non_trainers_and_authors(team, who, message):
    email = getattr(team, who).email if "@" not in who else who
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))

    with pytest.raises(AuthorError, match=message):
        add_co_author_by_email(team.course, email, team.admin)

    assert [a.user_id for a in course_authors(team.course)] == [team.owner.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


def test_only_admins_add_by_address_and_learn_nothing_of_accounts_otherwise(team):
    for email in (team.other.email, "inconnue@exemple.fr"):
        with pytest.raises(AuthorError, match="Seul un administrateur"):
            add_co_author_by_email(team.course, email, team.owner)
