"""GIFT, Moodle's plain-text quiz format: reading a question bank, writing a quiz back.

Pure functions, no database. `parse_gift` turns a GIFT file into the platform's questions
(single choice, multiple choice, true/false, with feedback per choice and an explanation) and
reports, with its line, every question it cannot bring over (numerical, matching, short answer,
essay, description) instead of dropping it silently. `to_gift` writes questions in the GIFT that
Moodle imports, and `quiz_markdown` writes them as a quiz step file of the platform
(docs/format-des-cours.md).

What the platform cannot hold is said, not guessed: partial credit (`~%50%` on a single choice)
and question titles (`::titre::`) are dropped with a note; `[html]` text is converted to plain
text (tags removed), never kept as HTML.
"""

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import nh3

from training.content.parsed import ParsedChoice, ParsedQuestion
from training.content.problems import Problem
from training.content.quiz import MAX_CHOICES, MIN_CHOICES, TRUE_FALSE
from training.content.quiz_file import QuizFile, write_quiz

#: A question bank larger than this is refused (Moodle banks are rarely above a few hundred KB).
MAX_GIFT_BYTES = 1024 * 1024
TRUE_TEXT, FALSE_TEXT = "Vrai", "Faux"

# Escaped characters are replaced by private-use characters before the structure is read, then
# restored in the texts: `\{` is then never an opening brace, and positions keep their lines.
_ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
    "\\n": "\ue007",
}
_RESTORE = {
    "\ue000": "\\",
    "\ue001": "~",
    "\ue002": "=",
    "\ue003": "#",
    "\ue004": "{",
    "\ue005": "}",
    "\ue006": ":",
    "\ue007": "\n",
}
_PRIVATE = re.compile("[\ue000-\ue007]")
_ESCAPE = re.compile(r"\\[\\~=#{}:n]")
_FORMAT = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d+)?)%")
_BLANK = re.compile(r"\n[ \t]*\n")
#: Weights Moodle accepts for n correct answers of a multiple choice (its grade list only
#: holds these values; the positive weights must add up to 100).
_MOODLE_WEIGHTS = {
    1: "100",
    2: "50",
    3: "33.33333",
    4: "25",
    5: "20",
    6: "16.66667",
    7: "14.28571",
    8: "12.5",
    9: "11.11111",
    10: "10",
}
_TRUE_WORDS = {"T", "TRUE"}
_FALSE_WORDS = {"F", "FALSE"}


class GiftError(Exception):
    """The file cannot be read at all (too large, not UTF-8); the message is in French."""


@dataclass
class ParsedGift:
    questions: list[ParsedQuestion] = field(default_factory=list)
    #: Errors (a question left out) and warnings (something dropped), each with its line.
    problems: list[Problem] = field(default_factory=list)


def decode_gift(data: bytes) -> str:
    """The text of a GIFT file, or GiftError if it is too large or not UTF-8."""
    if len(data) > MAX_GIFT_BYTES:
        raise GiftError(
            f"fichier trop volumineux ({len(data) // 1024} Ko) : une banque GIFT est limitée"
            f" à {MAX_GIFT_BYTES // 1024} Ko ; découpez-la par catégorie"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GiftError(
            f"le fichier n'est pas en UTF-8 (octet invalide en position {error.start}) :"
            " dans Moodle, exportez la banque de questions au format GIFT, qui est en UTF-8"
        ) from None


def parse_gift(source: str | bytes, path: Path = Path("questions.gift")) -> ParsedGift:
    """The questions of a GIFT text and the problems found, each at its line of `path`.

    Raises only GiftError, for a file that cannot be read at all.
    """
    text = decode_gift(source) if isinstance(source, bytes) else source
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise GiftError("texte invalide : caractère Unicode isolé (demi-paire)") from None
    if size > MAX_GIFT_BYTES:
        raise GiftError(f"texte trop volumineux : au plus {MAX_GIFT_BYTES // 1024} Ko")
    reader = _GiftReader(path)
    for block in _blocks(text.replace("\r\n", "\n").replace("\r", "\n")):
        reader.read_block(block)
    return ParsedGift(reader.questions, reader.problems)


# A block is the list of (line number, line) of one question: lines between blank lines,
# without the comment lines.
Block = list[tuple[int, str]]


def _blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: Block = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if current:
                blocks.append(current)
            current = []
            continue
        current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _restore(text: str) -> str:
    return _PRIVATE.sub(lambda match: _RESTORE[match.group()], text)


def _html_to_text(text: str) -> str:
    """Visible text of an HTML fragment: tags (and scripts, styles) removed, entities decoded."""
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>", "\n", text)
    return html.unescape(nh3.clean(text, tags=set())).strip()


class _GiftReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.questions: list[ParsedQuestion] = []
        self.problems: list[Problem] = []

    def _problem(self, line: int, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.path, line, message, severity))  # type: ignore[arg-type]

    def read_block(self, block: Block) -> None:
        first_line = block[0][0]
        if block[0][1].strip().startswith("$CATEGORY:"):
            category = block[0][1].strip().removeprefix("$CATEGORY:").strip()
            self._problem(
                first_line,
                f"catégorie Moodle ignorée ({category}) : sur la plateforme, un fichier de quiz"
                " tient lieu de catégorie",
                "warning",
            )
            block = block[1:]
            if not block:
                return
            first_line = block[0][0]
        raw = "\n".join(line for _number, line in block)
        if _PRIVATE.search(raw):
            self._problem(first_line, "caractère réservé (zone privée Unicode) remplacé", "warning")
            raw = _PRIVATE.sub("\ufffd", raw)
        text = _ESCAPE.sub(lambda match: _ESCAPES[match.group()], raw)

        def line_at(position: int) -> int:
            return block[min(text.count("\n", 0, position), len(block) - 1)][0]

        question = self._read_question(text, first_line, line_at)
        if question is not None:
            self.questions.append(question)

    def _read_question(self, text: str, first_line: int, line_at) -> ParsedQuestion | None:
        start = 0
        stripped = text.lstrip()
        if stripped.startswith("::"):
            offset = len(text) - len(stripped)
            end = text.find("::", offset + 2)
            if end == -1:
                self._problem(first_line, "titre non fermé : « ::titre:: » attendu")
                return None
            start = end + 2
        opening = text.find("{", start)
        if opening == -1:
            self._problem(
                first_line,
                "question sans réponses (type « description ») non prise en charge : seules les"
                " questions à choix unique, à choix multiple et vrai/faux sont importées",
            )
            return None
        closing = text.find("}", opening)
        nested = text.find("{", opening + 1)
        if closing == -1:
            self._problem(line_at(opening), "accolade « { » non fermée : ajoutez « } »")
            return None
        if nested != -1 and nested < closing:
            self._problem(
                line_at(nested),
                "accolade « { » dans les réponses : pour le caractère lui-même, écrivez « \\{ »",
            )
            return None
        after = text[closing + 1 :].strip()
        if "{" in after or "}" in after:
            self._problem(
                line_at(closing + 1),
                "plusieurs blocs de réponses « {…} » dans une question : non pris en charge",
            )
            return None
        prompt_text, text_format = self._question_text(text[start:opening], after)
        if text_format == "html":
            self._problem(
                first_line,
                "texte au format [html] converti en texte simple (balises retirées) :"
                " relisez la mise en forme",
                "warning",
            )
        body = text[opening + 1 : closing]
        return self._read_answers(body, prompt_text, text_format, first_line, opening, line_at)

    def _question_text(self, before: str, after: str) -> tuple[str, str]:
        text_format = "markdown"
        match = _FORMAT.match(before)
        if match:
            text_format = match.group(1).lower()
            before = before[match.end() :]
        # Missing-word questions (« Le {…} est … ») keep a blank where the answers were.
        combined = f"{before.strip()} _____ {after}" if after else before.strip()
        return combined, text_format

    def _convert(self, text: str, text_format: str) -> str:
        text = _restore(text).strip()
        return _html_to_text(text) if text_format == "html" else text

    def _read_answers(
        self, body: str, prompt_text: str, text_format: str, first_line: int, opening: int, line_at
    ) -> ParsedQuestion | None:
        body_start = opening + 1
        explanation = ""
        general = body.find("####")
        if general != -1:
            explanation = self._convert(body[general + 4 :], text_format)
            body = body[:general]
        content = body.strip()
        kind_line = line_at(body_start)
        if not content:
            self._problem(
                first_line, "question à réponse libre (type « composition ») non prise en charge"
            )
            return None
        if content.startswith("#"):
            self._problem(first_line, "question numérique non prise en charge")
            return None
        prompt, context = self._prompt_and_context(prompt_text, text_format)
        if not prompt:
            self._problem(first_line, "question sans texte : écrivez la question avant « { »")
            return None
        head = content.split("#", 1)[0].strip()
        if head.upper() in _TRUE_WORDS | _FALSE_WORDS:
            return self._true_false(content, head, prompt, context, explanation, text_format)
        answers = self._split_answers(content, body, body_start)
        if any("->" in answer for _pos, answer in answers) and "~" not in content:
            self._problem(first_line, "question d'appariement (« -> ») non prise en charge")
            return None
        if "~" not in content:
            self._problem(
                first_line,
                "question à réponse courte (seulement des « = ») non prise en charge : ajoutez"
                " des mauvaises réponses « ~ » pour en faire un choix unique",
            )
            return None
        return self._multichoice(
            answers, prompt, context, explanation, text_format, first_line, kind_line, line_at
        )

    def _prompt_and_context(self, text: str, text_format: str) -> tuple[str, str]:
        text = self._convert(text, text_format)
        parts = _BLANK.split(text, maxsplit=1)
        prompt = " ".join(parts[0].split())
        context = parts[1].strip() if len(parts) > 1 else ""
        return prompt, context

    def _split_answers(self, content: str, body: str, body_start: int) -> list[tuple[int, str]]:
        """Each answer with its position in the block, split at every `=` and `~`."""
        offset = body_start + body.find(content)
        answers, current_start = [], None
        for index, char in enumerate(content):
            if char in "=~":
                if current_start is not None:
                    answers.append((offset + current_start, content[current_start:index]))
                current_start = index
        if current_start is not None:
            answers.append((offset + current_start, content[current_start:]))
        return answers

    def _true_false(
        self, content: str, head: str, prompt: str, context: str, explanation: str, fmt: str
    ) -> ParsedQuestion:
        parts = content.split("#", 2)
        wrong = self._convert(parts[1], fmt) if len(parts) > 1 else ""
        right = self._convert(parts[2], fmt) if len(parts) > 2 else ""
        is_true = head.upper() in _TRUE_WORDS
        return ParsedQuestion(
            kind="true_false",
            prompt=prompt,
            context=context,
            explanation=explanation,
            choices=[
                ParsedChoice(TRUE_TEXT, is_true, right if is_true else wrong),
                ParsedChoice(FALSE_TEXT, not is_true, wrong if is_true else right),
            ],
        )

    def _multichoice(
        self,
        answers: list[tuple[int, str]],
        prompt: str,
        context: str,
        explanation: str,
        fmt: str,
        first_line: int,
        kind_line: int,
        line_at,
    ) -> ParsedQuestion | None:
        parsed = []  # (is_equal, weight or None, text, feedback, line)
        for position, answer in answers:
            marker, rest = answer[0], answer[1:].strip()
            weight = None
            if marker == "~":
                match = _WEIGHT.match(rest)
                if match:
                    weight = float(match.group(1))
                    rest = rest[match.end() :]
            text, _, feedback = rest.partition("#")
            parsed.append(
                (
                    marker == "=",
                    weight,
                    self._convert(text, fmt),
                    self._convert(feedback, fmt),
                    line_at(position),
                )
            )
        has_equal = any(is_equal for is_equal, *_ in parsed)
        positive = [w for _eq, w, *_ in parsed if w is not None and w > 0]
        if not has_equal and positive:
            kind = "multiple"
            if abs(sum(positive) - 100) > 0.1:
                self._problem(
                    kind_line,
                    f"les poids positifs font {sum(positive):g} % et non 100 % : Moodle refuserait"
                    " cette question ; sur la plateforme, chaque réponse de poids positif est"
                    " une bonne réponse",
                    "warning",
                )
            correct = [w is not None and w > 0 for _eq, w, *_ in parsed]
        else:
            kind = "single"
            correct = [is_equal for is_equal, *_ in parsed]
            if positive:
                self._problem(
                    kind_line,
                    "crédit partiel (« ~%…% » positif) ignoré : seule la réponse « = » est"
                    " comptée juste",
                    "warning",
                )
            count = sum(correct)
            if count == 0:
                self._problem(kind_line, "aucune bonne réponse : marquez-la par « = »")
                return None
            if count > 1:
                self._problem(
                    kind_line,
                    f"{count} réponses « = » : pour plusieurs bonnes réponses, donnez-leur des"
                    " poids (« ~%50% » …) et aux mauvaises « ~%-100% »",
                )
                return None
        choices = []
        for (_eq, _w, text, feedback, line), is_correct in zip(parsed, correct, strict=True):
            if not text:
                self._problem(line, "réponse vide")
                return None
            choices.append(ParsedChoice(text, is_correct, feedback))
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            self._problem(
                first_line,
                f"une question a de {MIN_CHOICES} à {MAX_CHOICES} réponses ({len(choices)}"
                " trouvées)",
            )
            return None
        if kind == "single":
            texts = tuple(sorted(choice.text.strip().casefold() for choice in choices))
            kind = "true_false" if texts == TRUE_FALSE else "single"
        return ParsedQuestion(kind, prompt, context, explanation, choices)


# --- Writing -------------------------------------------------------------------------------


def escape_gift(text: str) -> str:
    """`text` with GIFT's special characters escaped and its line breaks written `\\n`."""
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _multiple_weights(correct_count: int) -> list[str]:
    """Weights Moodle accepts, adding up to 100, for `correct_count` (1 to 20) right answers."""
    if correct_count in _MOODLE_WEIGHTS:
        return [_MOODLE_WEIGHTS[correct_count]] * correct_count
    tens = max(0, 20 - correct_count)
    return ["10"] * tens + ["5"] * (correct_count - tens)


def _is_plain_true_false(question: ParsedQuestion) -> bool:
    return [choice.text for choice in question.choices] == [TRUE_TEXT, FALSE_TEXT] and (
        sum(choice.is_correct for choice in question.choices) == 1
    )


def _answer_lines(question: ParsedQuestion) -> list[str]:
    if question.kind == "true_false" and _is_plain_true_false(question):
        true_choice, false_choice = question.choices
        right, wrong = (
            (true_choice, false_choice) if true_choice.is_correct else (false_choice, true_choice)
        )
        line = "T" if true_choice.is_correct else "F"
        if wrong.feedback or right.feedback:
            line += f"#{escape_gift(wrong.feedback)}"
        if right.feedback:
            line += f"#{escape_gift(right.feedback)}"
        return [line]
    weights = iter(_multiple_weights(sum(c.is_correct for c in question.choices)))
    lines = []
    for choice in question.choices:
        text = escape_gift(choice.text)
        if question.kind == "multiple":
            prefix = f"~%{next(weights)}%" if choice.is_correct else "~%-100%"
        elif choice.is_correct:
            prefix = "="
        else:
            # An explicit weight keeps a text starting with « %50% » from being read as one.
            prefix = "~%0%" if _WEIGHT.match(text) else "~"
        feedback = f"#{escape_gift(choice.feedback)}" if choice.feedback else ""
        lines.append(f"{prefix}{text}{feedback}")
    return lines


def to_gift(questions: list[ParsedQuestion]) -> str:
    """The questions in GIFT, as Moodle imports it ([markdown] text, weights adding up to 100)."""
    parts = []
    for number, question in enumerate(questions, start=1):
        text = question.prompt + (f"\n\n{question.context}" if question.context else "")
        lines = [f"// Question {number}", f"[markdown]{escape_gift(text)} {{"]
        lines += [f"\t{line}" for line in _answer_lines(question)]
        if question.explanation:
            lines.append(f"\t####{escape_gift(question.explanation)}")
        lines.append("}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def quiz_markdown(questions: list[ParsedQuestion], title: str, pass_mark: int | None = None) -> str:
    """A quiz step file of the platform holding `questions` (docs/format-des-cours.md)."""
    return write_quiz(QuizFile(title=title, pass_mark=pass_mark, questions=questions)).text
