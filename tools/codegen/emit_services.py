"""Emit one `_generated/<accessor>.py` module per service: a sync and an async class."""

from __future__ import annotations

from dataclasses import dataclass

from ._text import BUILTIN_TYPE_NAMES, HEADER, docstring, py_str, py_type, sentence, uses_literal
from .spec import BodyField, Operation, Service, Spec, TypeRef

RAISES = ("basecamp.BasecampError", "When the request fails; the subclass says why.")
MAX_ITEMS_DOC = "Stop after this many items; `.meta.truncated` tells whether more existed."
PAGE_DOC = "Fetch only this page number and follow no links."


@dataclass(frozen=True)
class Arg:
    name: str
    annotation: str
    required: bool
    doc: str


class _Module:
    """Collects what one service module needs to import."""

    def __init__(self, service: Service, spec: Spec) -> None:
        self.service = service
        self.shadowed = frozenset(service.method_names) & BUILTIN_TYPE_NAMES
        self.models: set[str] = set()
        self.core: set[str] = set()
        self.literal = False
        self.cast = False
        self.builtins = False
        self.runtime: set[str] = set()
        self.contextlib: set[str] = set()
        self.abc: set[str] = set()
        classes = {service.class_name, "Async" + service.class_name}
        models = [*spec.models, *spec.edit_models]
        self.alias = {m.name: f"_{m.name}" for m in models if m.name in classes}
        self.operations = spec.operations

    def t(self, text: str) -> str:
        if "builtins." in text:
            self.builtins = True
        return text

    def model(self, name: str) -> str:
        self.models.add(name)
        return self.alias.get(name, name)

    def builtin(self, name: str) -> str:
        return self.t(f"builtins.{name}" if name in self.shadowed else name)


def _type(mod: _Module, ref: TypeRef) -> str:
    if uses_literal(ref):
        mod.literal = True
    for name in ref.models():
        mod.model(name)
    return mod.t(py_type(ref, mod.shadowed, mod.alias))


def _doc_for(doc: str, wire: str, where: str) -> str:
    return doc or f"Sent as `{wire}` in the {where}."


def _args(mod: _Module, op: Operation, *, optional_body: bool = False) -> list[Arg]:
    required: list[Arg] = []
    optional: list[Arg] = []
    for p in op.path_params:
        required.append(Arg(p.name, _type(mod, p.type), True, _doc_for(p.doc, p.wire, "path")))
    if op.body_kind in ("binary", "multipart"):
        required.append(Arg("content", "bytes", True, "The file's bytes."))
        if op.body_kind == "multipart":
            required.append(
                Arg("filename", mod.builtin("str"), True, "The file name; CR and LF are removed.")
            )
        required.append(
            Arg(
                "content_type",
                mod.builtin("str"),
                True,
                "The MIME type, e.g. `image/png`; CR and LF are removed.",
            )
        )
    for p in op.query_params:
        arg = Arg(p.name, _type(mod, p.type), p.required, _doc_for(p.doc, p.wire, "query"))
        (required if p.required else optional).append(arg)
    for f in op.body:
        is_required = f.required and not optional_body
        doc = _doc_for(f.doc, f.wire, "body")
        if optional_body and f.name in op.preserved:
            doc = sentence(doc) + " Left as it is unless you pass it."
        elif optional_body and f.source:
            doc = sentence(doc) + " Keeps its current value unless you pass it."
        arg = Arg(f.name, _type(mod, f.type), is_required, doc)
        (required if is_required else optional).append(arg)
    return required + optional


def _signature(name: str, args: list[Arg], returns: str, *, is_async: bool) -> str:
    parts = ["self"]
    if args:
        parts.append("*")
    for a in args:
        parts.append(
            f"{a.name}: {a.annotation}" if a.required else f"{a.name}: {a.annotation} | None = None"
        )
    prefix = "async def" if is_async else "def"
    return f"    {prefix} {name}({', '.join(parts)}) -> {returns}:"


def _dict(items: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{py_str(k)}: {v}" for k, v in items) + "}"


def _request_kwargs(op: Operation, *, json: str | None = None) -> list[str]:
    """The arguments after the operation in `_call`, `_list` and `_pager`: one mapping of the
    method's arguments by Python name. Where each goes on the wire (path, query, body, upload)
    is read from the operation's registry record, never restated here. With `json`, the body is
    that expression instead (by wire name) and only the path and query arguments are passed."""
    names = [p.name for p in op.params]
    if json is None:
        names += [f.name for f in op.body]
        names += [name for name, _ in op.upload_params]
    out = [_dict([(n, n) for n in names])] if names else []
    if json is not None:
        out.append(f"json={json}")
    return out


def _returns(mod: _Module, op: Operation) -> tuple[str, str | None, str]:
    """(annotation, cast target or None, Returns doc) for a single `_call`."""
    kind = op.response_kind
    if kind == "none":
        return "None", None, ""
    if kind == "binary":
        return "bytes", "bytes", "The response body, as raw bytes."
    if kind == "object":
        t = f"{mod.builtin('dict')}[{mod.builtin('str')}, {mod.builtin('object')}]"
        return t, t, "The decoded JSON object."
    assert op.response_model is not None
    model = mod.model(op.response_model)
    if kind == "model":
        return model, model, f"The `{op.response_model}`."
    t = f"{mod.builtin('list')}[{model}]"
    return t, t, f"The `{op.response_model}` items."


def _call(target: str, kwargs: list[str], aw: str) -> str:
    return f"{aw}self._account._call({', '.join([target, *kwargs])})"


def _finish(mod: _Module, expr: str, cast_to: str | None) -> list[str]:
    if cast_to is None:
        return [f"        {expr}"]
    mod.cast = True
    return [f"        return cast({py_str(cast_to)}, {expr})"]


def _doc_lines(
    op: Operation, args: list[Arg], returns: str, raises: list[tuple[str, str]]
) -> list[str]:
    return docstring(
        op.summary,
        indent=8,
        body=op.description,
        sections=[
            ("Args", [(a.name, a.doc) for a in args]),
            ("Returns", returns),
            ("Raises", raises),
        ],
    )


def _methods(mod: _Module, op: Operation, *, is_async: bool) -> list[list[str]]:
    aw = "await " if is_async else ""
    methods: list[list[str]] = []
    args = _args(mod, op)

    if op.paginated:
        assert op.item_type is not None
        model = _type(mod, op.item_type)
        item_doc = op.item_type.model or "item"
        mod.core.add("ListResult")
        all_args = [
            *args,
            Arg("max_items", mod.builtin("int"), False, MAX_ITEMS_DOC),
            Arg("page", mod.builtin("int"), False, PAGE_DOC),
        ]
        kwargs = [*_request_kwargs(op), "max_items=max_items", "page=page"]
        from_page = (
            f" (the `{op.items_key}` of each `{op.response_model}` page; its other keys are"
            " not returned)"
            if op.items_key
            else ""
        )
        returns = (
            f"The `{item_doc}` items{from_page}, as a `ListResult` whose `.meta` has"
            " `total_count` and `truncated`."
        )
        methods.append(
            [
                _signature(op.method, all_args, f"ListResult[{model}]", is_async=is_async),
                *_doc_lines(op, all_args, returns, [RAISES]),
                f"        return {aw}self._account._list({', '.join([op.const, *kwargs])})",
            ]
        )
        pager = "AsyncPager" if is_async else "Pager"
        mod.core.add(pager)
        iter_args = all_args[:-1]
        kwargs = [*_request_kwargs(op), "max_items=max_items"]
        returns = (
            f"A lazy `{pager}` over the `{item_doc}` items{from_page}; it fetches pages as you"
            " iterate."
        )
        iter_doc = docstring(
            sentence(op.summary) + " Lazily, page by page.",
            indent=8,
            body=op.description,
            sections=[
                ("Args", [(a.name, a.doc) for a in iter_args]),
                ("Returns", returns),
                ("Raises", [("basecamp.BasecampError", "While iterating, when a page fails.")]),
            ],
        )
        methods.append(
            [
                _signature(f"iter_{op.method}", iter_args, f"{pager}[{model}]", is_async=False),
                *iter_doc,
                f"        return self._account._pager({', '.join([op.const, *kwargs])})",
            ]
        )
        return methods

    annotation, cast_to, returns = _returns(mod, op)
    methods.append(
        [
            _signature(op.method, args, annotation, is_async=is_async),
            *_doc_lines(op, args, returns, [RAISES]),
            *_finish(mod, _call(op.const, _request_kwargs(op), aw), cast_to),
        ]
    )

    if op.twin:
        methods.append(_update_method(mod, op, annotation, cast_to, returns, is_async=is_async))
    if op.edit:
        methods.append(_edit_method(mod, op, is_async=is_async))
    return methods


def _read_call(mod: _Module, op: Operation, aw: str) -> str:
    """The call of the `read` operation a full-replace twin starts with."""
    read_const = mod.operations[op.read or ""].const
    read_path = "{" + ", ".join(f"{py_str(p.name)}: {p.name}" for p in op.path_params) + "}"
    return f"{aw}self._account._call({read_const}, {read_path})"


def _update_method(
    mod: _Module,
    op: Operation,
    annotation: str,
    cast_to: str | None,
    returns: str,
    *,
    is_async: bool,
) -> list[str]:
    """The safe `update` twin of a full-replace operation."""
    aw = "await " if is_async else ""
    mod.runtime.add("build_replace_body")
    twin_args = _args(mod, op, optional_body=True)
    given = _dict([(f.name, f.name) for f in op.body])
    body = (
        f"Safe twin of `{op.method}`: it reads the current record ({op.read}), overlays only"
        f" the arguments you pass (not `None`), and sends the full record back with"
        f" `{op.method}` ({op.id}), so fields you leave out keep their values. To clear a"
        f" field, call `{op.method}` yourself. Each value sent back must have the type the API"
        " definition declares for its field; passed values are yours to get right."
    )
    doc = docstring(
        "Change only the fields you pass; the others keep their current values.",
        indent=8,
        body=body,
        sections=[
            ("Args", [(a.name, a.doc) for a in twin_args]),
            ("Returns", returns),
            ("Raises", _REPLACE_RAISES),
        ],
    )
    return [
        _signature(op.twin or "", twin_args, annotation, is_async=is_async),
        *doc,
        f"        record = {_read_call(mod, op, aw)}",
        f"        body = build_replace_body(record, {given}, {op.const}_FIELDS)",
        *_finish(mod, _call(op.const, _request_kwargs(op, json="body"), aw), cast_to),
    ]


_REPLACE_RAISES = [
    (
        "basecamp.UsageError",
        "When the current record lacks a value that must be sent back; nothing is written.",
    ),
    (
        "basecamp.ApiError",
        "When a value that must be sent back does not have the type the API definition"
        " declares for its field (an array where a string belongs, ...); nothing is written.",
    ),
    RAISES,
]


def _example_value(ref: TypeRef) -> str:
    """A value of type `ref` for a docstring example."""
    if ref.enum:
        return py_str(ref.enum[0])
    if ref.kind == "list":
        assert ref.item is not None
        return f"[{_example_value(ref.item)}]"
    examples = {
        "int": "1",
        "float": "1.5",
        "bool": "True",
        "str": '"New text"',
        "date": '"2025-01-31"',
        "datetime": '"2025-01-31T09:00:00Z"',
    }
    return examples.get(ref.kind, "{}")


def _edit_method(mod: _Module, op: Operation, *, is_async: bool) -> list[str]:
    """The `edit` context manager of a full-replace operation: read, change, one PUT."""
    aw = "await " if is_async else ""
    assert op.edit is not None
    assert op.edit_model is not None
    mod.runtime.update({"finish_edit", "start_edit"})
    manager = "asynccontextmanager" if is_async else "contextmanager"
    iterator = "AsyncIterator" if is_async else "Iterator"
    mod.contextlib.add(manager)
    mod.abc.add(iterator)
    mod.cast = True
    model = mod.model(op.edit_model)
    args = _args(mod, op)[: len(op.path_params)]
    writable = ", ".join(f"`{f.name}`" for f in op.body)
    keep = [f"`{f.name}`" for f in op.body if f.name in op.preserved]
    unsourced = [f"`{f.name}`" for f in op.body if not f.source]
    notes = []
    if keep:
        notes.append(
            f" {', '.join(keep)} {'is' if len(keep) == 1 else 'are'} sent only when changed, as"
            " the server keeps them otherwise (so `None` cannot empty them)."
        )
    if unsourced:
        notes.append(
            f" {', '.join(unsourced)} {'is' if len(unsourced) == 1 else 'are'} absent until you"
            " set it, as no record carries it."
        )
    with_ = "async with" if is_async else "with"
    first = next((f for f in op.body if f.source and f.name not in op.preserved), op.body[0])
    body = (
        f"Reads the current record ({op.read}) and yields its writable fields ({writable}) as"
        f" a `{op.edit_model}` to change in place. When the block ends without an error and"
        f" something changed, one `{op.method}` ({op.id}) request sends the changed fields and"
        " the current value of every other one, so nothing is cleared by accident; nothing is"
        f" sent otherwise. Setting a field to `None` sends it empty.{''.join(notes)}"
        "\n\nExample:\n"
        f"    ```python\n    {with_} account.{op.service}.{op.edit}("
        + ", ".join(f"{p.name}=1" for p in op.path_params)
        + ") as draft:\n"
        + f"        draft[{py_str(first.name)}] = {_example_value(first.type)}\n    ```"
    )
    raises = [
        (
            "basecamp.UsageError",
            "At once, when you set a field this endpoint cannot write (the message lists the"
            " writable ones); on entry, when the record lacks a value that must be sent back.",
        ),
        (
            "basecamp.ApiError",
            "On entry, when a value that must be sent back does not have the type the API"
            " definition declares for its field; nothing is written.",
        ),
        RAISES,
    ]
    doc = docstring(
        "Change a record in place: read it, edit its fields, and write it back on exit.",
        indent=8,
        body=body,
        sections=[
            ("Args", [(a.name, a.doc) for a in args]),
            ("Yields", f"The writable fields, keyed by name, as a `{op.edit_model}`."),
            ("Raises", raises),
        ],
    )
    signature = _signature(op.edit, args, f"{iterator}[{model}]", is_async=is_async)
    write = _call(op.const, _request_kwargs(op, json="body"), aw)
    return [
        f"    @{manager}",
        signature,
        *doc,
        f"        record = {_read_call(mod, op, aw)}",
        f"        draft = start_edit(record, {op.const}_FIELDS)",
        f"        yield cast({py_str(model)}, draft)",
        "        body = finish_edit(draft)",
        "        if body is not None:",
        f"            {write}",
    ]


def _class(mod: _Module, *, is_async: bool) -> list[str]:
    service = mod.service
    name = ("Async" if is_async else "") + service.class_name
    base = "AsyncService" if is_async else "Service"
    bases = [base]
    if service.extension:
        bases.insert(0, f"{name}Extension")
    summary = service.summary
    body = service.description
    tail = f"Reach it as `account.{service.name}`."
    if is_async:
        tail = (
            f"The async twin of `{service.class_name}`: reach it as `account.{service.name}` on"
            " an `AsyncAccountClient`."
        )
    lines = [
        f"class {name}({', '.join(bases)}):",
        *docstring(summary, indent=4, body="\n\n".join(x for x in (body, tail) if x)),
        "",
        "    __slots__ = ()",
    ]
    for op in service.operations:
        for method in _methods(mod, op, is_async=is_async):
            lines += ["", *method]
    return lines


def _spec_type(ref: TypeRef) -> str:
    """`ref` spelled as in `spec/` (`list[int]`, `date`, a model name), for `ReplaceField.type`."""
    if ref.kind == "list":
        assert ref.item is not None
        return f"list[{_spec_type(ref.item)}]"
    if ref.kind == "model":
        assert ref.model is not None
        return ref.model
    return ref.kind


def _leaf_enum(ref: TypeRef) -> tuple[str, ...]:
    return _leaf_enum(ref.item) if ref.item is not None else ref.enum


def _replace_field(op: Operation, f: BodyField) -> str:
    """One `ReplaceField(...)` of a full-replace operation's field table."""
    args = [
        py_str(f.name),
        py_str(f.wire),
        py_str(f.source),
        f"preserved={f.name in op.preserved}",
        f"type={py_str(_spec_type(f.type))}",
    ]
    enum = _leaf_enum(f.type)
    if enum:
        args.append("enum=(" + ", ".join(py_str(v) for v in enum) + ",)")
    if f.name in op.carried_nullable:
        args.append("nullable=True")
    return f"ReplaceField({', '.join(args)})"


def emit_service(service: Service, spec: Spec) -> str:
    mod = _Module(service, spec)
    classes = [*_class(mod, is_async=False), "", "", *_class(mod, is_async=True)]

    bound = [op.id for op in service.operations]
    bound += [op.read for op in service.operations if op.read and op.read not in bound]
    consts = [f"{spec.operations[i].const} = OPERATIONS[{py_str(i)}]" for i in bound]
    for op in service.operations:
        if op.twin:
            mod.runtime.add("ReplaceField")
            fields = [_replace_field(op, f) for f in op.body]
            consts += ["", f"{op.const}_FIELDS = ("]
            consts += [f"    {f}," for f in fields]
            consts.append(")")

    typing_names = []
    type_only = sorted(mod.core) or mod.models
    if type_only or mod.abc:
        typing_names.append("TYPE_CHECKING")
    if mod.literal:
        typing_names.append("Literal")
    if mod.cast:
        typing_names.append("cast")

    out = [
        HEADER,
        *docstring(service.summary, indent=0, body=f"Reach it as `account.{service.name}`."),
        "",
        "from __future__ import annotations",
        "",
    ]
    if mod.builtins:
        out.append("import builtins")
    if typing_names:
        out.append(f"from typing import {', '.join(typing_names)}")
    if mod.contextlib:
        out.append(f"from contextlib import {', '.join(sorted(mod.contextlib))}")
    out.append("")
    out.append("from .._base import AsyncService, Service")
    if service.extension:
        cls = service.class_name
        out.append(f"from .._extensions._async.{service.name} import Async{cls}Extension")
        out.append(f"from .._extensions._sync.{service.name} import {cls}Extension")
    if mod.runtime:
        out.append(f"from .._runtime import {', '.join(sorted(mod.runtime))}")
    out.append("from .operations import OPERATIONS")
    if type_only or mod.abc:
        out += ["", "if TYPE_CHECKING:"]
        if mod.abc:
            out.append(f"    from collections.abc import {', '.join(sorted(mod.abc))}")
            out.append("")
        if mod.core:
            out.append(f"    from basecamp import {', '.join(sorted(mod.core))}")
            if mod.models:
                out.append("")
        if mod.models:
            names = sorted(f"{m} as {mod.alias[m]}" if m in mod.alias else m for m in mod.models)
            out.append(f"    from .models import {', '.join(names)}")
    cls = service.class_name
    out += [
        "",
        f"__all__ = [{py_str('Async' + cls)}, {py_str(cls)}]",
        "",
        *consts,
        "",
        "",
        *classes,
        "",
    ]
    return "\n".join(out)
