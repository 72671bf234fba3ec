"""Hostile or broken input: refused with a clear message, or rendered harmless."""

import pytest

from training.content.parser import parse_course
from training.content.problems import CourseFormatError

from .conftest import LESSON, QUIZ

LESSON_HEADER = "---\nkind: lesson\ntitle: Leçon\n---\n"


def error_messages(course) -> list[str]:
    with pytest.raises(CourseFormatError) as error:
        parse_course(course.path)
    return [str(problem) for problem in error.value.errors]


def lesson_html(course) -> str:
    return parse_course(course.path).steps[0].body_html


def test_raw_html_is_shown_as_text(course):
    course.write(
        LESSON,
        LESSON_HEADER + "<script>alert('x')</script>\n\nUne image <img src=x onerror=alert(1)>.\n",
    )

    html = lesson_html(course)

    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//exemple.fr/page",
    ],
)
def test_a_dangerous_link_is_refused(course, url):
    course.write(LESSON, LESSON_HEADER + f"[cliquez]({url})\n")

    [message] = error_messages(course)

    assert f"{course / LESSON}:5: lien refusé" in message


def test_an_autolink_to_javascript_is_refused(course):
    course.write(LESSON, LESSON_HEADER + "<javascript:alert(1)>\n")
    [message] = error_messages(course)
    assert "lien refusé" in message


@pytest.mark.parametrize(
    "path",
    ["../../../etc/passwd", "../images/../../../etc/passwd", "/etc/passwd", "%2e%2e/%2e%2e/x.png"],
)
def test_an_image_outside_the_course_is_refused(course, path):
    course.write(LESSON, LESSON_HEADER + f"![mot de passe]({path})\n")

    [message] = error_messages(course)

    assert "image hors du dossier du cours refusé" in message


def test_a_symbolic_link_is_refused(course, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\nsecret")
    (course / "images" / "lien.png").symlink_to(secret)

    [message] = error_messages(course)

    assert message == f"{course / 'images/lien.png'}:1: lien symbolique refusé : " + (
        "placez le fichier lui-même"
    )


def test_a_5_mb_step_is_refused_with_its_size(course):
    (course / LESSON).write_bytes(LESSON_HEADER.encode() + b"x" * (5 * 1024 * 1024))

    [message] = error_messages(course)

    assert message == (
        f"{course / LESSON}:1: fichier trop volumineux : 5,0 Mo,"
        " pour un maximum de 1 Mo par fichier"
    )


def test_a_big_image_is_refused_too(course):
    (course / "images" / "grande.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2 * 1024 * 1024))
    [message] = error_messages(course)
    assert "fichier trop volumineux : 2,0 Mo" in message


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("- " * 10_000 + "fond", 5),
        ("> " * 10_000 + "fond", 5),
        ("\n".join("  " * level + "- niveau" for level in range(300)), 5 + 8),
    ],
    ids=["list", "quote", "indented-list"],
)
def test_thousands_of_nested_levels_are_refused_not_crashing(course, body, line):
    """markdown-it stops nesting at 20 levels (and drops the rest): the validator says so,
    on the line where the limit is reached."""
    course.write(LESSON, LESSON_HEADER + body + "\n")

    [message] = error_messages(course)

    assert f"{course / LESSON}:{line}: trop de niveaux imbriqués" in message


def test_nesting_within_the_limit_is_rendered(course):
    course.write(LESSON, LESSON_HEADER + "- " * 8 + "fond\n")
    assert lesson_html(course).count("<ul>") == 8


def test_a_file_that_is_not_utf8_is_refused_with_its_line(course):
    (course / LESSON).write_bytes(
        LESSON_HEADER.encode() + "Première ligne\nDeuxième ligne\n".encode("latin-1")
    )

    [message] = error_messages(course)

    assert message.startswith(f"{course / LESSON}:5: le fichier n'est pas en UTF-8")


def test_yaml_python_objects_are_refused(course):
    course.write(LESSON, "---\nkind: lesson\ntitle: !!python/object/apply:os.system ['id']\n---\n")

    [message] = error_messages(course)

    assert message == (
        f"{course / LESSON}:3: type YAML non autorisé « !!python/object/apply:os.system » :"
        " l'en-tête n'accepte que du texte, des nombres, des listes, true/false et null"
    )


def test_deeply_nested_yaml_is_refused(course):
    course.write(LESSON, "---\nkind: lesson\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n")
    [message] = error_messages(course)
    assert "en-tête YAML trop imbriqué" in message


def test_a_yaml_list_instead_of_a_mapping_is_refused(course):
    course.write(LESSON, "---\n- kind\n- lesson\n---\n")
    [message] = error_messages(course)
    assert "en-tête invalide" in message


@pytest.mark.parametrize(("count", "marker"), [(0, None), (200, "( )")])
def test_a_quiz_with_0_or_200_choices_is_refused(course, count, marker):
    choices = "".join(f"- {marker} Choix {n}\n  > Retour.\n" for n in range(count))
    if count:
        choices = choices.replace("( ) Choix 0", "(x) Choix 0", 1)
    course.write(QUIZ, f"---\nkind: quiz\ntitle: Quiz\n---\n## Combien ?\n\n{choices}")

    [message] = error_messages(course)

    expected = "de 2 à 20 choix (200 trouvés)" if count else "question sans choix"
    assert f"{course / QUIZ}:5: " in message
    assert expected in message


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">x</a></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://pisteur.exemple/p.gif"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
    ],
    ids=["script", "handler", "javascript", "external", "foreign-object", "entity"],
)
def test_an_unsafe_svg_is_refused(course, svg):
    course.write("images/trois-elements.svg", svg)

    [message] = error_messages(course)

    assert "image SVG refusée" in message


def test_nothing_escapes_the_sanitiser():
    from training.content.renderer import sanitize

    html = sanitize(
        '<p onclick="x()" class="evil fr-callout__title" style="color:red">a</p>'
        '<a href="javascript:alert(1)">b</a><iframe src="x"></iframe><img src="x" onerror="y">'
        '<div class="fr-callout attaque">c</div><td style="position:fixed;text-align:right">d</td>'
    )

    assert html == (
        '<p class="fr-callout__title">a</p><a rel="noopener noreferrer">b</a><img src="x">'
        '<div class="fr-callout">c</div>d'
    )
