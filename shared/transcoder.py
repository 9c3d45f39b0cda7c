"""Event-state transcoder built on msgspec.json.

Wire format is the eventsourcing library's JSONTranscoder format: compact JSON,
UTF-8 (no ASCII escaping), non-JSON values written as
``{"_type_": NAME, "_data_": ENCODED}``. So events already stored by
JSONTranscoder (with the same registrations) decode here, and vice versa -
except that JSONTranscoder writes tuples as plain lists, whereas we tag them so
they come back as tuples.

Why every encode walks the object in Python instead of relying on msgspec's
``enc_hook``: msgspec encodes UUID, datetime, date, Decimal, dataclasses,
tuples, sets and dict/list subclasses *natively* (the hook only sees types it
does not know), so the hook would never get the values that need a tag. The
walk builds a plain-JSON copy with the tags, then msgspec serialises it.

Decoding has three paths, fastest first:
- no ``"_type_"`` in the bytes: plain ``msgspec.json`` decode;
- a typical event state (see ``_decode_flat``): msgspec checks its shape and
  finds the tags in C, Python only finishes the tags;
- anything else: plain decode, then a Python walk replaces tagged dicts
  innermost first, like json's ``object_hook`` (a transcoding's ``decode``
  receives already-decoded values). That walk costs more than the parse
  itself, hence the middle path.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from datetime import date, datetime
from functools import reduce
from operator import attrgetter, or_
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    Transcoder,
    Transcoding,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)

__all__ = [
    "DataclassAsDict",
    "StructAsDict",
    "DateAsISO",
    "FastUUIDAsHex",
    "MsgspecTranscoder",
    "TupleAsList",
]


class FastUUIDAsHex(UUIDAsHex):
    """The library's "uuid_hex", decoded by msgspec (~3x faster than UUID(hex))."""

    def decode(self, data: str) -> UUID:
        try:
            return msgspec.convert(data, UUID)
        except msgspec.ValidationError:  # forms msgspec rejects, e.g. "{...}"
            return UUID(data)


class DateAsISO(Transcoding):
    """Dates as ISO 8601 strings (datetimes have their own: lookup is by exact type)."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class TupleAsList(Transcoding):
    """Tuples as tagged lists, so that they decode as tuples rather than lists."""

    type = tuple
    name = "tuple_as_list"

    def encode(self, obj: tuple[Any, ...]) -> list[Any]:
        return list(obj)

    def decode(self, data: list[Any]) -> tuple[Any, ...]:
        return tuple(data)


class DataclassAsDict(Transcoding):
    """A dataclass as a dict of its fields (the walk encodes the field values)."""

    def __init__(self, cls: type, name: str) -> None:
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            msg = f"{cls!r} is not a dataclass"
            raise TypeError(msg)
        self.type = cls
        self.name = name
        fields = dataclasses.fields(cls)
        # Only init fields are written: decoding calls cls(**data).
        self._names = tuple(f.name for f in fields if f.init)
        # A frozen dataclass __init__ costs ~3x more than filling __dict__
        # directly (it calls object.__setattr__ per field). Take that shortcut
        # only where __init__ would do nothing more: all fields are init
        # fields, no __post_init__, no __slots__, and (checked per call) the
        # data has exactly the fields, else defaults would be skipped.
        self._shortcut = (
            all(f.init for f in fields) and not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__")
        )
        self._name_set = frozenset(self._names)

    def encode(self, obj: Any) -> dict[str, Any]:
        return {n: getattr(obj, n) for n in self._names}

    def decode(self, data: dict[str, Any]) -> Any:
        if self._shortcut and data.keys() == self._name_set:
            obj: Any = object.__new__(self.type)
            obj.__dict__.update(data)
            return obj
        return self.type(**data)


class StructAsDict(Transcoding):
    """A msgspec Struct as a dict of its fields (the walk encodes the field values), like a
    dataclass: `shared.personal.PersonalDetails` is one, so that the API and events share it."""

    def __init__(self, cls: type[msgspec.Struct], name: str) -> None:
        self.type = cls
        self.name = name
        self._names = cls.__struct_fields__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {n: getattr(obj, n) for n in self._names}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


# Values of these exact types are JSON already: the encoding walk passes them
# through. Not float: msgspec would write inf and nan as null, silently.
_SCALARS = frozenset({str, int, bool, type(None)})

# Unregistered subclasses of builtins are written as their base type, as
# JSONTranscoder does (json encodes them natively): str/int enums become their
# value, a NamedTuple a (tagged) tuple.
_BUILTIN_BASES: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (str, str.__str__),  # an exact str even for (str, Enum) members
    (int, int.__int__),
    (float, float.__float__),
    (dict, dict),
    (list, list),
    (tuple, tuple),
)

# The shape _decode_flat handles: an object whose values are scalars, lists of
# scalars or tags whose _data_ is a scalar or one list or dict of scalars.
_Scalar = None | bool | int | float | str
_FlatData = _Scalar | list[_Scalar] | dict[str, _Scalar]

# Transcodings (by exact class) whose decode msgspec can do itself, in C, with
# equal results: it parses the strings they write exactly as they would, and
# any string it rejects (e.g. a UTC offset with seconds) sends the state down
# the general path, where the transcoding decodes it. (Not Decimal: msgspec
# would also take a JSON number, 0.1, where Decimal(0.1) differs.)
_MSGSPEC_NATIVE: dict[type, Any] = {
    UUIDAsHex: UUID,
    FastUUIDAsHex: UUID,
    DatetimeAsISO: datetime,
    DateAsISO: date,
    TupleAsList: tuple[_Scalar, ...],
}
_get_data = attrgetter("_data_")


class _NotFlatError(Exception):
    pass


def _is_tag(obj: dict[Any, Any]) -> bool:
    return len(obj) == 2 and "_type_" in obj and "_data_" in obj


class MsgspecTranscoder(Transcoder):
    """JSONTranscoder-compatible transcoder that uses msgspec.json.

    Ready to use without arguments: UUID ("uuid_hex"), Decimal ("decimal_str"),
    datetime ("datetime_iso"), date ("date_iso") and tuple ("tuple_as_list")
    are registered. Add more with ``register()`` / ``register_dataclass()``.
    Transcodings are looked up by exact type, like JSONTranscoder. Change
    ``types``/``names`` only through ``register()`` (it resets a cache).
    """

    def __init__(self) -> None:
        self.types: dict[type, Transcoding] = {}
        self.names: dict[str, Transcoding] = {}
        self._encode = msgspec.json.Encoder().encode
        self._decode = msgspec.json.Decoder().decode
        # (decode, {tag struct: finisher}), built on first use, reset by register().
        self._flat: tuple[Callable[[bytes], Any], dict[type, Callable[[Any], Any]]] | None = None
        for transcoding in (
            FastUUIDAsHex(),
            DecimalAsStr(),
            DatetimeAsISO(),
            DateAsISO(),
            TupleAsList(),
        ):
            self.register(transcoding)

    def register(self, transcoding: Transcoding) -> None:
        """Registers a transcoding under its ``type`` and its ``name``."""
        self.types[transcoding.type] = transcoding
        self.names[transcoding.name] = transcoding
        self._flat = None

    def register_former_name(self, name: str, transcoding: Transcoding) -> None:
        """Decodes values stored under ``name`` with ``transcoding`` as well: a name a type was
        stored under before it took its current one. Encoding never writes it."""
        if name in self.names:
            msg = f"{name!r} is already the name of {self.names[name].type!r}"
            raise ValueError(msg)
        self.names[name] = transcoding
        self._flat = None

    def register_dataclass(self, cls: type, name: str) -> None:
        """Registers a dataclass, written as a dict of its fields under ``name``."""
        self.register(DataclassAsDict(cls, name))

    def encode(self, obj: Any) -> bytes:
        """Encodes obj as compact UTF-8 JSON."""
        return self._encode(self._to_json(obj))

    def decode(self, data: bytes) -> Any:
        """Decodes what this transcoder (or JSONTranscoder) encoded."""
        if b'"_type_"' not in data:
            return self._decode(data)
        obj = self._decode_flat(data)
        if obj is not None:
            return obj
        obj = self._decode(data)
        if type(obj) is dict or type(obj) is list:
            return self._from_json(obj)
        return obj

    def _decode_flat(self, data: bytes) -> dict[str, Any] | None:
        """Decodes a typical event state (see _FlatData) ~1.5x faster than the
        general path; returns None for anything else.

        Each registered name becomes a msgspec tagged struct, so msgspec turns
        exactly the dicts the walk would untag (those two keys, a registered
        name) into structs; any other dict fails validation. Results equal the
        general path's: the same transcodings decode the same _data_, or
        msgspec does it natively where that is equivalent (_MSGSPEC_NATIVE).
        """
        if self._flat is None:
            self._flat = self._build_flat()
        decode, finishers = self._flat
        try:
            obj = decode(data)
            if _is_tag(obj):  # the state itself is a tag: not parsed as a struct
                return None
            for k, v in obj.items():
                finish = finishers.get(type(v))
                if finish is not None:
                    obj[k] = finish(v)
        except (msgspec.ValidationError, _NotFlatError):
            return None
        return obj

    def _build_flat(self) -> tuple[Callable[[bytes], Any], dict[type, Callable[[Any], Any]]]:
        finishers: dict[type, Callable[[Any], Any]] = {}
        for name, transcoding in self.names.items():
            native = _MSGSPEC_NATIVE.get(type(transcoding))
            struct = msgspec.defstruct(
                f"Tagged_{name}",
                [("_data_", native or _FlatData)],
                tag_field="_type_",
                tag=name,
                forbid_unknown_fields=True,
            )
            finishers[struct] = _get_data if native else self._finisher(transcoding)
        # A union built at run time (one member per registered name), so typed `Any`.
        values: Any = reduce(or_, (_Scalar, list[_Scalar], *finishers))
        schema = dict[str, values]
        return msgspec.json.Decoder(schema).decode, finishers

    @staticmethod
    def _finisher(transcoding: Transcoding) -> Callable[[Any], Any]:
        decode = transcoding.decode

        def finish(tagged: Any) -> Any:
            data = tagged._data_
            if type(data) is dict and _is_tag(data):  # a tag in the tag: not flat
                raise _NotFlatError
            return decode(data)

        return finish

    def _to_json(self, obj: Any) -> Any:
        """Returns a copy of obj made of plain JSON types, with tags."""
        t = type(obj)
        if t in _SCALARS:
            return obj
        if t is float:
            if math.isfinite(obj):
                return obj
            msg = f"Cannot encode {obj!r}: JSON has no non-finite floats (use Decimal or None)"
            raise ValueError(msg)
        to_json = self._to_json
        # Scalars are tested inline, saving a Python call per value.
        if t is dict:
            return {k: v if type(v) in _SCALARS else to_json(v) for k, v in obj.items()}
        if t is list:
            return [v if type(v) in _SCALARS else to_json(v) for v in obj]
        transcoding = self.types.get(t)
        if transcoding is not None:
            data = transcoding.encode(obj)  # may hold non-JSON values too
            return {
                "_type_": transcoding.name,
                "_data_": data if type(data) in _SCALARS else to_json(data),
            }
        for base, convert in _BUILTIN_BASES:
            if isinstance(obj, base):
                return to_json(convert(obj))
        msg = f"Object of type {t} is not serializable. Please define and register a custom transcoding for this type."
        raise TranscodingNotRegisteredError(msg)

    def _from_json(self, obj: dict[Any, Any] | list[Any]) -> Any:
        """Replaces tagged dicts, innermost first. Mutates obj, which is fresh
        from the decoder and ours alone, instead of copying it."""
        if type(obj) is dict:
            if _is_tag(obj):
                data = obj["_data_"]
                if type(data) is dict or type(data) is list:
                    data = self._from_json(data)
                try:
                    transcoding = self.names[obj["_type_"]]
                except KeyError:
                    msg = (
                        f"Data serialized with name '{obj['_type_']}' is not "
                        "deserializable. Please register a "
                        "custom transcoding for this type."
                    )
                    raise TranscodingNotRegisteredError(msg) from None
                return transcoding.decode(data)
            items: Any = obj.items()  # assigning existing keys while iterating is fine
        else:
            items = enumerate(obj)
        for k, v in items:
            if type(v) is dict or type(v) is list:
                obj[k] = self._from_json(v)
        return obj
