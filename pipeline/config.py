"""The one reader of `schemas/`: every YAML file is read once per file version, validated by a typed
model, and any defect is one `ConfigError` naming the file and the key (the CLI exits 2).

Why one place: the rules that vary (heading patterns, metric synonyms, units, check rules, OCR repairs)
are data, and a data file that is wrong must fail the same way whichever stage reads it. The files
ship inside the wheel as the `schemas` data directory beside `pipeline/`, so `SCHEMA_DIR` is the same
expression in a checkout, an editable install and an installed wheel.

    class Limits(BaseModel): ...
    limits = load_model("limits.yaml", Limits)            # validated, cached
    raw = load_yaml("headings.yaml")                       # a mapping, duplicate keys refused

A stage whose model needs more than field types (regexes that must compile, references between
entries) checks that in a pydantic validator or after `load_model`, raising `ConfigError` through
`config_error(path, key, message)` so the message has the one format: `FILE: KEY: message`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.errors import ConfigError

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base of every schema model: unknown keys are an error and loaded values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@functools.lru_cache(maxsize=256)
def schema_path(name: str | Path) -> Path:
    """`name` inside schemas/ (a bare file name), or the path itself when it names a file elsewhere."""
    p = Path(name)
    return p if p.is_absolute() or len(p.parts) > 1 else SCHEMA_DIR / p


def config_error(path: str | Path, key: str | None, message: str) -> ConfigError:
    """The one format of a configuration error: `FILE: KEY: message` (KEY left out when there is none).

    The file is the error's `path`, which `str()` puts first, so the message itself starts at the key.
    """
    return ConfigError(f"{key}: {message}" if key else message, path=str(path))


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _version(p: Path) -> int:
    try:
        return p.stat().st_mtime_ns
    except OSError as e:
        raise config_error(p, None, f"cannot read: {e.strerror or e}") from e


def load_yaml(name: str | Path) -> Any:
    """The parsed YAML of a schemas/ file (or of a path), cached per file version; duplicate keys refused."""
    p = schema_path(name)
    return _load_yaml(str(p), _version(p))


@functools.lru_cache(maxsize=64)
def _load_yaml(path: str, _version: int) -> Any:
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except (OSError, UnicodeDecodeError) as e:
        raise config_error(path, None, f"cannot read: {e}") from e
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise config_error(path, None, f"not valid YAML: {getattr(e, 'problem', None) or e}{line}") from e


def load_model(name: str | Path, model: type[M], *, section: str | None = None) -> M:
    """The file (or its top-level `section`) validated as `model`; cached per file version and model."""
    p = schema_path(name)
    return _load_model(str(p), _version(p), model, section)


@functools.lru_cache(maxsize=64)
def _load_model(path: str, version: int, model: type[M], section: str | None) -> M:
    raw = _load_yaml(path, version)
    if section is not None:
        if not isinstance(raw, dict) or section not in raw:
            raise config_error(path, section, "missing")
        raw = raw[section]
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(x) for x in ((section,) if section else ()) + tuple(err["loc"])) or None
        more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
        raise config_error(path, key, f"{err['msg']}{more}") from e


def read_text(name: str | Path) -> str:
    """A non-YAML schemas/ file (SQL, JSONL) as text; a missing file is a ConfigError naming it."""
    p = schema_path(name)
    try:
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise config_error(p, None, f"cannot read: {e}") from e
