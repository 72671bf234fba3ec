"""Every step of every catalogue course, visited once and audited: content (a table, a long
list, a heading skipped in a lesson) can never bring an accessibility violation back unseen.

A new learner enrols in the common core and some tracks of `courses/` (the ones `flask demo`
imports), the common core first: the tracks require it, so she completes it as a learner does
(« J'ai terminé cette étape », quizzes passed); the demo learner who finished the common core
visits the other tracks, in a second test that pytest-xdist can run beside the first. In the
tracks, « Étape suivante » leads from step to step, a quiz's page is checked without starting
it, and each scenario is played along its best path, every stage checked. Lessons are long:
their full-page screenshot is skipped (`screenshot=False`) and reflow is checked at 320 px
only (`narrow_only`); axe-core and the HTML checker run on every page.
"""

from playwright.sync_api import Page, expect

from training.content.parsed import ParsedCourse, ParsedStep
from training.content.parser import parse_course
from training.content.scenario import best_path

from .keyboard import is_focused
from .live_server import PROJECT_ROOT
from .steps import answer_rightly, confirm_email, log_in, log_in_as_demo, new_email, sign_up

CATALOGUE = PROJECT_ROOT / "courses"


def catalogue_courses() -> list[ParsedCourse]:
    """The courses of the catalogue, each after the courses it requires."""
    courses: dict[str, ParsedCourse] = {}
    for folder in sorted(path for path in CATALOGUE.iterdir() if (path / "course.md").is_file()):
        course = parse_course(folder)
        courses[course.slug] = course
    ordered: list[ParsedCourse] = []

    def add(slug: str) -> None:
        if slug in courses and courses[slug] not in ordered:
            for prerequisite in courses[slug].prerequisites:
                add(prerequisite)
            ordered.append(courses[slug])

    for slug in courses:
        add(slug)
    return ordered


#: The tracks the demo learner who finished the common core visits, in a test of her own: the
#: two tests share the catalogue between pytest-xdist's workers. The health track is not hers:
#: tests/browser/test_without_javascript.py enrols her there.
CERTIFIED_LEARNER_TRACKS = {"enseignants", "inspection-travail", "magistrats"}


def test_a_new_learner_visits_every_step_of_the_common_core_and_tracks(journey, mailbox, live_site):
    courses = [c for c in catalogue_courses() if c.slug not in CERTIFIED_LEARNER_TRACKS]
    assert len(courses) >= 4, [course.slug for course in courses]
    journey.start()
    email = new_email("Camille")
    sign_up(journey, email=email, full_name="Camille Roux")
    confirm_email(journey, mailbox, email)
    log_in(journey, email)
    visit_courses(journey, courses, live_site.right_choice_ids())


def test_the_certified_learner_visits_every_step_of_the_other_tracks(journey, live_site):
    courses = [c for c in catalogue_courses() if c.slug in CERTIFIED_LEARNER_TRACKS]
    assert len(courses) == len(CERTIFIED_LEARNER_TRACKS)
    journey.start()
    log_in_as_demo(journey, "certified")
    visit_courses(journey, courses, live_site.right_choice_ids())


def visit_courses(journey, courses: list[ParsedCourse], right_choices: set[str]) -> None:
    """Enrol in each course from the catalogue and visit its steps; the courses another
    course requires are completed."""
    page = journey.page
    required = {slug for course in catalogue_courses() for slug in course.prerequisites}
    for course in courses:
        page.get_by_role("navigation", name="Menu principal").get_by_role(
            "link", name="Formations"
        ).click()
        journey.check(f"{course.slug} — catalogue", screenshot=False, narrow_only=True)
        page.get_by_role("main").get_by_role("link", name=course.title, exact=True).click()
        journey.check(f"{course.slug} — fiche de la formation", screenshot=False, narrow_only=True)
        if course.fiche is not None:
            # The course page links to its fiche réflexe; the learner opens it later, from the
            # course page's address, so as not to load the course page twice.
            fiche_link = page.get_by_role("link", name="Fiche réflexe (à imprimer)")
            fiche_url = journey.base_url + fiche_link.get_attribute("href")
        page.get_by_role("button", name="S'inscrire").click()
        visit_every_step(journey, course, complete=course.slug in required, right=right_choices)
        if course.fiche is not None:
            page.goto(fiche_url)
            journey.check(f"{course.slug} — fiche réflexe", screenshot=False, narrow_only=True)
            expect(page.get_by_role("heading", level=1)).to_have_text(course.fiche.title)


def visit_every_step(journey, course: ParsedCourse, *, complete: bool, right: set[str]) -> None:
    """From the first step (just enrolled), every step once, in order; `complete`: mark lessons
    done and pass quizzes, as a learner does, so that the courses requiring it open."""
    page = journey.page
    steps = [step for module in course.modules for step in module.steps]
    for position, step in enumerate(steps, start=1):
        name = f"{course.slug} — {step.key}"
        journey.check(name, screenshot=False, narrow_only=True)
        expect(page.get_by_role("heading", level=1)).to_have_text(step.title)
        expect(page.get_by_text(f"Étape {position} sur {len(steps)}")).to_be_visible()
        last = position == len(steps)
        if complete and step.kind == "quiz":
            pass_quiz(journey, name, right)
            if last:
                break
            page.get_by_role("link", name="Continuer la formation").click()
        elif step.kind == "scenario":
            play_best_path(journey, name, step)
            if not last:
                next_link(page).click()
        elif complete:
            page.get_by_role("button", name="J'ai terminé cette étape").click()
            if last:
                journey.check(
                    f"{course.slug} — formation terminée", screenshot=False, narrow_only=True
                )
                expect(page.get_by_role("status")).to_contain_text("vous avez terminé")
        elif not last:
            next_link(page).click()
    if not complete:
        expect(next_link(page)).to_have_count(0)


def next_link(page: Page):
    return page.get_by_role("navigation", name="Étapes précédente et suivante").get_by_role(
        "link", name="Étape suivante"
    )


def pass_quiz(journey, name: str, right: set[str]) -> None:
    page = journey.page
    page.get_by_role("button", name="Commencer le quiz").click()
    journey.check(f"{name} — questions", screenshot=False, narrow_only=True)
    answer_rightly(page, right)
    page.get_by_role("button", name="Valider mes réponses").click()
    journey.check(f"{name} — résultat", screenshot=False, narrow_only=True)
    expect(page.locator("#resultat")).to_contain_text("Quiz réussi")


def play_best_path(journey, name: str, step: ParsedStep) -> None:
    """Play the scenario `step` taking the best choice at every stage, each stage checked; the
    consequence of a decision heads the next page and has the focus. Ends back on the step."""
    page = journey.page
    page.get_by_role("button", name="Commencer la mise en situation").click()
    stages = {stage.key: stage for stage in step.stages}
    for number, (key, index) in enumerate(best_path(step.stages), start=1):
        journey.check(f"{name} — décision {number}", screenshot=False, narrow_only=True)
        expect(page.get_by_role("group")).to_have_accessible_name(
            f"{stages[key].title} : que faites-vous ?"
        )
        if number > 1:
            assert is_focused(page.locator("#consequence"))
        page.get_by_role("group").locator("label").nth(index).click()
        page.get_by_role("button", name="Valider ce choix").click()
    journey.check(f"{name} — bilan", screenshot=False, narrow_only=True)
    expect(page.get_by_role("main")).to_contain_text("Mise en situation réussie : 100 %")
    page.get_by_role("navigation", name="vous êtes ici :").get_by_role(
        "link", name=step.title, exact=True
    ).click()
    journey.check(f"{name} — étape réussie", screenshot=False, narrow_only=True)
    expect(page.get_by_text("Mise en situation réussie")).to_be_visible()
