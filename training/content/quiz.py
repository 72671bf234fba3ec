"""The body of a quiz step: questions (`## …`), their choices, feedback and explanations.

The parse tree of markdown-it gives the structure (headings, the list of choices, the blockquote
under each choice); the raw Markdown of each part is then sliced from the source lines, so that
it can be stored, exported and edited as the trainer wrote it.
"""

import re
import textwrap

from markdown_it.token import Token

from training.content.parsed import ParsedChoice, ParsedQuestion
from training.content.problems import Problem
from training.content.renderer import CourseRenderer, Source, tokenize

MIN_CHOICES = 2
MAX_CHOICES = 20
_MARKER = re.compile(r"^\s*[-*+]\s+(?:\((?P<round>[ xX])\)|\[(?P<square>[ xX])\])(?=\s|$)\s*")
_FEEDBACK_PREFIX = re.compile(r"^\s*> ?|^\s*")
#: The two choices, in sorted order and case-folded, that make a single choice a true/false.
TRUE_FALSE = ("faux", "vrai")


def clean_block(lines: list[str]) -> str:
    """Drop the blank lines around a block of Markdown and the spaces at its end."""
    start = next((index for index, line in enumerate(lines) if line.strip()), len(lines))
    return "\n".join(lines[start:]).rstrip()


def unquote(lines: list[str], quote: Token) -> str:
    """The Markdown of the blockquote `quote` (a choice's feedback or consequence), « > » off."""
    return clean_block(
        [_FEEDBACK_PREFIX.sub("", line, count=1) for line in lines[slice(*quote.map)]]
    )


def blocks_from(children: list[Token], line: int) -> list[Token]:
    """The blocks among a list item's `children` that start on `line` or after it."""
    return [
        token for token in children if token.nesting != -1 and token.map and token.map[0] >= line
    ]


class QuizParser:
    """Parses one quiz body; problems go to the renderer's list, like the other problems."""

    def __init__(self, renderer: CourseRenderer, source: Source) -> None:
        self.renderer = renderer
        self.source = source

    def _problem(self, offset: int, message: str, severity: str = "error") -> None:
        line = self.source.first_line + offset
        self.renderer.problems.append(Problem(self.source.path, line, message, severity))

    def parse(self, body: str) -> tuple[str, list[ParsedQuestion]]:
        """The introduction (Markdown before the first question) and the questions."""
        lines = body.split("\n")
        self.tokens = tokenize(body)
        self.index_of = {id(token): index for index, token in enumerate(self.tokens)}
        blocks = [
            token for token in self.tokens if token.level == 0 and token.nesting != -1 and token.map
        ]
        heading_indexes = [
            index
            for index, token in enumerate(blocks)
            if token.type == "heading_open" and token.tag == "h2"
        ]
        if not heading_indexes:
            self._problem(0, "quiz sans question : chaque question commence par une ligne « ## … »")
            return clean_block(lines), []
        intro_end = blocks[heading_indexes[0]].map[0]
        intro = clean_block(lines[:intro_end])
        questions = []
        for number, start in enumerate(heading_indexes):
            end = heading_indexes[number + 1] if number + 1 < len(heading_indexes) else None
            end_line = blocks[end].map[0] if end is not None else len(lines)
            question = self._parse_question(lines, blocks[start:end], end_line)
            if question is not None:
                questions.append(question)
        return intro, questions

    def _parse_question(
        self, lines: list[str], blocks: list[Token], end_line: int
    ) -> ParsedQuestion | None:
        heading, rest = blocks[0], blocks[1:]
        heading_line = heading.map[0]
        inline = self.tokens[self.index_of[id(heading)] + 1]
        prompt = " ".join(inline.content.split())
        if not prompt:
            self._problem(heading_line, "question vide : écrivez la question après « ## »")
        choice_lists = [block for block in rest if self._is_choice_list(lines, block)]
        if not choice_lists:
            self._problem(
                heading_line,
                "question sans choix : ajoutez une liste « - ( ) … » (choix unique)"
                " ou « - [ ] … » (choix multiple)",
            )
            return None
        choice_list = choice_lists[0]
        after = [block for block in rest if block.map[0] >= choice_list.map[1]]
        stray_feedback = bool(after) and after[0].type == "blockquote_open"
        if len(choice_lists) > 1 or stray_feedback:
            self._problem(
                # The stray « > » if there is one, else the second list (not the text before it).
                (after[0] if stray_feedback else choice_lists[1]).map[0],
                "les choix d'une question forment une seule liste : un retour « > » se place"
                " sous son choix, indenté de deux espaces",
            )
        context = clean_block(lines[heading.map[1] : choice_list.map[0]])
        # clean_block drops the blank lines under the heading: count lines from the context's text.
        context_line = next(
            (index for index in range(heading.map[1], choice_list.map[0]) if lines[index].strip()),
            heading.map[1],
        )
        explanation = clean_block(lines[choice_list.map[1] : end_line])
        choices, markers = self._parse_choices(lines, choice_list)
        kind = self._check_choices(heading_line, choices, markers)
        source = self.source
        return ParsedQuestion(
            kind=kind,
            prompt=prompt,
            context=context,
            explanation=explanation,
            choices=choices,
            prompt_html=self.renderer.render_inline(prompt, source.shifted(heading_line)),
            context_html=self.renderer.render(context, source.shifted(context_line))
            if context
            else "",
            explanation_html=self.renderer.render(explanation, source.shifted(choice_list.map[1]))
            if explanation
            else "",
            line=source.first_line + heading_line,
        )

    @staticmethod
    def _is_choice_list(lines: list[str], block: Token) -> bool:
        return block.type == "bullet_list_open" and bool(_MARKER.match(lines[block.map[0]]))

    def _parse_choices(
        self, lines: list[str], choice_list: Token
    ) -> tuple[list[ParsedChoice], set[str]]:
        start = self.index_of[id(choice_list)]
        items: list[list[Token]] = []
        for token in self.tokens[start + 1 :]:
            if token.level == 0:
                break
            if token.type == "list_item_open" and token.level == 1:
                items.append([token])
            elif items and token.level >= 2:
                items[-1].append(token)
        choices, markers = [], set()
        for item in items:
            choice = self._parse_choice(lines, item)
            if choice is not None:
                choices.append(choice[0])
                markers.add(choice[1])
        return choices, markers

    def _parse_choice(self, lines: list[str], item: list[Token]) -> tuple[ParsedChoice, str] | None:
        opening, children = item[0], [token for token in item[1:] if token.level == 2]
        first_line = opening.map[0]
        match = _MARKER.match(lines[first_line])
        if match is None:
            self._problem(
                first_line,
                "choix sans case : commencez le choix par « ( ) », « (x) », « [ ] » ou « [x] »",
            )
            return None
        marker = "round" if match.group("round") is not None else "square"
        box = match.group("round") or match.group("square")
        quotes = [token for token in children if token.type == "blockquote_open"]
        text_end = quotes[0].map[0] if quotes else opening.map[1]
        continuation = textwrap.dedent("\n".join(lines[first_line + 1 : text_end]))
        text = clean_block([lines[first_line][match.end() :], *continuation.split("\n")])
        blocks_before = [
            token
            for token in children
            if token.nesting != -1 and token.map and token.map[0] < text_end
        ]
        if len(blocks_before) > 1:
            self._problem(first_line, "un choix tient en un seul paragraphe de texte")
        feedback = ""
        if quotes:
            quote = quotes[0]
            feedback = unquote(lines, quote)
            trailing = blocks_from(children, quote.map[1])
            if trailing:
                self._problem(
                    trailing[0].map[0],
                    "contenu inattendu après le retour du choix : un choix a un seul retour « > »",
                )
        source = self.source
        choice = ParsedChoice(
            text=text,
            is_correct=box in "xX",
            feedback=feedback,
            text_html=self.renderer.render_inline(text, source.shifted(first_line)),
            feedback_html=self.renderer.render(feedback, source.shifted(quotes[0].map[0]))
            if feedback
            else "",
        )
        if not text:
            self._problem(first_line, "choix vide : écrivez le texte du choix après la case")
        if not feedback:
            self._problem(
                first_line,
                "choix sans retour : ajoutez sous le choix une ligne « > … » indentée de deux"
                " espaces, qui explique pourquoi il est juste ou faux",
                "warning",
            )
        return choice, marker

    def _check_choices(self, line: int, choices: list[ParsedChoice], markers: set[str]) -> str:
        """The question's kind, after reporting what breaks the rules on choices."""
        if len(markers) > 1:
            self._problem(
                line,
                "cases mélangées : « ( ) » pour un choix unique, « [ ] » pour un choix multiple,"
                " pas les deux dans une question",
            )
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            self._problem(
                line,
                f"une question a de {MIN_CHOICES} à {MAX_CHOICES} choix ({len(choices)} trouvés)",
            )
        correct = sum(choice.is_correct for choice in choices)
        if choices and correct == 0:
            self._problem(line, "aucune bonne réponse : marquez-la avec « (x) » ou « [x] »")
        if markers == {"square"}:
            return "multiple"
        if correct > 1:
            self._problem(
                line,
                f"{correct} bonnes réponses pour une question à choix unique « ( ) » : pour"
                " plusieurs bonnes réponses, utilisez « [ ] » et « [x] »",
            )
        texts = tuple(sorted(choice.text.strip().casefold() for choice in choices))
        return "true_false" if texts == TRUE_FALSE else "single"
