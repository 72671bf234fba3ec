"""The body of a scenario step (`kind: scenario`): its stages, their choices, and its scoring.

A scenario is a starting situation, then stages (`## Étape clé : titre`), each a decision
between 2 to 5 choices leading to another stage or to an ending (`## Fin clé : titre`, with its
debrief). Like a quiz (content/quiz.py), the structure comes from the parse tree of markdown-it
and the raw Markdown of each part is sliced from the source lines. The scoring rules
(`path_score`, `best_path`) are pure functions that the database rows can use as well.
"""

import math
import re
import textwrap
import unicodedata
from collections import deque
from collections.abc import Sequence
from typing import Protocol

from markdown_it.token import Token

from training.content.parsed import ParsedScenarioChoice, ParsedStage
from training.content.problems import Problem
from training.content.quiz import blocks_from, clean_block, unquote
from training.content.renderer import CourseRenderer, Source, tokenize

#: How a trainer writes a choice's rating, and how it is stored.
RATINGS = {"meilleur": "best", "acceptable": "acceptable", "préjudiciable": "harmful"}
RATING_POINTS = {"best": 2, "acceptable": 1, "harmful": 0}
RATING_LABELS = {
    "best": "Meilleur choix",
    "acceptable": "Choix acceptable",
    "harmful": "Choix préjudiciable",
}
#: Spellings accepted besides those of RATINGS (a keyboard without accents).
_RATING_SPELLINGS = {**RATINGS, "prejudiciable": "harmful"}

MIN_STAGES = 2
MAX_STAGES = 30
MIN_CHOICES = 2
MAX_CHOICES = 5
MAX_KEY_LENGTH = 40
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: The first word of a stage heading, case-folded: a decision stage or an ending.
_STAGE_WORDS = {"étape": False, "etape": False, "fin": True}
_HEADING = re.compile(r"^(?P<word>[^\s:]+)\s*(?P<rest>.*)$")
_MARKER = re.compile(r"^\s*[-*+]\s+")
_ARROW = re.compile(r"→|->")
#: The end of a choice: « → clé (évaluation) ». The key may hold neither « > » nor « → », so
#: that the last arrow of the text is the one that counts.
_TARGET = re.compile(r"\s*(?:→|->)\s*(?P<key>[^()→>]*?)\s*\((?P<rating>[^()]*)\)\s*\Z")

HEADING_HINT = (
    "une mise en situation se découpe en « ## Étape <clé> : <titre> » (une décision à prendre)"
    " et « ## Fin <clé> : <titre> » (une fin et son bilan)"
)
RATING_HINT = "(meilleur), (acceptable) ou (préjudiciable)"


class ChoiceLike(Protocol):
    @property
    def rating(self) -> str: ...

    @property
    def next_stage(self) -> str: ...


class StageLike(Protocol):
    """A stage as parsed from a file or as stored: what the scoring rules need of it."""

    @property
    def key(self) -> str: ...

    @property
    def is_ending(self) -> bool: ...

    @property
    def choices(self) -> Sequence[ChoiceLike]: ...


def path_score(ratings: Sequence[str]) -> int:
    """The score in percent of a path whose decisions had these ratings, rounded down.

    2 points for a best choice, 1 for an acceptable one, 0 for a harmful one, out of 2 points
    per decision; 0 for a path without decision.
    """
    if not ratings:
        return 0
    points = sum(RATING_POINTS[rating] for rating in ratings)
    return math.floor(100 * points / (2 * len(ratings)))


def best_path(stages: Sequence[StageLike]) -> list[tuple[str, int]] | None:
    """(stage key, index of the choice taken) from the first stage to an ending, taking at each
    stage its highest-rated choice (the first in order among ties).

    None if that path comes back to a stage it went through, or stops short of an ending (a
    stage without choices, a choice leading to no stage).
    """
    if not stages:
        return None
    by_key: dict[str, StageLike] = {}
    for stage in stages:
        by_key.setdefault(stage.key, stage)
    path: list[tuple[str, int]] = []
    seen: set[str] = set()
    stage: StageLike | None = stages[0]
    while stage is not None and not stage.is_ending:
        if stage.key in seen or not stage.choices:
            return None
        seen.add(stage.key)
        choices = list(stage.choices)
        index = max(range(len(choices)), key=lambda i: RATING_POINTS.get(choices[i].rating, -1))
        path.append((stage.key, index))
        stage = by_key.get(choices[index].next_stage)
    return path if stage is not None else None


def best_path_score(stages: Sequence[StageLike]) -> int | None:
    """The score of the best path, None if there is no best path (see `best_path`)."""
    path = best_path(stages)
    if path is None:
        return None
    by_key = {stage.key: stage for stage in reversed(stages)}
    return path_score([list(by_key[key].choices)[index].rating for key, index in path])


class ScenarioParser:
    """Parses one scenario body; problems go to the renderer's list, like the other problems.

    After `parse`, `intro_html` holds the rendered starting situation.
    """

    def __init__(self, renderer: CourseRenderer, source: Source) -> None:
        self.renderer = renderer
        self.source = source
        self.intro_html = ""

    def _problem(self, offset: int, message: str) -> None:
        self._problem_at(self.source.first_line + offset, message)

    def _problem_at(self, line: int, message: str) -> None:
        self.renderer.problems.append(Problem(self.source.path, line, message))

    def _error_count(self) -> int:
        return sum(problem.is_error for problem in self.renderer.problems)

    def parse(self, body: str) -> tuple[str, list[ParsedStage]]:
        """The starting situation (Markdown before the first stage) and the stages, in order."""
        errors_before = self._error_count()
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
        intro_end = blocks[heading_indexes[0]].map[0] if heading_indexes else len(lines)
        intro = clean_block(lines[:intro_end])
        intro_line = _first_text_line(lines, 0, intro_end)
        if not intro:
            self._problem(
                intro_end if heading_indexes else 0,
                "situation de départ manquante : avant la première « ## Étape », décrivez ce que"
                " l'on sait en arrivant",
            )
        else:
            self.intro_html = self.renderer.render(intro, self.source.shifted(intro_line))
        if not heading_indexes:
            self._problem(0, f"mise en situation sans étape : {HEADING_HINT}")
            return intro, []
        stages = []
        for number, start in enumerate(heading_indexes):
            end = heading_indexes[number + 1] if number + 1 < len(heading_indexes) else None
            end_line = blocks[end].map[0] if end is not None else len(lines)
            stage = self._parse_stage(lines, blocks[start:end], end_line)
            if stage is not None:
                stages.append(stage)
        self._check_graph(stages, len(heading_indexes))
        if self._error_count() == errors_before and best_path(stages) is None:
            self._problem_at(
                stages[0].line,
                "le meilleur chemin tourne en rond : en prenant à chaque étape le choix le mieux"
                " évalué (le premier en cas d'égalité), on revient à une étape déjà passée ;"
                " le meilleur chemin doit mener à une fin",
            )
        return intro, stages

    def _parse_stage(
        self, lines: list[str], blocks: list[Token], end_line: int
    ) -> ParsedStage | None:
        heading, rest = blocks[0], blocks[1:]
        heading_line = heading.map[0]
        inline = self.tokens[self.index_of[id(heading)] + 1]
        content = unicodedata.normalize("NFC", " ".join(inline.content.split()))
        match = _HEADING.match(content)
        word = match.group("word").casefold() if match else ""
        if word not in _STAGE_WORDS:
            self._problem(heading_line, f"titre inattendu « ## {content} » : {HEADING_HINT}")
            return None
        is_ending = _STAGE_WORDS[word]
        what = "## Fin" if is_ending else "## Étape"
        key, colon, title = match.group("rest").partition(":")
        key, title = key.strip(), title.strip()
        if not key:
            self._problem(heading_line, f"clé manquante : écrivez « {what} <clé> : <titre> »")
        elif not KEY.match(key) or len(key) > MAX_KEY_LENGTH:
            self._problem(
                heading_line,
                f"clé invalide « {key} » : lettres minuscules sans accent, chiffres et tirets,"
                f" {MAX_KEY_LENGTH} caractères au plus (par exemple « accueil » ou « fin-2 »)",
            )
        if not colon or not title:
            self._problem(
                heading_line, f"titre manquant : écrivez « {what} {key or '<clé>'} : <titre> »"
            )
        choice_lists = [block for block in rest if self._is_choice_list(lines, block)]
        text_end = choice_lists[0].map[0] if choice_lists else end_line
        text = clean_block(lines[heading.map[1] : text_end])
        text_line = _first_text_line(lines, heading.map[1], text_end)
        source = self.source
        stage = ParsedStage(
            key=key,
            title=title,
            is_ending=is_ending,
            text=text,
            text_html=self.renderer.render(text, source.shifted(text_line)) if text else "",
            line=source.first_line + heading_line,
        )
        if is_ending:
            if not text:
                self._problem(
                    heading_line, "fin sans bilan : écrivez sous le titre ce que cette fin enseigne"
                )
            if choice_lists:
                self._problem(
                    choice_lists[0].map[0],
                    "une fin n'a pas de choix : la mise en situation s'arrête là ; pour une"
                    " décision de plus, écrivez une « ## Étape »",
                )
            return stage
        if not text:
            self._problem(
                heading_line,
                "étape sans texte : décrivez la situation sous le titre, avant la liste des choix",
            )
        if not choice_lists:
            self._problem(
                heading_line,
                "étape sans choix : ajoutez une liste de choix « - … → <clé> (<évaluation>) »,"
                f" l'évaluation étant {RATING_HINT}",
            )
            return stage
        choice_list = choice_lists[0]
        after = [block for block in rest if block.map[0] >= choice_list.map[1]]
        if after:
            message = (
                "une conséquence « > » se place sous son choix, indentée de deux espaces"
                if after[0].type == "blockquote_open"
                else "texte après les choix : le texte d'une étape se place avant sa liste de"
                " choix, et une étape a une seule liste de choix"
            )
            self._problem(after[0].map[0], message)
        stage.choices = self._parse_choices(lines, choice_list)
        if not MIN_CHOICES <= len(stage.choices) <= MAX_CHOICES:
            self._problem(
                heading_line,
                f"une étape a de {MIN_CHOICES} à {MAX_CHOICES} choix"
                f" ({_found(len(stage.choices))})",
            )
        return stage

    @staticmethod
    def _is_choice_list(lines: list[str], block: Token) -> bool:
        """A bullet list is a list of choices if one of its lines has an arrow: other bullet
        lists are part of the stage's text."""
        return block.type == "bullet_list_open" and any(
            _ARROW.search(line) for line in lines[slice(*block.map)]
        )

    def _parse_choices(self, lines: list[str], choice_list: Token) -> list[ParsedScenarioChoice]:
        start = self.index_of[id(choice_list)]
        items: list[list[Token]] = []
        for token in self.tokens[start + 1 :]:
            if token.level == 0:
                break
            if token.type == "list_item_open" and token.level == 1:
                items.append([token])
            elif items and token.level >= 2:
                items[-1].append(token)
        return [self._parse_choice(lines, item) for item in items]

    def _parse_choice(self, lines: list[str], item: list[Token]) -> ParsedScenarioChoice:
        opening, children = item[0], [token for token in item[1:] if token.level == 2]
        first_line = opening.map[0]
        quotes = [token for token in children if token.type == "blockquote_open"]
        text_end = quotes[0].map[0] if quotes else opening.map[1]
        marker = _MARKER.match(lines[first_line])
        continuation = textwrap.dedent("\n".join(lines[first_line + 1 : text_end]))
        written = clean_block(
            [lines[first_line][marker.end() if marker else 0 :], *continuation.split("\n")]
        )
        blocks_before = [
            token
            for token in children
            if token.nesting != -1 and token.map and token.map[0] < text_end
        ]
        if len(blocks_before) > 1:
            self._problem(first_line, "un choix tient en un seul paragraphe de texte")
        text, next_stage, rating = written, "", ""
        target = _TARGET.search(written)
        if target is not None:
            text, next_stage = written[: target.start()].rstrip(), target.group("key")
            written_rating = " ".join(target.group("rating").split())
            rating = _RATING_SPELLINGS.get(unicodedata.normalize("NFC", written_rating).lower(), "")
            if not rating:
                self._problem(
                    first_line,
                    f"évaluation inconnue « {written_rating} » : écrivez {RATING_HINT}",
                )
            if not next_stage:
                self._problem(first_line, "clé manquante après « → » : l'étape ou la fin visée")
        elif _ARROW.search(written):
            self._problem(
                first_line,
                f"évaluation manquante : terminez le choix par « → <clé> (<évaluation>) »,"
                f" l'évaluation étant {RATING_HINT}",
            )
        else:
            self._problem(
                first_line,
                "choix sans suite : terminez le choix par « → <clé> (<évaluation>) », la clé"
                f" étant celle de l'étape ou de la fin où il mène et l'évaluation {RATING_HINT}",
            )
        if not text:
            self._problem(first_line, "choix vide : écrivez le texte du choix avant « → »")
        consequence = ""
        if quotes:
            quote = quotes[0]
            consequence = unquote(lines, quote)
            trailing = blocks_from(children, quote.map[1])
            if trailing:
                self._problem(
                    trailing[0].map[0],
                    "contenu inattendu après la conséquence du choix : un choix a une seule"
                    " conséquence « > »",
                )
        if not consequence:
            self._problem(
                first_line,
                "choix sans conséquence : ajoutez sous le choix une ligne « > … » indentée de"
                " deux espaces, qui décrit ce que ce choix entraîne",
            )
        source = self.source
        return ParsedScenarioChoice(
            text=text,
            rating=rating,
            next_stage=next_stage,
            consequence=consequence,
            text_html=self.renderer.render_inline(text, source.shifted(first_line)) if text else "",
            consequence_html=self.renderer.render(consequence, source.shifted(quotes[0].map[0]))
            if consequence
            else "",
            line=source.first_line + first_line,
        )

    def _check_graph(self, stages: list[ParsedStage], heading_count: int) -> None:
        """Report what makes the scenario unplayable: its size, its start, keys, dead ends."""
        path = self.source.path
        if not MIN_STAGES <= heading_count <= MAX_STAGES:
            self._problem_at(
                1,
                f"une mise en situation a de {MIN_STAGES} à {MAX_STAGES} parties, étapes et fins"
                f" comprises ({_found(heading_count, 'e')})",
            )
        by_key: dict[str, ParsedStage] = {}
        for stage in stages:
            if not stage.key:
                continue
            if stage.key in by_key:
                first = by_key[stage.key].line
                self.renderer.problems.append(
                    Problem(
                        path,
                        stage.line,
                        f"clé « {stage.key} » déjà prise ligne {first} : chaque étape et chaque"
                        " fin a sa propre clé",
                    )
                )
            else:
                by_key[stage.key] = stage
        if not stages:
            return
        starts_well = not stages[0].is_ending
        if not starts_well:
            self._problem_at(
                stages[0].line,
                "la première partie doit être une « ## Étape » : c'est là que commence la mise"
                " en situation",
            )
        endings = [stage for stage in by_key.values() if stage.is_ending]
        if not endings:
            self._problem_at(
                1, "mise en situation sans fin : ajoutez au moins une « ## Fin <clé> : <titre> »"
            )
        edges: dict[str, list[str]] = {}
        for stage in by_key.values():
            edges[stage.key] = []
            for choice in stage.choices:
                if not choice.next_stage:
                    continue
                if choice.next_stage in by_key:
                    edges[stage.key].append(choice.next_stage)
                else:
                    self._problem_at(
                        choice.line,
                        f"clé inconnue « {choice.next_stage} » : aucune « ## Étape"
                        f" {choice.next_stage} : … » ni « ## Fin {choice.next_stage} : … » dans"
                        " ce fichier",
                    )
        unreachable: set[str] = set()
        if starts_well and stages[0].key in by_key:
            reached = _reachable([stages[0].key], edges)
            unreachable = set(by_key) - reached
            for key in unreachable:
                stage = by_key[key]
                what = "fin inaccessible" if stage.is_ending else "étape inaccessible"
                self._problem_at(
                    stage.line,
                    f"{what} : aucun choix ne mène ici depuis la première étape"
                    f" (« {stages[0].key} »)",
                )
        if endings:
            backwards: dict[str, list[str]] = {key: [] for key in edges}
            for key, targets in edges.items():
                for target in targets:
                    backwards[target].append(key)
            can_end = _reachable([stage.key for stage in endings], backwards)
            for stage in by_key.values():
                # A stage without choices, or whose choices all lead to unknown keys, has
                # its own error already.
                if stage.key not in can_end | unreachable and edges[stage.key]:
                    self._problem_at(
                        stage.line,
                        "étape sans issue : ses choix tournent en rond sans jamais mener à une"
                        " fin ; faites mener au moins un choix vers une autre étape ou une fin",
                    )


def _reachable(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen, queue = set(starts), deque(starts)
    while queue:
        for target in edges.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _first_text_line(lines: list[str], start: int, end: int) -> int:
    """The index of the first non-blank line in lines[start:end], `start` if there is none."""
    return next((index for index in range(start, end) if lines[index].strip()), start)


def _found(count: int, agreement: str = "") -> str:
    """« 1 trouvé », « 6 trouvés » (« trouvée(s) » with agreement "e")."""
    return f"{count} trouvé{agreement}{'s' if count > 1 else ''}"
