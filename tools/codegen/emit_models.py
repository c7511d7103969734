"""Emit `_generated/models.py`: one `TypedDict` per model."""

from __future__ import annotations

import keyword

from ._text import BUILTIN_TYPE_NAMES, HEADER, docstring, py_str, py_type, uses_literal
from .spec import Model, ModelField, Spec, TypeRef

_TYPING_NAMES = frozenset({"Literal", "NotRequired", "TypedDict"})


def _mentions_model(ref: TypeRef) -> bool:
    return ref.kind == "model" or (ref.item is not None and _mentions_model(ref.item))


def _annotation(f: ModelField) -> str:
    """An annotation that is evaluated at run time (the module has no `from __future__ import
    annotations`), so `NotRequired` is seen and `__required_keys__` is right on every Python.
    Types that name another model are quoted, so models may refer to each other in any order."""
    t = py_type(f.type)
    if f.nullable:
        t = f"{t} | None"
    if _mentions_model(f.type):
        t = py_str(t)
    return t if f.required else f"NotRequired[{t}]"


def _needs_functional(model: Model, model_names: set[str]) -> bool:
    """Class syntax only works when every key is an identifier that shadows nothing we use."""
    taken = BUILTIN_TYPE_NAMES | _TYPING_NAMES | model_names
    return any(
        not f.name.isidentifier() or keyword.iskeyword(f.name) or f.name in taken
        for f in model.fields
    )


def _model_doc(model: Model, indent: int) -> list[str]:
    attrs = [(f.name, f.doc) for f in model.fields if f.doc]
    return docstring(
        model.summary, indent=indent, body=model.description, sections=[("Attributes", attrs)]
    )


def emit_models(spec: Spec) -> str:
    # the API's models, and the writable fields each full-replace `edit` yields
    models = sorted([*spec.models, *spec.edit_models], key=lambda m: m.name)
    names = {m.name for m in models}
    literal = any(uses_literal(f.type) for m in models for f in m.fields)
    not_required = any(not f.required for m in models for f in m.fields)
    typing_names = sorted(
        (["Literal"] if literal else []) + (["NotRequired"] if not_required else []) + ["TypedDict"]
    )
    out = [
        HEADER,
        '"""The JSON models of the Basecamp API, as `TypedDict`s.',
        "",
        "Keys are the JSON field names. Keys the API may leave out are `NotRequired`; values that",
        "may be `null` are typed `... | None`. Dates and times are ISO 8601 strings.",
        "",
        "A `<Model>Edit` is not a response: it is what a full-replace service's `edit()` yields,",
        "the fields that endpoint writes, keyed by the service method's argument names.",
        '"""',
        "",
        f"from typing import {', '.join(typing_names)}",
        "",
        "__all__ = [" + ", ".join(py_str(m.name) for m in models) + "]",
    ]
    for model in models:
        out += ["", ""]
        if _needs_functional(model, names):
            # Functional syntax, for keys that are not identifiers (or shadow names we use).
            out.append(f"{model.name} = TypedDict(")
            out.append(f"    {py_str(model.name)},")
            out.append("    {")
            out += [f"        {py_str(f.name)}: {_annotation(f)}," for f in model.fields]
            out.append("    },")
            out.append(")")
            doc = _model_doc(model, 0)
            doc[0] = f"{model.name}.__doc__ = " + doc[0]
            out += doc
            continue
        out.append(f"class {model.name}(TypedDict):")
        out += _model_doc(model, 4)
        if model.fields:
            out.append("")
        out += [f"    {f.name}: {_annotation(f)}" for f in model.fields]
    out.append("")
    return "\n".join(out)
