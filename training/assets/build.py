"""The build of the static files: a copy whose names carry a hash of their content.

A fingerprinted file never changes under its name, so browsers and proxies may keep it for a
year without asking again; a new release, whose files differ, links to new names. Stylesheets
name other files (the DSFR's fonts and icons) in `url(...)`: those references are rewritten to
the fingerprinted names before the stylesheet's own hash is taken, so that a changed icon
changes the stylesheet's name too and nothing is ever served stale. Each fingerprinted file
also gets gzip and Brotli copies (WhiteNoise's compressor, which keeps them only when they
are smaller), served to the browsers that accept them.

No Flask here: plain functions on folders, tested without an application.
"""

import hashlib
import json
import posixpath
import re
import shutil
from pathlib import Path

from whitenoise.compress import Compressor

MANIFEST_NAME = "manifest.json"
#: Characters of the SHA-256 kept in a name: 48 bits, ample against collisions in one release.
HASH_LENGTH = 12
#: `name.<hash>.ext`: what WhiteNoise is told is immutable.
FINGERPRINT = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}\.[^./]+$")
CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<target>[^'")]+)(?P=quote)\s*\)""")


def fingerprinted_name(relative: str, content: bytes) -> str:
    """`css/app.css` → `css/app.<hash>.css`."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    stem, dot, extension = relative.rpartition(".")
    if not dot or "/" in extension:
        return f"{relative}.{digest}"
    return f"{stem}.{digest}.{extension}"


def rewrite_css_references(css: str, css_path: str, manifest: dict[str, str]) -> str:
    """Point each relative `url(...)` of the stylesheet at `css_path` to its fingerprinted
    name; data: URIs, absolute URLs and files outside the build are left as they are."""
    directory = posixpath.dirname(css_path)

    def replace(match: re.Match) -> str:
        target = match["target"].strip()
        if target.startswith(("data:", "#", "/")) or "://" in target:
            return match[0]
        path, rest = re.match(r"([^?#]*)(.*)", target).groups()
        resolved = posixpath.normpath(posixpath.join(directory, path))
        if resolved not in manifest:
            return match[0]
        new_target = posixpath.relpath(manifest[resolved], directory or ".")
        return f"url({match['quote']}{new_target}{rest}{match['quote']})"

    return CSS_URL.sub(replace, css)


def _source_files(source: Path) -> list[str]:
    """Every file to publish, as a POSIX path relative to `source`; hidden files (make's
    markers) are left out."""
    names = (path.relative_to(source) for path in source.rglob("*") if path.is_file())
    return sorted(
        name.as_posix() for name in names if not any(p.startswith(".") for p in name.parts)
    )


def build_static(
    source: Path, destination: Path, *, compress: bool = True, brotli: bool = True
) -> dict[str, str]:
    """Write into `destination` every file of `source` under its own name and under its
    fingerprinted name (compressed copies beside the latter), and the manifest mapping the
    one to the other; returns the manifest. Brotli at its best quality is most of the time
    of a build (seconds): worth it once per release, not in every test run.

    The build is written beside `destination` and then put in its place, so that a failed
    build leaves the previous one whole."""
    files = _source_files(source)
    work = destination.with_name(destination.name + ".building")
    shutil.rmtree(work, ignore_errors=True)
    manifest: dict[str, str] = {}
    stylesheets = [name for name in files if name.endswith(".css")]
    # Files other than stylesheets first: a stylesheet's hash covers the names it refers to.
    for name in [name for name in files if not name.endswith(".css")] + stylesheets:
        content = (source / name).read_bytes()
        if name.endswith(".css"):
            content = rewrite_css_references(content.decode(), name, manifest).encode()
        manifest[name] = fingerprinted_name(name, content)
        for target in (name, manifest[name]):
            (work / target).parent.mkdir(parents=True, exist_ok=True)
            (work / target).write_bytes(content)
    if compress:
        compressor = Compressor(use_brotli=brotli, quiet=True)
        for fingerprinted in manifest.values():
            if compressor.should_compress(fingerprinted):
                compressor.compress(str(work / fingerprinted))
    (work / MANIFEST_NAME).write_text(json.dumps(manifest, indent=0, sort_keys=True))
    shutil.rmtree(destination, ignore_errors=True)
    work.rename(destination)
    return manifest


def read_manifest(build_dir: Path) -> dict[str, str] | None:
    """The manifest of a build, or None when there is none."""
    try:
        return json.loads((build_dir / MANIFEST_NAME).read_text())
    except FileNotFoundError:
        return None
