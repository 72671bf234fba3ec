"""Rendering: DSFR markup for callouts and tables, anchors, links, and valid HTML5."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from training.content.parser import parse_course
from training.content.renderer import CourseRenderer, Source

from .conftest import EXAMPLE, catalogue_courses

VOID = {"br", "hr", "img"}
PHRASING = {"a", "code", "em", "s", "strong", "br", "img"}
PHRASING_ONLY_PARENTS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", *PHRASING}
REQUIRED_PARENTS = {
    "li": {"ul", "ol"},
    "tr": {"thead", "tbody"},
    "td": {"tr"},
    "th": {"tr"},
    "thead": {"table"},
    "tbody": {"table"},
}


class HtmlChecker(HTMLParser):
    """Checks what an HTML5 validator would reject in the fragments this renderer emits:
    unbalanced or misnested tags, flow content in phrasing content, misplaced list and table
    parts, duplicate ids and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: set[str] = set()
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1] if self.stack else None
        if tag not in PHRASING and set(self.stack) & PHRASING_ONLY_PARENTS:
            self.errors.append(f"<{tag}> inside phrasing content {self.stack}")
        if tag in REQUIRED_PARENTS and parent not in REQUIRED_PARENTS[tag]:
            self.errors.append(f"<{tag}> inside <{parent}>")
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"duplicate attribute in <{tag}>")
        for name, value in attrs:
            if name == "id":
                if value in self.ids:
                    self.errors.append(f"duplicate id {value}")
                self.ids.add(value)
        if tag == "img" and "alt" not in names:
            self.errors.append("<img> without alt")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def check(self, html: str) -> list[str]:
        self.feed(html)
        self.close()
        return self.errors + [f"<{tag}> not closed" for tag in self.stack]


def rendered_fragments(folder: Path) -> list[tuple[str, str, bool]]:
    """(where, html, inline) for every piece of HTML of a course."""
    course = parse_course(folder)
    fragments = [("presentation", course.presentation_html, False)]
    for module in course.modules:
        fragments.append((module.key, module.intro_html, False))
        for step in module.steps:
            fragments.append((step.key, step.body_html, False))
            for number, question in enumerate(step.questions, 1):
                where = f"{step.key} question {number}"
                fragments += [
                    (where, question.prompt_html, True),
                    (where, question.context_html, False),
                    (where, question.explanation_html, False),
                ]
                for choice in question.choices:
                    fragments += [
                        (where, choice.text_html, True),
                        (where, choice.feedback_html, False),
                    ]
    return fragments


@pytest.mark.parametrize("folder", [EXAMPLE, *catalogue_courses()], ids=lambda path: path.name)
def test_every_rendered_fragment_is_valid_html5(folder):
    for where, html, inline in rendered_fragments(folder):
        assert HtmlChecker().check(html) == [], where
        if inline:
            assert HtmlChecker().check(f"<p>{html}</p>") == [], f"{where}: not phrasing content"


def render(
    markdown: str, folder: str = "01-module", *, show_review_notes: bool = False
) -> tuple[str, list[str]]:
    renderer = CourseRenderer(
        {"01-module/01-a", "02-autre/01-b"},
        {"images/schema.png"},
        show_review_notes=show_review_notes,
    )
    html = renderer.render(markdown, Source(Path("lecon.md"), folder, 1))
    return html, [problem.message for problem in renderer.problems]


def test_callouts_are_dsfr_components():
    html, problems = render(
        "::: a-retenir\nA\n:::\n\n::: attention\nB\n:::\n\n"
        "::: cas-pratique Un <élève> absent\nC\n:::\n\n::: a-valider\nD\n:::\n",
        show_review_notes=True,
    )

    assert problems == []
    assert html == (
        '<div class="fr-callout fr-icon-lightbulb-line">\n'
        '<p class="fr-callout__title">À retenir</p>\n<div class="fr-callout__text">\n'
        "<p>A</p>\n</div>\n</div>\n"
        '<div class="fr-highlight fr-highlight--orange-terre-battue">\n'
        '<p class="fr-text--bold">Attention</p>\n<p>B</p>\n</div>\n'
        '<div class="fr-callout fr-callout--blue-ecume fr-icon-team-line">\n'
        '<p class="fr-callout__title">Cas pratique : Un &lt;élève&gt; absent</p>\n'
        '<div class="fr-callout__text">\n<p>C</p>\n</div>\n</div>\n'
        '<div class="fr-alert fr-alert--warning">\n<p class="fr-alert__title">À valider</p>\n'
        "<p>D</p>\n</div>\n"
    )


def test_callouts_may_hold_lists_and_nest_with_a_longer_fence():
    html, problems = render("::::: a-retenir\n- un\n- deux\n\n::: attention\nB\n:::\n:::::\n")
    assert problems == []
    assert HtmlChecker().check(html) == []
    assert html.count('class="fr-highlight') == 1


def test_headings_get_anchors_and_tables_the_dsfr_wrapper():
    html, _ = render("## Les trois éléments\n\n### Détail\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n")

    assert '<h2 id="les-trois-éléments">Les trois éléments</h2>' in html
    assert '<h3 id="détail">Détail</h3>' in html
    assert html.count('<div class="fr-table">') == 1
    assert '<td style="text-align:right">2</td>' in html
    # The frame scrolls a wide table: the keyboard reaches it (axe scrollable-region-focusable).
    assert '<table tabindex="0">' in html


def test_a_level_one_heading_becomes_h2_with_a_warning():
    """The page shows the step's title as its only h1."""
    html, problems = render("# Titre répété\n\nTexte.\n")

    assert "<h1" not in html
    assert "<h2>Titre répété</h2>" in html
    assert len(problems) == 1
    assert "réservé au titre de l'étape" in problems[0]


def test_strikethrough_and_emphasis():
    html, _ = render("~~ancien~~ *nouveau* **fort**")
    assert html == "<p><s>ancien</s> <em>nouveau</em> <strong>fort</strong></p>\n"


def test_links_are_rewritten_to_the_documented_scheme():
    html, problems = render(
        "[a](01-a.md) [b](../02-autre/01-b.md#titre) [c](https://exemple.fr/?q=1)"
        " [d](mailto:aide@exemple.fr) [e](#plus-bas) ![f](../images/schema.png)"
    )

    assert problems == []
    assert '<a href="../01-module/01-a" data-step-key="01-module/01-a"' in html
    assert '<a href="../02-autre/01-b#titre" data-step-key="02-autre/01-b"' in html
    assert '<a href="https://exemple.fr/?q=1"' in html
    assert '<a href="mailto:aide@exemple.fr"' in html
    assert '<a href="#plus-bas"' in html
    assert '<img src="../images/schema.png" alt="f" class="fr-responsive-img">' in html


def test_links_from_the_presentation_have_no_parent_folder():
    html, problems = render("[a](01-module/01-a.md) ![f](images/schema.png)", folder="")
    assert problems == []
    assert 'href="01-module/01-a"' in html
    assert 'src="images/schema.png"' in html


def test_a_refused_link_keeps_its_text_but_loses_its_target():
    html, problems = render("[cliquez](javascript:alert(1))")
    assert html == '<p><a rel="noopener noreferrer">cliquez</a></p>\n'
    assert problems[0].startswith("lien refusé (javascript:alert(1))")


def test_a_stray_callout_fence_is_reported():
    _, problems = render("Texte\n\n:::\n")
    assert problems == ["« ::: » ne ferme aucun encadré ouvert"]


def test_review_notes_are_absent_from_the_learners_html():
    markdown = (
        "Avant.\n\n::: a-valider Référence\nVérifier l'article [x](../02-autre/01-b.md).\n:::\n\n"
        ":::: a-retenir\nGardé.\n\n::: a-valider\nNote imbriquée.\n:::\n::::\n\n"
        "- point\n\n  ::: a-valider\n  Dans une liste.\n  :::\n\nAprès.\n"
    )

    html, problems = render(markdown)
    preview, _ = render(markdown, show_review_notes=True)

    assert problems == []
    for text in ("À valider", "Vérifier", "Note imbriquée", "Dans une liste", "fr-alert"):
        assert text not in html
        assert text in preview
    for text in ("Avant.", "Gardé.", "point", "Après."):
        assert text in html


def test_links_in_review_notes_are_still_checked():
    _, problems = render("::: a-valider\n[x](javascript:alert(1))\n:::\n")

    assert any("lien refusé" in problem for problem in problems)
