"""Reading the files of a course folder: size, encoding, front matter, images.

Every function reports problems into a list instead of raising, so that one run of the validator
tells a trainer about every problem at once.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from training.content.problems import Problem

MAX_FILE_BYTES = 1024 * 1024
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
#: What an SVG shown on the platform may not contain: scripts, event handlers, embedded
#: documents, entity declarations, and references to anything outside the file itself.
_SVG_FORBIDDEN = re.compile(
    rb"<\s*(script|foreignObject|iframe|embed|object)\b|\son[a-z]+\s*=|javascript\s*:|<!ENTITY"
    rb"|href\s*=\s*[\"']\s*(?!#|data:image/)",
    re.IGNORECASE,
)
_TAG_IN_MESSAGE = re.compile(r"'tag:yaml\.org,2002:([^']*)'|'(![^']*)'")


@dataclass
class Document:
    """A Markdown file split into its front matter and its body."""

    path: Path
    fields: dict[str, Any]
    #: Line of each front-matter key, for problems about its value.
    key_lines: dict[str, int]
    #: The body without its leading blank lines and trailing spaces.
    body: str
    #: Line of the file on which `body` starts.
    body_line: int
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def size_problem(path: Path, size: int) -> Problem:
    megabytes = f"{size / MAX_FILE_BYTES:.1f}".replace(".", ",")
    return Problem(
        path, 1, f"fichier trop volumineux : {megabytes} Mo, pour un maximum de 1 Mo par fichier"
    )


def read_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    """The bytes of a regular file of at most 1 MB, else None after a problem."""
    if path.is_symlink():
        problems.append(Problem(path, 1, "lien symbolique refusé : placez le fichier lui-même"))
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(size_problem(path, size))
        return None
    return path.read_bytes()


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """The text of a UTF-8 file with Unix line endings, else None after a problem."""
    data = read_bytes(path, problems)
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                path,
                line,
                "le fichier n'est pas en UTF-8 (caractère illisible sur cette ligne) :"
                " enregistrez-le avec l'encodage UTF-8",
            )
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_document(path: Path, problems: list[Problem]) -> Document | None:
    """Split a Markdown file into front matter and body, or report why it cannot be."""
    text = read_text(path, problems)
    if text is None:
        return None
    return parse_document(path, text, problems)


def parse_document(path: Path, text: str, problems: list[Problem]) -> Document | None:
    """Split the text of the Markdown file `path` (Unix line endings) into front matter and
    body, or report why it cannot be."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        problems.append(
            Problem(
                path,
                1,
                "en-tête manquant : le fichier commence par une ligne « --- », puis les"
                " métadonnées (title: …), puis une autre ligne « --- »",
            )
        )
        return None
    end = next((index for index in range(1, len(lines)) if lines[index].strip() == "---"), None)
    if end is None:
        problems.append(
            Problem(path, 1, "en-tête non fermé : ajoutez une ligne « --- » après les métadonnées")
        )
        return None
    loaded = _load_yaml("\n".join(lines[1:end]), path, problems)
    if loaded is None:
        return None
    fields, key_lines = loaded
    body_start = end + 1
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    body = "\n".join(lines[body_start:]).rstrip()
    return Document(path, fields, key_lines, body, body_start + 1)


def _load_yaml(
    text: str, path: Path, problems: list[Problem]
) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The front matter as a mapping and the line of each key (only plain YAML: safe loader)."""
    first_line = 2
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        line = first_line + (mark.line if mark else 0)
        tag = _TAG_IN_MESSAGE.search(error.problem or "")
        shown = ("!!" + tag.group(1) if tag.group(1) else tag.group(2)) if tag else "?"
        problems.append(
            Problem(
                path,
                line,
                f"type YAML non autorisé « {shown} » : l'en-tête n'accepte que du texte, des"
                " nombres, des listes, true/false et null",
            )
        )
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        detail = getattr(error, "problem", None) or "syntaxe"
        problems.append(
            Problem(
                path,
                line,
                "en-tête YAML invalide : vérifiez l'indentation, les deux-points et les"
                f" guillemets (détail : {detail})",
            )
        )
        return None
    except RecursionError:
        problems.append(Problem(path, first_line, "en-tête YAML trop imbriqué"))
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        problems.append(
            Problem(path, first_line, "en-tête invalide : une liste de lignes « clé: valeur »")
        )
        return None
    key_lines: dict[str, int] = {}
    for key_node, _value in node.value:
        key = key_node.value
        line = first_line + key_node.start_mark.line
        if key in key_lines:
            problems.append(Problem(path, line, f"clé « {key} » en double dans l'en-tête"))
        key_lines[key] = line
    return data, key_lines


def check_image(path: Path, content_type: str, data: bytes, problems: list[Problem]) -> None:
    """Report an image whose bytes do not match its extension, or an unsafe SVG."""
    if content_type == "image/svg+xml":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        if "<svg" not in text:
            problems.append(Problem(path, 1, "ce fichier n'est pas une image SVG lisible"))
        elif _SVG_FORBIDDEN.search(data):
            problems.append(
                Problem(
                    path,
                    1,
                    "image SVG refusée : elle contient un script, un gestionnaire d'événement"
                    " ou une référence externe",
                )
            )
        return
    if content_type == "image/webp":
        valid = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    else:
        valid = data.startswith(_SIGNATURES[content_type])
    if not valid:
        kind = content_type.removeprefix("image/").upper()
        problems.append(
            Problem(path, 1, f"le contenu du fichier n'est pas une image {kind} valide")
        )
