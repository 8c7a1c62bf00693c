"""Reductions (sum, mean, max, min, logsumexp) and the softmaxes over an axis.

Course: ``db = (1/m) Σ dZ`` over the examples is a sum's backward read the other way: a sum hands
its gradient back to every element it added up (``dZ = broadcast(db)``).
"""

from __future__ import annotations

import math

import numpy as np

from .record import Op, structural


def _axis_params(axis=None, keepdims: bool = False, *, dim=None) -> dict:
    """``axis`` (an int, a tuple, or None for all), or PyTorch's ``dim``; ``keepdims``."""
    if dim is not None:
        if axis is not None:
            raise TypeError("give axis or dim, not both (dim is PyTorch's name for axis)")
        axis = dim
    return {"axis": tuple(axis) if type(axis) is list else axis, "keepdims": bool(keepdims)}


def _reduction(name: str, forward, vjp, vjp_text: str, doc: str) -> Op:
    """A reduction over ``axis`` (or ``dim``), with ``keepdims``: a Tensor method of the same name."""
    return structural(
        name, forward, vjp, method=name, params=_axis_params, reduction=True, vjp_text=(vjp_text,), doc=doc
    )


def _softmax_params(axis: int = 0, *, dim=None) -> dict:
    """Softmax over ``axis`` (default 0: classes are rows when examples are columns)."""
    return {"axis": axis if dim is None else dim}


def _expand(g, shape):
    """``g`` broadcast to ``shape`` as a new array (faster than np.broadcast_to for small arrays)."""
    out = np.empty(shape, dtype=g.dtype)
    out[...] = g
    return out


def _restore_axes(g, axis, keepdims: bool):
    """Put back the axes a reduction removed, so ``g`` broadcasts against the input."""
    if keepdims or axis is None:  # nothing removed, or a single number that broadcasts anyway
        return g
    return np.expand_dims(g, axis)


# --- sum: Tensor reduction, and a Scalar's one-node sum x1 + ... + xn -----------------------------


def _sum(a, axis, keepdims):
    return np.add.reduce(a, axis=axis, keepdims=keepdims), (a.shape, axis, keepdims)


def _sum_vjp(g, saved, needs):
    shape, axis, keepdims = saved
    return (_expand(_restore_axes(g, axis, keepdims), shape),)  # course: db = Σ dZ  <->  dZ = db


def _scalar_sum(values: tuple):
    return math.fsum(values), (1.0,) * len(values)  # d(x1 + x2 + ...)/dxi = 1


SUM = structural(
    "sum",
    _sum,
    _sum_vjp,
    method="sum",
    params=_axis_params,
    reduction=True,
    arity=None,
    scalar=_scalar_sum,
    partials=("1",),
    vjp_text=("broadcast(d{out})",),
    doc="Sum of the elements (over ``axis``, or ``dim``; all by default).",
)


def _count(shape: tuple, axis) -> int:
    """How many elements a reduction over ``axis`` adds up into each result (the course's m)."""
    if axis is None:
        return math.prod(shape)
    axes = axis if type(axis) is tuple else (axis,)
    return math.prod([shape[i] for i in axes])


def _mean(a, axis, keepdims):
    total = np.add.reduce(a, axis=axis, keepdims=keepdims)
    count = _count(a.shape, axis)  # a mean over nothing is 0/0 = nan, as NumPy and PyTorch give
    return total / count, (a.shape, axis, keepdims, count)


def _mean_vjp(g, saved, needs):
    shape, axis, keepdims, count = saved
    return (_expand(_restore_axes(g, axis, keepdims) / count, shape),)


_reduction(
    "mean",
    _mean,
    _mean_vjp,
    "broadcast(d{out}) / n",
    "Mean of the elements (over ``axis``, or ``dim``; all by default): the course's (1/m) Σ.",
)


# --- max and min: the gradient goes to the winners, shared equally between ties --------------------


def _extreme(pick):
    def forward(a, axis, keepdims):
        """The largest or smallest element over ``axis``, keeping what the backward needs."""
        out = pick(a, axis=axis, keepdims=keepdims)
        return out, (a, out, axis, keepdims)

    return forward


def _extreme_vjp(g, saved, needs):
    a, out, axis, keepdims = saved
    winners = a == _restore_axes(out, axis, keepdims)
    share = winners / np.sum(winners, axis=axis, keepdims=True)
    return (share * _restore_axes(g, axis, keepdims),)


for _name, _which in (("max", "largest"), ("min", "smallest")):
    _reduction(
        _name,
        _extreme(getattr(np, _name)),
        _extreme_vjp,
        f"d{{out}} at the {_name}",
        f"The {_which} element (over ``axis``, or ``dim``); ties share the gradient.",
    )


# --- variance and standard deviation: the spread around the mean ----------------------------------


def _spread_params(axis=None, keepdims: bool = False, ddof: int = 0, *, dim=None) -> dict:
    """``axis`` (or ``dim``), ``keepdims``, and ``ddof`` (1 for the sample variance)."""
    return {**_axis_params(axis, keepdims, dim=dim), "ddof": ddof}


def _spread(a, axis, ddof):
    """a - mean(a), the variance (with the reduced axes kept) and its degrees of freedom."""
    total = np.add.reduce(a, axis=axis, keepdims=True)
    count = _count(a.shape, axis)
    centered = a - total / count
    dof = float(max(count - ddof, 0))  # none left (one value, ddof=1): 0/0 = nan, as NumPy gives
    with np.errstate(divide="ignore", invalid="ignore"):
        return centered, np.add.reduce(centered * centered, axis=axis, keepdims=True) / dof, dof


def _var(a, axis, keepdims, ddof):
    centered, var, dof = _spread(a, axis, ddof)
    return _removed(var, axis, keepdims), (centered, dof, axis, keepdims)


def _var_vjp(g, saved, needs):
    centered, dof, axis, keepdims = saved  # d var/da = 2 (a - mean) / dof
    with np.errstate(divide="ignore", invalid="ignore"):  # no degrees of freedom: nan, as the value
        return (_restore_axes(g, axis, keepdims) * centered * 2.0 / dof,)  # arrays: x / 0.0 is no error


def _std(a, axis, keepdims, ddof):
    centered, var, dof = _spread(a, axis, ddof)
    std = np.sqrt(var)
    return _removed(std, axis, keepdims), (centered, std, dof, axis, keepdims)


def _std_vjp(g, saved, needs):
    centered, std, dof, axis, keepdims = saved  # d std/da = (a - mean) / (dof std); 0 where std = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(std == 0, 0.0, centered / (dof * std))  # a nan std keeps a nan slope
    return (_restore_axes(g, axis, keepdims) * share,)


_VAR_DOC = "Variance over ``axis`` (or ``dim``), mean((x - mean)²); ``ddof=1`` for the sample one."
_STD_DOC = "Standard deviation over ``axis`` (or ``dim``); ``ddof=1``: the sample one. Slope 0 at spread 0."
for _name, _forward, _vjp, _formula, _doc in (
    ("var", _var, _var_vjp, "2 d{out} ⊙ ({0} - mean) / n", _VAR_DOC),
    ("std", _std, _std_vjp, "d{out} ⊙ ({0} - mean) / (n σ)", _STD_DOC),
):
    structural(
        _name,
        _forward,
        _vjp,
        method=_name,
        params=_spread_params,
        reduction=True,
        vjp_text=(_formula,),
        doc=_doc,
    )


# --- logsumexp and the softmaxes -------------------------------------------------------------------


def _removed(out, axis, keepdims: bool):
    """A result computed with keepdims, without the reduced axes unless ``keepdims``."""
    return out if keepdims else (np.reshape(out, ()) if axis is None else np.squeeze(out, axis=axis))


def stable_logsumexp(a, axis=None, keepdims=False):
    """log(sum(exp(a))) without overflow: shift by the maximum first; -inf for a sum of nothing."""
    shift = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    with np.errstate(divide="ignore"):  # log(0) = -inf: the logsumexp of no elements
        out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift
    return _removed(out, axis, keepdims)


def _logsumexp(a, axis, keepdims):
    out = stable_logsumexp(a, axis, keepdims)
    return out, (a, out, axis, keepdims)


def _logsumexp_vjp(g, saved, needs):
    a, out, axis, keepdims = saved
    return (_restore_axes(g, axis, keepdims) * np.exp(a - _restore_axes(out, axis, keepdims)),)


_reduction(
    "logsumexp",
    _logsumexp,
    _logsumexp_vjp,
    "d{out} ⊙ softmax({0})",
    "log(sum(exp(x))) over ``axis``, computed stably (shifted by the maximum).",
)


def _softmax(a, axis):
    shifted = np.exp(a - np.max(a, axis=axis, keepdims=True, initial=-np.inf))
    out = shifted / np.sum(shifted, axis=axis, keepdims=True)
    return out, (out, axis)


def _softmax_vjp(g, saved, needs):
    s, axis = saved
    return (s * (g - np.sum(g * s, axis=axis, keepdims=True)),)


structural(
    "softmax",
    _softmax,
    _softmax_vjp,
    method="softmax",
    params=_softmax_params,
    vjp_text=("{out} ⊙ (d{out} - Σ d{out}⊙{out})",),
    doc="Softmax over ``axis`` (default 0: classes are rows when examples are columns).",
)


def _log_softmax(a, axis):
    out = a - stable_logsumexp(a, axis, keepdims=True)
    return out, (out, axis)


def _log_softmax_vjp(g, saved, needs):
    out, axis = saved
    return (g - np.exp(out) * np.sum(g, axis=axis, keepdims=True),)


structural(
    "log_softmax",
    _log_softmax,
    _log_softmax_vjp,
    method="log_softmax",
    params=_softmax_params,
    vjp_text=("d{out} - softmax·Σ d{out}",),
    doc="log(softmax(x)) over ``axis``, computed stably.",
)
