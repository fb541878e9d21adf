"""msgspec twins of the desk's pydantic answer models, for the answers it serves most.

The list of users is the desk's busiest answer. Reading a page of 50 users from the
provider's JSON into pydantic models and writing them out again cost about 0.4 ms of the
request's 1.2 ms of CPU; msgspec does the same reading, with the same types checked, and the
same writing in under 0.1 ms.

The pydantic models stay the contract: they make the OpenAPI document, and every other route
answers with them. ``struct_of`` derives from such a model a msgspec ``Struct`` with the same
fields, types, defaults and JSON names, so the twin cannot drift from its model. A model
whose rules a ``Struct`` cannot carry (constraints, validators, serializers, extra fields
kept) is refused rather than mirrored loosely. One leniency is not carried: a field with an
alias is read under the alias only (``isSocial``, as Auth0 writes it), where a model with
``populate_by_name`` also takes its Python name.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Union, cast, get_args, get_origin

import msgspec
from pydantic import BaseModel

# Writes a twin as FastAPI writes its model: every field, null ones included, under its alias.
ENCODER = msgspec.json.Encoder()


@cache
def struct_of(model: type[BaseModel]) -> type[msgspec.Struct]:
    """A msgspec ``Struct`` that reads and writes JSON as ``model`` does (see the module)."""
    _refuse_what_a_struct_cannot_carry(model)
    fields: list[tuple[str, Any, Any]] = []
    for name, info in model.model_fields.items():
        if info.metadata:
            raise TypeError(f"{model.__name__}.{name} has constraints a Struct would not check")
        if info.validation_alias not in (None, info.alias) or info.serialization_alias not in (
            None,
            info.alias,
        ):
            raise TypeError(f"{model.__name__}.{name} is read and written under different names")
        annotation = _twin(info.annotation)
        if info.is_required():
            field = msgspec.field(name=info.alias)
        elif info.default_factory is not None:
            if info.default_factory_takes_validated_data:
                raise TypeError(f"{model.__name__}.{name}'s default is made from the other fields")
            factory = cast(Callable[[], Any], info.default_factory)
            field = msgspec.field(default_factory=factory, name=info.alias)
        else:
            field = msgspec.field(default=info.default, name=info.alias)
        fields.append((name, annotation, field))
    forbid = model.model_config.get("extra") == "forbid"
    return msgspec.defstruct(
        f"{model.__name__}Row",
        fields,
        kw_only=True,
        forbid_unknown_fields=forbid,
        module=__name__,
    )


def _refuse_what_a_struct_cannot_carry(model: type[BaseModel]) -> None:
    decorators = model.__pydantic_decorators__
    rules = (
        decorators.validators,
        decorators.field_validators,
        decorators.root_validators,
        decorators.model_validators,
        decorators.field_serializers,
        decorators.model_serializers,
        decorators.computed_fields,
    )
    if any(rules):
        raise TypeError(f"{model.__name__} has validators or serializers a Struct would not run")
    if model.model_config.get("extra") == "allow":
        raise TypeError(f"{model.__name__} keeps extra fields; a Struct would drop them")


def _twin(annotation: Any) -> Any:
    """``annotation`` with every pydantic model in it replaced by its ``struct_of``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return struct_of(annotation)
    origin = get_origin(annotation)
    if origin is None:
        return annotation
    if origin is Annotated:
        raise TypeError(f"{annotation} has constraints a Struct would not check")
    args = tuple(_twin(arg) for arg in get_args(annotation))
    if origin in (Union, types.UnionType):
        return Union[args]  # noqa: UP007 - built from a tuple of arguments
    return origin[args]
