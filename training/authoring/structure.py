"""The plan of a draft: its modules and steps renamed, reordered, added and deleted, with the
numbered names and the links between files kept right.

The course format gives the order by the names (« 01-decouvrir/02-a-qui-signaler.md »), and a
link between steps is the relative path of a file. So a move renumbers the folders or files of
its level (01, 02… without gap) and rewrites, in every Markdown file of the draft, each relative
link that pointed at a renamed file, keeping its anchor (« #titre ») and its way of being written
(« 02-etape.md » in the same module, « ../02-module/01-etape.md » across modules): the course
checks as it did before the move.

The functions over a {path: text} mapping are pure and return a `Change` (the new mapping and
what to tell the trainer) or raise StructureError; `apply_change` writes a change into a draft
through `drafts.replace_files` (revision checked, one revision for the whole change), flushing,
never committing.
"""

import bisect
import posixpath
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from training.accounts.models import User
from training.authoring import drafts
from training.authoring.drafts import MODULE_FILE, DraftError, StaleDraftError
from training.authoring.front_matter import (
    FrontMatterError,
    front_matter_text,
    read_front_matter,
    with_fields,
)
from training.authoring.models import CourseDraft
from training.content.renderer import tokenize

#: Two-digit numbering is what the parser accepts: 99 modules, 99 steps in a module.
MAX_NUMBER = 99
_NUMBERED = re.compile(r"^(?P<number>\d+)-(?P<name>.+)$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: A code span (left alone), an inline link or image destination, or a link reference
#: definition (« [nom]: chemin »), in the Markdown text.
_DESTINATION = re.compile(
    r"(?P<code>(?P<ticks>`+).*?(?P=ticks))"
    r"|(?P<inline>\]\([ \t]*)(?P<dest><[^<>\n]*>|[^\s()<>]+)"
    r"|(?P<reference>^[ ]{0,3}\[(?:[^\]\\\n]|\\.)+\]:[ \t]*)(?P<ref_dest><[^<>\n]*>|\S+)",
    re.MULTILINE,
)
KIND_LABELS = {"lesson": "leçon", "quiz": "quiz", "scenario": "mise en situation"}


class StructureError(DraftError):
    """A change of the plan refused, having changed nothing; the message is for the trainer."""


# --- Reading the plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class StepEntry:
    path: str
    #: The title of its front matter, or None if it cannot be read.
    title: str | None
    kind: str | None

    @property
    def label(self) -> str:
        return self.title or posixpath.basename(self.path)


@dataclass(frozen=True)
class ModuleEntry:
    folder: str
    title: str | None
    steps: list[StepEntry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.title or self.folder

    @property
    def intro_path(self) -> str:
        return f"{self.folder}/{MODULE_FILE}"


def course_plan(files: Mapping[str, str]) -> list[ModuleEntry]:
    """The modules of the draft in their order, each with its steps in their order (the order
    of their numbers, then of their names)."""
    folders: dict[str, list[str]] = {}
    for path in files:
        if "/" in path:
            folder, name = path.split("/", 1)
            folders.setdefault(folder, [])
            if name != MODULE_FILE:
                folders[folder].append(path)
    plan = []
    for folder in sorted(folders, key=_order_key):
        steps = [
            StepEntry(path, *_title_and_kind(files[path]))
            for path in sorted(folders[folder], key=lambda path: _order_key(_stem(path)))
        ]
        intro = files.get(f"{folder}/{MODULE_FILE}")
        title = _title_and_kind(intro)[0] if intro is not None else None
        plan.append(ModuleEntry(folder, title, steps))
    return plan


def _title_and_kind(text: str) -> tuple[str | None, str | None]:
    try:
        fields = read_front_matter(text).fields
    except FrontMatterError:
        return None, None
    title, kind = fields.get("title"), fields.get("kind")
    return (
        title.strip() if isinstance(title, str) and title.strip() else None,
        kind if isinstance(kind, str) else None,
    )


def _stem(path: str) -> str:
    return posixpath.basename(path).removesuffix(".md")


def _order_key(name: str) -> tuple[int, str]:
    match = _NUMBERED.match(name)
    return (int(match.group("number")), name) if match else (10**6, name)


def _find_module(plan: list[ModuleEntry], folder: str) -> ModuleEntry:
    module = next((module for module in plan if module.folder == folder), None)
    if module is None:
        raise StructureError(f"Le module « {folder} » n'existe pas dans ce brouillon.")
    return module


def _find_step(plan: list[ModuleEntry], path: str) -> tuple[ModuleEntry, StepEntry]:
    for module in plan:
        for step in module.steps:
            if step.path == path:
                return module, step
    raise StructureError(f"L'étape « {path} » n'existe pas dans ce brouillon.")


# --- Changes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A new state of the draft's files and what it did, in French."""

    files: dict[str, str]
    message: str
    #: Old path → new path of every file renamed by the change.
    renamed: dict[str, str] = field(default_factory=dict)
    #: The file the trainer is shown next (a file just added), if any.
    focus: str | None = None


def move(files: Mapping[str, str], path: str, offset: int) -> Change:
    """Move the module folder or step file `path` one place up (`offset` -1) or down (+1)
    among its siblings, then renumber them and rewrite the links to the files renamed.

    Raises StructureError for the first moved up, the last moved down, an unknown path or
    siblings whose names carry no number.
    """
    if offset not in (-1, 1):
        raise ValueError(offset)
    plan = course_plan(files)
    if "/" not in path:
        module = _find_module(plan, path)
        folder, names, name = None, [entry.folder for entry in plan], path
        what, pronoun = f"Le module « {module.label} »", "il"
    else:
        module, step = _find_step(plan, path)
        folder, names, name = (
            module.folder,
            [_stem(entry.path) for entry in module.steps],
            _stem(path),
        )
        what, pronoun = f"L'étape « {step.label} »", "elle"
    index = names.index(name)
    if not 0 <= index + offset < len(names):
        place, way = ("premier", "monter") if offset < 0 else ("dernier", "descendre")
        raise StructureError(f"{what} est déjà au {place} rang : {pronoun} ne peut pas {way}.")
    names[index], names[index + offset] = names[index + offset], names[index]
    renamed = _renumbering(files, folder, names)
    new_name = f"{index + offset + 1:02d}-{_NUMBERED.match(name).group('name')}"
    message = f"{what} {'monte' if offset < 0 else 'descend'} d'un rang"
    if new_name != name:
        message += f" : {name} devient {new_name}"
    return Change(_renamed_files(files, renamed), message + ".", renamed)


def rename(files: Mapping[str, str], path: str, title: str) -> Change:
    """Set the title of the module folder or step file `path` (the `title` key of its front
    matter, every other key and the text untouched; a module without module.md gets one)."""
    plan = course_plan(files)
    if "/" not in path:
        module = _find_module(plan, path)
        target = module.intro_path
        what = "Le module"
    else:
        _find_step(plan, path)
        target = path
        what = "L'étape"
    new_files = dict(files)
    if target not in files:
        new_files[target] = front_matter_text({"title": title})
    else:
        try:
            new_files[target] = with_fields(files[target], {"title": title}, ("kind", "title"))
        except FrontMatterError as error:
            raise StructureError(
                f"L'en-tête de {target} ne peut pas être lu ({error}) : corrigez-le dans"
                " l'éditeur du fichier avant de renommer."
            ) from None
    return Change(new_files, f"{what} s'appelle désormais « {title} ».", focus=target)


@dataclass(frozen=True)
class Deletion:
    """What deleting a module or a step takes away, and what prevents it."""

    what: str
    label: str
    removed: list[str]
    #: Files outside what is deleted that link to it: the deletion is refused.
    linked_from: list[str]
    #: Why the deletion is refused, if it is.
    refusal: str | None


def deletion(files: Mapping[str, str], path: str) -> Deletion:
    """What deleting the module folder or step file `path` would remove; its `refusal` says
    why it cannot be done (the last module or step, links from other files to it)."""
    plan = course_plan(files)
    if "/" not in path:
        module = _find_module(plan, path)
        what, label = "le module", module.label
        removed = sorted(name for name in files if name.startswith(f"{path}/"))
        last = len(plan) == 1 and "le cours doit garder au moins un module"
    else:
        module, step = _find_step(plan, path)
        what, label = "l'étape", step.label
        removed = [path]
        last = len(module.steps) == 1 and (
            "c'est la seule étape de son module : supprimez le module, ou ajoutez d'abord une"
            " autre étape"
        )
    linked_from = sorted(links_to(files, set(removed)))
    refusal = None
    if last:
        refusal = f"Impossible de supprimer {what} « {label} » : {last}."
    elif linked_from:
        refusal = (
            f"Impossible de supprimer {what} « {label} » : {', '.join(linked_from)}"
            f" {'y renvoie' if len(linked_from) == 1 else 'y renvoient'} par un lien. Retirez"
            " d'abord ces liens, puis supprimez."
        )
    return Deletion(what, label, removed, linked_from, refusal)


def delete(files: Mapping[str, str], path: str) -> Change:
    """Remove the module folder or step file `path`, then renumber the ones after it (links
    rewritten). Raises StructureError, removing nothing, if `deletion` refuses it."""
    planned = deletion(files, path)
    if planned.refusal:
        raise StructureError(planned.refusal)
    kept = {name: text for name, text in files.items() if name not in planned.removed}
    plan = course_plan(kept)
    if "/" not in path:
        renamed = _renumbering(kept, None, [module.folder for module in plan])
    else:
        module = _find_module(plan, path.split("/")[0])
        renamed = _renumbering(kept, module.folder, [_stem(step.path) for step in module.steps])
    if "/" in path:
        message = f"L'étape « {planned.label} » est supprimée du brouillon."
    else:
        message = f"Le module « {planned.label} » est supprimé du brouillon."
    return Change(_renamed_files(kept, renamed), message, renamed)


def add_module(files: Mapping[str, str], title: str, intro: str, first_step: str) -> Change:
    """Add a module after the last one: a folder numbered next, named after `title`, holding
    `intro` as its module.md (titled `title`) and `first_step` as its first step."""
    plan = course_plan(files)
    number = _next_number([module.folder for module in plan], "modules dans un cours")
    folder = f"{number:02d}-{_name_of(title, 'module')}"
    intro_path = f"{folder}/{MODULE_FILE}"
    step_path = f"{folder}/01-{_name_of(_title_and_kind(first_step)[0] or '', 'etape')}.md"
    new_files = {**files, intro_path: _titled(intro, title, intro_path), step_path: first_step}
    return Change(new_files, f"Le module « {title} » est ajouté ({folder}).", focus=intro_path)


def add_step(files: Mapping[str, str], folder: str, title: str, starter: str) -> Change:
    """Add a step at the end of the module `folder`: a file numbered next, named after
    `title`, holding `starter` titled `title`."""
    module = _find_module(course_plan(files), folder)
    stems = [_stem(step.path) for step in module.steps]
    number = _next_number(stems, "étapes dans un module")
    path = f"{folder}/{number:02d}-{_name_of(title, 'etape')}.md"
    new_files = {**files, path: _titled(starter, title, path)}
    return Change(
        new_files,
        f"L'étape « {title} » est ajoutée au module « {module.label} » ({path}) : complétez-la.",
        focus=path,
    )


def _next_number(names: list[str], what: str) -> int:
    numbers = [int(match.group("number")) for name in names if (match := _NUMBERED.match(name))]
    number = max(numbers, default=0) + 1
    if number > MAX_NUMBER:
        raise StructureError(f"Pas plus de {MAX_NUMBER} {what} : leur numéro a deux chiffres.")
    return number


def _name_of(title: str, default: str) -> str:
    """A file name for `title`: lowercase letters without accents, digits and hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return name[:40].rstrip("-") or default


def _titled(text: str, title: str, path: str) -> str:
    try:
        return with_fields(text, {"title": title}, ("kind", "title"))
    except FrontMatterError:
        raise StructureError(f"Le modèle de {path} n'a pas d'en-tête lisible.") from None


# --- Renumbering and links -------------------------------------------------------------------


def _renumbering(files: Mapping[str, str], folder: str | None, names: list[str]) -> dict:
    """Old path → new path of every file whose name changes when the modules (`folder` None)
    or the steps of `folder`, in the order of `names`, are numbered 01, 02…"""
    new_names = {}
    for index, name in enumerate(names, start=1):
        match = _NUMBERED.match(name)
        if match is None:
            raise StructureError(
                f"« {name} » ne commence pas par un numéro (par exemple 01-{name}) : corrigez"
                " son nom dans les fichiers du cours avant de changer l'ordre."
            )
        new_names[name] = f"{index:02d}-{match.group('name')}"
    renamed = {}
    for path in files:
        if folder is None and "/" in path:
            module, rest = path.split("/", 1)
            new = f"{new_names.get(module, module)}/{rest}"
        elif folder is not None and path.startswith(f"{folder}/") and _stem(path) in new_names:
            new = f"{folder}/{new_names[_stem(path)]}.md"
        else:
            continue
        if new != path:
            renamed[path] = new
    return renamed


def _renamed_files(files: Mapping[str, str], renamed: Mapping[str, str]) -> dict[str, str]:
    """The files under their new names, each link to a renamed file rewritten."""
    result = {}
    for path, text in files.items():
        new_path = renamed.get(path, path)
        result[new_path] = rewrite_links(text, _folder(path), _folder(new_path), renamed)
    return dict(sorted(result.items(), key=lambda item: _file_order(item[0])))


def _file_order(path: str) -> tuple:
    if "/" not in path:
        return ((-1, ""),)
    folder, name = path.split("/", 1)
    return (_order_key(folder), (-1, "") if name == MODULE_FILE else _order_key(_stem(name)))


def _folder(path: str) -> str:
    return posixpath.dirname(path)


def rewrite_links(text: str, old_folder: str, new_folder: str, renamed: Mapping[str, str]) -> str:
    """`text` (a course file in `old_folder`, moving to `new_folder`: "" for course.md) with
    each relative link or image to a file of `renamed` pointing at its new path. The front
    matter, code blocks and code spans are left as they are."""
    if not renamed:
        return text
    start = _body_start(text)
    body = text[start:]

    def replace(match: re.Match) -> str:
        if match.group("code"):
            return match.group(0)
        lead = match.group("inline") or match.group("reference")
        destination = match.group("dest") or match.group("ref_dest")
        new = _moved(destination, old_folder, new_folder, renamed)
        return match.group(0) if new is None else lead + new

    code_lines = _code_lines(body)
    if not code_lines:
        return text[:start] + _DESTINATION.sub(replace, body)
    line_starts = [0] + [index + 1 for index, char in enumerate(body) if char == "\n"]

    def replace_outside_code(match: re.Match) -> str:
        line = bisect.bisect_right(line_starts, match.start()) - 1
        return match.group(0) if line in code_lines else replace(match)

    return text[:start] + _DESTINATION.sub(replace_outside_code, body)


def links_to(files: Mapping[str, str], targets: set[str]) -> set[str]:
    """The files, other than `targets`, whose text links to one of `targets`."""
    return {
        path
        for path, text in files.items()
        if path not in targets and _links_of(text, _folder(path)) & targets
    }


def _links_of(text: str, folder: str) -> set[str]:
    """The course paths the relative links and images of `text` (in `folder`) point at."""
    body = text[_body_start(text) :]
    code_lines = _code_lines(body)
    targets = set()
    for match in _DESTINATION.finditer(body):
        if match.group("code"):
            continue
        if code_lines and body.count("\n", 0, match.start()) in code_lines:
            continue
        target = _target(match.group("dest") or match.group("ref_dest"), folder)
        if target is not None:
            targets.add(target[0])
    return targets


def _target(destination: str, folder: str) -> tuple[str, str, str] | None:
    """(course path, path as written, "#anchor" or "") of a relative link, else None."""
    url = destination[1:-1] if destination.startswith("<") else destination
    url = url.strip()
    if not url or _SCHEME.match(url) or url.startswith(("/", "\\", "#")):
        return None
    path, sign, anchor = url.partition("#")
    if "?" in path:
        return None
    decoded = unquote(path)
    target = posixpath.normpath(posixpath.join(folder, decoded))
    if target == ".." or target.startswith("../"):
        return None
    return target, decoded, sign + anchor


def _moved(
    destination: str, old_folder: str, new_folder: str, renamed: Mapping[str, str]
) -> str | None:
    """The destination rewritten for a renamed target, written the way it was (same module
    or across modules); None if it does not change."""
    found = _target(destination, old_folder)
    if found is None or found[0] not in renamed:
        return None
    _old_target, written, anchor = found
    new_target = renamed[_old_target]
    parts, new_parts = written.split("/"), new_target.split("/")
    parts[-1] = new_parts[-1]
    if len(parts) >= 2 and len(new_parts) >= 2 and parts[-2] not in (".", ".."):
        parts[-2] = new_parts[-2]
    candidate = "/".join(parts)
    if posixpath.normpath(posixpath.join(new_folder, candidate)) != new_target:
        candidate = posixpath.relpath(new_target, new_folder or ".")
    new = candidate + anchor
    return f"<{new}>" if destination.startswith("<") else new


def _body_start(text: str) -> int:
    """Where the text after the front matter starts (0 if the file has none)."""
    try:
        document = read_front_matter(text)
    except FrontMatterError:
        return 0
    return len(text) - len(document.rest)


def _code_lines(body: str) -> set[int]:
    """The lines (0-based) of `body` inside fenced or indented code blocks."""
    lines = set()
    for token in tokenize(body):
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


# --- Applying a change to a draft ------------------------------------------------------------


def apply_change(
    draft: CourseDraft,
    change: Callable[[dict[str, str]], Change],
    expected_revision: int,
    user: User,
) -> Change:
    """Compute `change` on the draft's files and write its result in one revision.

    Raises StaleDraftError if the draft is no longer at `expected_revision` (the change is not
    computed on files the trainer has not seen), StructureError if the change is refused,
    DraftError as `drafts.replace_files` does; nothing is written then.
    """
    drafts.require_may_edit(user, draft)
    if draft.revision != expected_revision:
        raise StaleDraftError.since(draft, user)
    done = change(dict(draft.files))
    drafts.replace_files(draft, done.files, expected_revision, user)
    return done


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", "étape")
