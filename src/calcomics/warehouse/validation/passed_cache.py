"""Remember raw folders that passed validation, so an unchanged folder is not re-checked.

Validating a 10,000-patient folder reads and checks ~1.3 GB of text (minutes of CPU); a
rebuild, a second build from the same files or ``calcomics import`` followed by a build would
repeat it. A folder that *passed* is recorded under a key that holds every input of the
verdict: the content (SHA-256) and name of every file in the folder, the rules
(``_raw__sources.yml`` as loaded), the declared expression scale, and the source of the
validator itself. Any change to any of them is a new key, so a hit is exactly the verdict a
new run would give. Failures are never cached (their messages are recomputed).

The record holds file names and counts only (no patient data). Location:
``$CALCOMICS_VALIDATION_CACHE_DIR``, else ``$XDG_CACHE_HOME/calcomics/validation`` (default
``~/.cache``); ``CALCOMICS_VALIDATION_CACHE=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

CACHE_SWITCH = "CALCOMICS_VALIDATION_CACHE"
CACHE_DIR_VARIABLE = "CALCOMICS_VALIDATION_CACHE_DIR"
_CHUNK = 1 << 22
# The code whose behaviour decides a verdict (this package and what it reads rules with).
_CODE = (
    Path(__file__).parent,
    Path(__file__).parents[1] / "raw_layout.py",
    Path(__file__).parents[2] / "methods" / "transcriptomics" / "scale.py",
)


def cache_dir(environment: Mapping[str, str] | None = None) -> Path | None:
    """The cache folder, or None when the cache is switched off."""
    environment = os.environ if environment is None else environment
    if environment.get(CACHE_SWITCH, "").lower() in {"off", "0", "false", "no"}:
        return None
    if environment.get(CACHE_DIR_VARIABLE):
        return Path(environment[CACHE_DIR_VARIABLE])
    base = environment.get("XDG_CACHE_HOME") or str(
        Path(environment.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "calcomics" / "validation"


def _file_digest(path: Path, digest: hashlib._Hash) -> None:
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)


def _code_digest() -> str:
    digest = hashlib.sha256()
    for root in _CODE:
        for path in sorted(root.glob("*.py")) if root.is_dir() else [root]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def validation_key(raw_dir: Path, rules: object, expression_scale: str | None) -> str:
    """Key of a verdict: every file of ``raw_dir`` (name and content), ``repr(rules)``, the
    declared scale, the validator's code and the Great Expectations version."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(_code_digest().encode())
    digest.update(version("great_expectations").encode())
    digest.update(repr(rules).encode())
    digest.update(repr(expression_scale).encode())
    for path in sorted(Path(raw_dir).iterdir()):
        digest.update(b"\0file\0" + path.name.encode())
        if path.is_file():
            _file_digest(path, digest)
    return digest.hexdigest()


def load_passed(key: str, environment: Mapping[str, str] | None = None) -> dict | None:
    """The record of a passed validation under ``key``, or None (no cache, no record, or a
    record that cannot be read: then the folder is simply validated again)."""
    folder = cache_dir(environment)
    if folder is None:
        return None
    try:
        record = json.loads((folder / f"{key}.json").read_text())
    except (OSError, ValueError):
        return None
    expected = {"checked_files": list, "absent_files": list, "n_expectations": int}
    if not isinstance(record, dict) or any(
            not isinstance(record.get(name), kind) for name, kind in expected.items()):
        return None
    return record


def store_passed(key: str, record: dict, environment: Mapping[str, str] | None = None) -> None:
    """Record a passed validation (atomically; a cache that cannot be written is skipped)."""
    folder = cache_dir(environment)
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{key}.{os.getpid()}.tmp"
        partial.write_text(json.dumps(record, sort_keys=True))
        os.replace(partial, folder / f"{key}.json")
    except OSError:
        return
