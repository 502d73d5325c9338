"""The generator's source, as one digest: what a cached result, a preview's memos and an incremental
build's record were made with.

One list says which files of the `suanli` package count (SOURCE_SUFFIXES) and one which installed
packages shape the output (LIBRARIES); one function hashes both. The cache key (site/cache.py), the
plugin's check for edited code under `serve` (site/plugin.py) and the incremental preview's key
(site/incremental.py) all read this digest.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # gen/suanli
SOURCE_SUFFIXES = (".py", ".yaml", ".html", ".otf", ".txt")  # modules, the scaffold, templates, the card font
# Packages whose version changes what a build writes: the generator's libraries, MkDocs and its plugins.
LIBRARIES = (
    "pandas",
    "altair",
    "markdown",
    "pyyaml",
    "jinja2",
    "nh3",
    "pypinyin",
    "jieba",
    "properdocs",
    "mkdocs-material",
    "pymdown-extensions",
    "mkdocs-gen-files",
    "pillow",  # the share cards (PNG)
    "segno",  # their QR codes
)


def source_files(package: Path = PACKAGE) -> list[Path]:
    """Every file of the package the digest covers, in a stable order."""
    return sorted(
        path
        for path in package.rglob("*")
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file()
    )


def source_digest(package: Path = PACKAGE) -> bytes:
    """Each covered file's path and bytes, then each library's installed version."""
    digest = hashlib.sha256()
    for path in source_files(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.digest()
