"""Reading one config: its source, dotted paths, and errors that name both.

Every problem in a config raises :class:`~neuroplastic.errors.ValidationError`
whose ``owner`` is the source (the file name, or ``"<dict>"``) and whose
``field`` is the dotted path of the offending entry, e.g.
``projections[2].rules[0].tau_plus``. Errors raised by a model class while it
is built (its declared checks) are re-raised with the path of the table it was
built from and the class named after what is allowed.
"""
from __future__ import annotations

from ..errors import ValidationError
from ..model._validate import suggestion


def join(path: str, key) -> str:
    """``path[key]`` for an index, ``path.key`` for a name (``key`` at the top)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def short(value):
    """A value for an error message: large containers are summarised."""
    if isinstance(value, (list, tuple)) and len(value) > 8:
        return f"list of length {len(value)}"
    if isinstance(value, dict) and len(value) > 8:
        return f"table with keys {sorted(map(str, value))[:8]}..."
    return value


class Context:
    """One config being read: remembers its source for error messages."""

    def __init__(self, source: str):
        self.source = str(source)

    def fail(self, path: str, value, allowed: str) -> ValidationError:
        return ValidationError(self.source, path, short(value), allowed)

    # -- structure --------------------------------------------------------------
    def table(self, path: str, value) -> dict:
        """``value`` if it is a table with string keys."""
        if not isinstance(value, dict):
            raise self.fail(path or "<top level>", value, "must be a table")
        for key in value:
            if not isinstance(key, str):
                raise self.fail(join(path, repr(key)), key, "must be a string key")
        return value

    def array_of_tables(self, path: str, value) -> list:
        if not isinstance(value, (list, tuple)):
            raise self.fail(path, value, "must be an array of tables")
        for k, item in enumerate(value):
            self.table(join(path, k), item)
        return list(value)

    def keys(self, path: str, d: dict, allowed, required=()) -> None:
        """Unknown keys (with a "did you mean"), then missing required keys."""
        allowed = tuple(allowed)
        for key in d:
            if key not in allowed:
                raise self.fail(join(path, key), key, f"is not a known key{suggestion(key, allowed)}; "
                                f"allowed keys: {', '.join(allowed) or 'none'}")
        for key in required:
            if key not in d:
                raise self.fail(join(path, key), None, "is required")

    def string(self, path: str, value) -> str:
        if not isinstance(value, str):
            raise self.fail(path, value, "must be a string")
        return value

    def choice_key(self, path: str, d: dict, key: str, table) -> str:
        """The required string ``d[key]``, which must name an entry of ``table``."""
        allowed = ", ".join(map(repr, table))
        if key not in d:
            raise self.fail(join(path, key), None, f"is required (one of {allowed})")
        value = self.string(join(path, key), d[key])
        if value not in table:
            raise self.fail(join(path, key), value, f"must be one of {allowed}{suggestion(value, table)}")
        return value

    # -- construction -------------------------------------------------------------
    def build(self, path: str, cls, kwargs: dict):
        """``cls(**kwargs)``, its errors re-raised with the config path."""
        try:
            return cls(**kwargs)
        except ValidationError as e:
            raise self.rewrap(path, e) from None
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as e:
            raise self.fail(path, type(e).__name__, f"could not be built as {cls.__name__} ({e})") from None

    def rewrap(self, path: str, e: ValidationError) -> ValidationError:
        """A model object's error as an error of this config at ``path``."""
        sub = e.field if e.field else ""
        full = f"{path}.{sub}" if path and sub else (path or sub)
        owner = e.owner if isinstance(e.owner, str) else str(e.owner)
        if owner.startswith(self.source):
            return e
        allowed = f"{e.allowed} ({owner})" if owner and owner not in ("Model",) else e.allowed
        return ValidationError(self.source, full, e.value, allowed)
