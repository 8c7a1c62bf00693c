"""The record that defines one op, and the registry every other part of the library reads.

An op is defined once, as an ``Op``. Two kinds of records:

- **elementwise** ops (``+``, ``*``, ``tanh``, ...) are one *rule*, ``rule(xp, a, b) -> (value,
  partials)``: the value and the local derivatives d(value)/d(input), side by side, written once over
  a number kernel ``xp`` (the module ``floats`` or ``arrays``). A Scalar runs the rule on floats and
  keeps the partials (the course's ``du/db = c``); a Tensor runs the same rule on arrays, and its
  vector-Jacobian product is ``dA = dZ ⊙ partial``, summed back over broadcast axes by the receiving
  node.
- **structural** Tensor ops (``@``, ``sum``, ``reshape``, ...) have a ``forward(*arrays, **params)
  -> (out, saved)`` and a ``vjp(g, saved, needs) -> one gradient per input`` next to each other.

Either kind also carries what the rest of the library derives from it: how the op is written
(``symbol``, ``notation``), the methods it becomes (``method``), the formulas the diagrams print,
its domain (for error messages and for generated tests), and flags.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from . import arrays, floats
from .inline import deferred_functions

OPS: dict[str, Op] = {}  # every op, by name, in the order the catalogue defines them


class Domain:
    """Where an op is defined (a record's ``domain`` is None where it is defined everywhere).

    Each rule is ``(outside, message)``: ``outside(*values, needs)`` is true where the inputs are
    outside the domain, written with operators both payloads share (``a <= 0.0`` is a bool for a
    Scalar's float and a mask for a Tensor's array); ``message`` says what is wrong over ``{0}``,
    ``{1}`` (the operands, shown by name and value). NaN is inside every domain: it propagates.
    ``ranges`` says where generated tests draw each input from.
    """

    __slots__ = ("rules", "ranges", "inside_above")
    rules: tuple[tuple[Callable[..., Any], str], ...]
    ranges: tuple[tuple[float, float], ...]
    inside_above: float | None

    def __init__(
        self,
        *rules: tuple[Callable[..., Any], str],
        ranges: tuple[tuple[float, float], ...] = ((-3.0, 3.0),),
        inside_above: float | None = None,
    ) -> None:
        self.rules, self.ranges = rules, ranges
        self.inside_above = inside_above  # every input above this is inside: one reduction checks an array

    @classmethod
    def outside(
        cls,
        outside: Callable[..., Any],
        message: str,
        low: float,
        high: float = 3.0,
        inside_above: float | None = None,
    ) -> Domain:
        """A one-input domain, e.g. ``Domain.outside(lambda a, needs: a <= 0.0, "{0} is not > 0", 0.2)``."""
        return cls((outside, message), ranges=((low, high),), inside_above=inside_above)

    def surely_inside(self, values: Any) -> bool:
        """True if one array's smallest value is above ``inside_above`` (else the rules decide)."""
        if self.inside_above is None:
            return False
        (a,) = values
        return a.size == 0 or arrays.smallest(a, None) > self.inside_above  # NaN is not >: the rules decide


class Op:
    """One op's record. Build with ``elementwise`` or ``structural`` below, not directly.

    The rules: ``rule`` (elementwise: value and partials over ``xp``), ``scalar`` (it, or an n-ary
    rule, on floats; ``gather`` turns parents' values into its arguments), ``forward`` and ``vjp``
    (Tensors), ``takes_needs`` (the rule skips partials nobody needs), ``deferred`` (a Tensor's forward
    keeps what the partials need and its vjp computes them, both made from the rule's text).
    How it is written: ``symbol`` (``+``), ``notation`` (``{0} + {1}``, or a function name), ``glyph``
    (the diagram's op circle), ``method`` (``__add__``, ``tanh``). Its parameters: ``parse`` (method
    arguments -> ``params``), ``param_names``, ``params`` (bound values), ``base`` (the unbound
    record). For diagrams: ``partials_text``, ``vjp_text``; for messages: ``explain``. Its domain:
    ``domain``, ``kinks``. Flags: ``broadcasts``, ``reduction``, ``program`` (callable in the command
    line's programs). ``doc``: the methods' docstring.
    """

    __slots__ = (
        "name",
        "rule",
        "scalar",
        "forward",
        "vjp",
        "symbol",
        "notation",
        "glyph",
        "method",
        "arity",
        "param_names",
        "params",
        "parse",
        "partials_text",
        "vjp_text",
        "domain",
        "kinks",
        "takes_needs",
        "broadcasts",
        "reduction",
        "program",
        "explain",
        "doc",
        "base",
        "gather",
        "deferred",
    )
    # the slots' types (annotations only); None where a record has no such part
    name: str
    rule: Callable[..., tuple[Any, tuple[Any, ...]]] | None  # elementwise: rule(xp, *values, **params)
    scalar: Callable[..., tuple[Any, tuple[Any, ...]]] | None  # on floats: (value, local derivatives)
    forward: Callable[..., tuple[Any, Any]] | None  # on arrays: (out, saved)
    vjp: Callable[[Any, Any, tuple[bool, ...]], tuple[Any, ...]] | None  # (g, saved, needs) -> grads
    symbol: str | None
    notation: str | None
    glyph: str | None
    method: str | None
    arity: int | None  # None: any number of operands
    param_names: tuple[str, ...]
    params: dict[str, Any]
    parse: Callable[..., dict[str, Any]] | None
    partials_text: tuple[str, ...] | Callable[[int, int], str]
    vjp_text: tuple[str, ...] | None
    domain: Domain | None
    kinks: tuple[float, ...]
    takes_needs: bool
    broadcasts: bool
    reduction: bool
    program: bool
    explain: Callable[[list[tuple[str, tuple[int, ...]]]], str] | None
    doc: str | None
    base: Op
    gather: Callable[[tuple[Any, ...]], tuple[Any, ...]]
    deferred: bool

    def __init__(self, name: str, **fields: Any) -> None:
        self.name = name
        for slot in self.__slots__[1:]:
            setattr(self, slot, fields.pop(slot, None))
        if fields:
            raise TypeError(f"Op {name}: unknown fields {', '.join(fields)}")
        self.params = self.params or {}
        self.base = self.base or self
        self.kinks = self.kinks or ()
        self.gather = self.gather or _one_tuple  # type: ignore[truthy-function]  # None until set here
        for flag in ("takes_needs", "broadcasts", "reduction", "program", "deferred"):
            setattr(self, flag, bool(getattr(self, flag)))

    @property
    def elementwise(self) -> bool:
        """True when the op is one rule over values (Scalar and Tensor), False for structural ops."""
        return self.rule is not None

    def bind(self, **params: Any) -> Op:
        """This op with its parameters fixed (``leaky_relu`` with ``slope=0.1``); made once per value."""
        try:
            return _bound(self, tuple(sorted(params.items())))
        except TypeError:  # an unhashable parameter (an array bound for clip): not cached
            return _bound.__wrapped__(self, tuple(sorted(params.items())))

    def partial_formula(self, index: int, count: int) -> str:
        """d(out)/d(input ``index`` of ``count``) as text over ``{0}``, ``{1}``, ``{out}`` (mul: ``{1}``)."""
        texts = self.partials_text
        text = texts(index, count) if callable(texts) else texts[min(index, len(texts) - 1)]
        return self._with_params(text)

    def vjp_formula(self, index: int, count: int) -> str:
        """dJ/d(input ``index``) in the course's notation (``"d{out} ⊙ {1}"``), given ``d{out}``."""
        if self.vjp_text is not None:
            return self._with_params(self.vjp_text[min(index, len(self.vjp_text) - 1)])
        partial = self.partial_formula(index, count)  # elementwise: dA = dZ ⊙ (dZ/dA)
        if partial == "1":
            return "d{out}"
        if partial == "-1":
            return "-d{out}"
        return f"d{{out}} ⊙ {wrap(partial)}"

    def _with_params(self, text: str) -> str:
        """Fill in the bound parameters: ``1 or {slope}`` -> ``1 or 0.1``; operand fields stay."""
        for name, value in self.params.items():
            text = text.replace("{" + name + "}", f"{value:g}" if isinstance(value, float) else str(value))
        return text

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"Op({self.name}{', ' + shown if shown else ''})"


def _one_tuple(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return (values,)


@functools.lru_cache(maxsize=256)
def _bound(op: Op, params: tuple[tuple[str, Any], ...]) -> Op:
    rule, values = op.rule, dict(params)
    if rule is None:  # bind is for elementwise records (their parameters go into the rule)
        raise TypeError(f"{op.name}: a structural op takes its parameters as apply's params, not bind")
    fields = {slot: getattr(op, slot) for slot in Op.__slots__[1:]}
    fields.update(params=values, base=op)
    fields["scalar"] = functools.partial(rule, floats, **values)
    fields["forward"] = functools.partial(rule, arrays, **values)
    return Op(op.name, **fields)


def wrap(text: str) -> str:
    """Parenthesize a compound formula (``1 - {out}²`` -> ``(1 - {out}²)``) unless it is one group,
    in parentheses or in the brackets of a condition (``[{0} > 0]``)."""
    if not any(c in text for c in " +-*/@·"):
        return text
    depth = 0
    for index, character in enumerate(text):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(character, 0)
        if depth == 0 and index < len(text) - 1:
            return f"({text})"
    return text if text[0] in "([" else f"({text})"


def _names(params: Callable[..., Any] | None) -> tuple[str, ...]:
    """The parameters a method takes besides the operands (``slope``; ``axis``, ``keepdims``, ``dim``)."""
    return () if params is None else tuple(inspect.signature(params).parameters)


def register(op: Op) -> Op:
    """Add ``op`` to the catalogue ``OPS`` (a name may be defined once)."""
    if op.name in OPS:
        raise ValueError(f"op {op.name!r} is defined twice")
    OPS[op.name] = op
    return op


# --- the two ways to define an op ------------------------------------------------------------------


def elementwise(
    *,
    partials: tuple[str, ...],
    params: Callable[..., dict[str, Any]] | None = None,
    domain: Domain | None = None,
    kinks: tuple[float, ...] = (),
    takes_needs: bool = False,
    tensor: bool = True,
    **written: Any,
) -> Callable[[Callable[..., tuple[Any, tuple[Any, ...]]]], Op]:
    """Decorator: the function is the op's rule ``rule(xp, *values, **params) -> (value, partials)``.

    ``xp`` is the number kernel (``floats`` or ``arrays``); parameters (and ``needs``, for a rule that
    can skip the partials nobody needs) are keyword-only. ``partials``: the formula of each local
    derivative, as the diagrams print it. ``params``: a function turning a method's extra arguments
    into keyword parameters (``slope=0.01``). ``tensor=False``: Scalar only. ``written``: how the op is
    written (``symbol``, ``notation``, ``glyph``, ``method``) and ``program=True`` if the command
    line's programs may call it.
    """

    def define(rule: Callable[..., tuple[Any, tuple[Any, ...]]]) -> Op:
        """Register ``rule`` as an op, with everything derived from it."""
        name, arity = rule.__name__.rstrip("_"), rule.__code__.co_argcount - 1  # the values, after xp
        forward: Callable[..., tuple[Any, Any]]
        vjp: Callable[[Any, Any, tuple[bool, ...]], tuple[Any, ...]] | None
        forward, vjp = functools.partial(rule, arrays), _ELEMENTWISE_VJPS.get(arity)
        deferred = deferred_functions(rule, arrays) if params is None and not takes_needs else None
        if deferred is not None:  # Tensors compute the partials in the backward pass, from the rule's text
            forward, vjp = deferred
        return _register(
            name,
            params,
            written,
            rule=rule,
            scalar=functools.partial(rule, floats),
            forward=forward if tensor else None,
            vjp=vjp if tensor else None,
            method=written.pop("method", name),
            arity=arity,
            partials_text=partials,
            domain=domain,
            kinks=kinks,
            takes_needs=takes_needs,
            deferred=deferred is not None,
            broadcasts=arity == 2,
            doc=rule.__doc__,
        )

    return define


def structural(
    name: str,
    forward: Callable[..., tuple[Any, Any]] | None,
    vjp: Callable[[Any, Any, tuple[bool, ...]], tuple[Any, ...]] | None,
    *,
    vjp_text: tuple[str, ...],
    params: Callable[..., dict[str, Any]] | None = None,
    arity: int | None = 1,
    **fields: Any,
) -> Op:
    """Register a Tensor op given as ``forward(*arrays, **params) -> (out, saved)`` and its
    ``vjp(g, saved, needs)``; ``vjp_text`` is the vector-Jacobian product each input gets, in the
    course's notation. Other ``fields`` as on ``Op``: ``method``, ``symbol``, ``notation``, ``glyph``,
    ``reduction``, ``broadcasts``, ``explain``, ``doc``, and ``scalar`` (with ``partials``) to give
    Scalars an n-ary rule too (``Scalar.sum``, ``Scalar.dot``); ``gather(values)`` turns the parents'
    values into that rule's arguments (by default, the one tuple ``(values,)``).
    """
    fields.setdefault("doc", forward.__doc__ if forward is not None else None)
    written: dict[str, Any] = {k: fields.pop(k) for k in ("symbol", "notation", "glyph") if k in fields}
    partials_text = fields.pop("partials", ())
    fields.update(forward=forward, vjp=vjp, vjp_text=vjp_text, arity=arity, partials_text=partials_text)
    return _register(name, params, written, **fields)


def _register(
    name: str, params: Callable[..., dict[str, Any]] | None, written: dict[str, Any], **fields: Any
) -> Op:
    """The record, with what both kinds share: how the op is written and how its parameters are read."""
    written.setdefault("glyph", written.get("symbol"))
    return register(Op(name, parse=params, param_names=_names(params), **written, **fields))


def install_methods(
    cls: type,
    binary_method: Callable[[Op, bool], Callable[..., Any]],
    unary_method: Callable[[Op], Callable[..., Any]],
    wants: Callable[[Op], bool],
) -> None:
    """Give ``cls`` one method per op record that ``wants`` (``__add__`` and ``__radd__`` for ``+``)."""
    for op in OPS.values():
        if op.method is None or not wants(op):
            continue
        if op.arity == 2:
            methods = {op.method: binary_method(op, False), f"__r{op.method[2:]}": binary_method(op, True)}
        else:
            methods = {op.method: unary_method(op)}
        for name, method in methods.items():
            method.__name__, method.__qualname__ = name, f"{cls.__name__}.{name}"
            method.__doc__ = op.doc
            if op.parse is not None:  # help(t.sum) shows (self, axis=None, keepdims=False, *, dim=None)
                parameters = inspect.signature(op.parse).parameters.values()
                self = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
                signature = inspect.Signature([self, *parameters])
                method.__signature__ = signature  # type: ignore[attr-defined]  # help() reads it
            setattr(cls, name, method)


# --- the vector-Jacobian product of every elementwise op: dA = dZ ⊙ dZ/dA --------------------------


def _unary_vjp(g: Any, partials: tuple[Any, ...], needs: tuple[bool, ...]) -> tuple[Any, ...]:
    (partial,) = partials
    return (g * partial if type(partial) is not float else _times(g, partial),)


def _binary_vjp(g: Any, partials: tuple[Any, ...], needs: tuple[bool, ...]) -> tuple[Any, ...]:
    # a constant partial is a float: the 1 of + hands g over as it is (the most common case)
    da, db = partials
    if needs[0]:
        da = g * da if type(da) is not float else g if da == 1.0 else _times(g, da)
    if needs[1]:
        db = g * db if type(db) is not float else g if db == 1.0 else _times(g, db)
    return (da if needs[0] else None), (db if needs[1] else None)


def _times(g: Any, partial: float) -> Any:
    """g times a constant partial; the -1 of - negates g without a multiplication."""
    return -g if partial == -1.0 else g * partial


_ELEMENTWISE_VJPS: dict[int, Callable[[Any, Any, tuple[bool, ...]], tuple[Any, ...]]] = {
    1: _unary_vjp,
    2: _binary_vjp,
}
