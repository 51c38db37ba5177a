"""Gradients and Hessians of large sympy expressions by forward mode on their DAG.

Differentiating a large expression with sympy and printing the result expands every shared
subtree once per variable: the gradient of a sum of 20 squared residuals with ``exp`` and
powers (Hock–Schittkowski HS70, 2,000 nodes) has 31,000 nodes, and common-subexpression
elimination on it takes seconds. Here each distinct subtree (sympy expressions are hashed by
structure, so a dictionary finds repeated subtrees) becomes one intermediate ``t = e(u_1, ...)``
of its children, and the program carries, for each intermediate, its value, its nonzero
partials ``∂t/∂x_i`` for the variables it depends on, and (for Hessians) its second partials
``∂²t/∂x_i∂x_j`` for ``i <= j``, by the chain rule:

    ∂t/∂x_i = Σ_k φ_k · ∂u_k/∂x_i
    ∂²t/∂x_i∂x_j = Σ_k φ_k · ∂²u_k/∂x_i∂x_j + Σ_k Σ_l φ_kl · ∂u_k/∂x_i · ∂u_l/∂x_j

where φ_k, φ_kl are the partials of the node's own function, taken by sympy on the node with its
children replaced by symbols (sums and products use the sum and product rules directly). The
math is sympy's; only the order of the floating-point operations differs. The program is printed
as one Python function of sequential assignments by the printer of :mod:`lagrangekit._lambdify`
(variables renamed by position, so no name collides with numpy's).

A node that is not a sum, product, power or function of expressions (a ``Piecewise``, say) is
differentiated whole by sympy.

A product of k varying factors takes the product rule over all of them at once, with prefix and
suffix products: its gradient code is O(k) lines and its Hessian code O(one line per Hessian
entry), never O(k³) as pairwise products would be. A Hessian whose code would hold over
``_HESSIAN_TERMS`` products of first partials (a dense one over 200 variables) is not printed:
:class:`HessianTooLarge` tells the caller to compute it from the gradient code instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import sympy as sp

from ._lambdify import _grouped_sum, _RenamingNumPyPrinter

__all__ = ["DerivativeProgram", "HessianTooLarge"]

_ONE = "1"  # ∂x_i/∂x_i: dropped from products
_HESSIAN_TERMS = 20_000  # products of first partials in a Hessian's code; past it, no Hessian code
_SLOTS = [sp.Dummy(f"s{k}") for k in range(8)]  # the children of a node, in its own function


class HessianTooLarge(Exception):
    """Raised by :class:`DerivativeProgram` of order 2 when the Hessian's code would hold over
    _HESSIAN_TERMS products of first partials (a product of 900 variables has 404,550 Hessian
    entries; printed one per line, compiling them takes minutes). The caller computes such a
    Hessian another way (:mod:`lagrangekit.expression_rows` steps the gradient's code)."""


class DerivativeProgram:
    """Forward-mode derivative code for ``exprs`` as functions of ``variables`` (by position).

    Parameters
    ----------
    variables : sequence of sympy.Symbol
        The n variables; ``x[i]`` is the value of ``variables[i]``.
    exprs : sequence of sympy.Expr
        The rows; only the variables may be free in them.
    order : {0, 1, 2}
        0 for values only, 1 for gradients, 2 for gradients and Hessians.

    Attributes
    ----------
    values : list of str
        Per row, the code of its value.
    gradient : list of dict
        Per row, ``{i: code}`` for each variable ``x_i`` the row depends on.
    hessian : list of dict
        Per row (order 2), ``{(i, j): code}`` for i <= j where the second partial is not
        structurally zero.
    """

    def __init__(self, variables: Sequence[sp.Symbol], exprs: Sequence[sp.Expr], order: int) -> None:
        self._order = order
        self._position = {v: i for i, v in enumerate(variables)}
        self._names: dict[Any, str] = {v: f"_lk_x{i}" for v, i in self._position.items()}
        self._printer = _RenamingNumPyPrinter(self._names, "none")
        self._lines: list[str] = []  # the function's body
        self._constants: list[str] = []  # computed once, before it
        self._by_code: dict[str, str] = {}
        self._deps: dict[sp.Expr, frozenset[int]] = {}
        self._value: dict[sp.Expr, str] = {}
        self._grad: dict[sp.Expr, dict[int, str]] = {}
        self._hess: dict[sp.Expr, dict[tuple[int, int], str]] = {}
        self._hessian_terms = 0  # see _count_hessian_terms
        self.n = len(variables)
        for v, i in self._position.items():
            self._deps[v] = frozenset((i,))
            self._value[v] = self._names[v]
            self._grad[v] = {i: _ONE} if order else {}  # order 0: no derivative reaches code
            self._hess[v] = {}
        for expr in exprs:
            self._visit(expr)
        self.values = [self._value[e] if self._deps[e] else self._constant(e) for e in exprs]
        self.gradient = [self._grad[e] if self._deps[e] else {} for e in exprs]
        self.hessian = [self._hess[e] if self._deps[e] else {} for e in exprs] if order == 2 else []

    # ------------------------------------------------------------ the program
    def function(self, outputs: Sequence[str]) -> Callable[[Any], list]:
        """``func(x)`` returning the list of the values of ``outputs`` (codes from
        :attr:`values`, :attr:`gradient`, :attr:`hessian`, or ``"0"``) at the point ``x``: an
        (n,) array, or an (n, k) array of k points."""
        unpack = ", ".join(f"_lk_x{i}" for i in range(self.n))
        constants = [line.split(" = ", 1)[0] for line in self._constants]
        source = "\n".join(
            [
                *self._constants,
                f"_lk_constants = [{', '.join(constants)}]",
                "def _lk_derivatives(_lk_x):",
                f"    [{unpack}] = _lk_x",
                f"    [{', '.join(constants)}] = _lk_constants",  # as locals: fast lookups
                *(f"    {line}" for line in self._lines),
                f"    return [{', '.join(outputs)}]",
            ]
        )
        namespace: dict[str, Any] = {}
        for module, names in self._printer.module_imports.items():
            for name in names:
                exec(f"from {module} import {name}", {}, namespace)  # noqa: S102  (printer's own names)
        exec(compile(source + "\n", "<lagrangekit derivatives>", "exec"), namespace)  # noqa: S102
        return namespace["_lk_derivatives"]

    def _emit(self, code: str, constant: bool = False) -> str:
        """A temporary holding ``code`` (one per distinct code); a ``constant`` one is computed
        once, when the function is defined, instead of at every call."""
        name = self._by_code.get(code)
        if name is None:
            lines = self._constants if constant else self._lines
            name = f"_lk_{'c' if constant else 't'}{len(lines)}"
            lines.append(f"{name} = {code}")
            self._by_code[code] = name
        return name

    def _print(self, expr: sp.Expr, slots: dict[sp.Dummy, str] | None = None) -> str:
        """``expr`` printed as a temporary, with ``slots`` printed as the given names."""
        if slots:
            self._names.update(slots)
        try:
            return self._emit(self._printer.doprint(expr), constant=not expr.free_symbols)
        finally:
            for slot in slots or ():
                del self._names[slot]

    def _product(self, *factors: str) -> str:
        kept = [f for f in factors if f != _ONE]
        return self._emit("*".join(kept)) if len(kept) > 1 else (kept[0] if kept else _ONE)

    def _sum(self, terms: list[str]) -> str:
        return terms[0] if len(terms) == 1 else self._emit(_grouped_sum(terms))

    # ------------------------------------------------------------ the DAG
    def _visit(self, root: sp.Expr) -> None:
        """Dependencies, then values and derivatives, of every distinct subtree of ``root``
        (iteratively: a deep expression needs no recursion)."""
        stack: list[tuple[sp.Expr, bool]] = [(root, False)]
        while stack:
            expr, children_done = stack.pop()
            if expr in self._deps:
                continue
            kids = _children(expr)
            if not children_done and any(k not in self._deps for k in kids):
                stack.append((expr, True))
                stack.extend((k, False) for k in kids if k not in self._deps)
                continue
            if kids:
                deps = frozenset().union(*(self._deps[k] for k in kids))
            else:  # an atom, or a node differentiated whole
                deps = frozenset(self._position[s] for s in expr.free_symbols if s in self._position)
            self._deps[expr] = deps
            if deps:
                self._build(expr, kids)

    def _constant(self, expr: sp.Expr) -> str:
        name = self._value.get(expr)
        if name is None:
            name = self._value[expr] = self._print(expr)
        return name

    def _build(self, expr: sp.Expr, kids: tuple[sp.Expr, ...]) -> None:
        if not kids:
            self._whole(expr)
        elif isinstance(expr, sp.Add):
            self._build_sum(expr)
        elif isinstance(expr, sp.Mul):
            self._build_product(expr)
        else:
            self._build_function(expr)

    def _build_sum(self, expr: sp.Add) -> None:
        varying = [a for a in expr.args if self._deps[a]]
        constant = [a for a in expr.args if not self._deps[a]]
        values = [self._value[a] for a in varying]
        if constant:
            values.append(self._constant(sp.Add(*constant)))
        self._value[expr] = self._sum(values)
        self._grad[expr] = self._combine([self._grad[a] for a in varying])
        if self._order == 2:
            self._hess[expr] = self._combine([self._hess[a] for a in varying])

    def _combine(self, parts: list[dict]) -> dict:
        terms: dict[Any, list[str]] = {}
        for part in parts:
            for key, code in part.items():
                terms.setdefault(key, []).append(code)
        return {key: self._sum(codes) for key, codes in sorted(terms.items())}

    def _build_product(self, expr: sp.Mul) -> None:
        """The product rule over all varying factors at once: with P_a and S_a the products of
        the factors before and after the a-th, ∂t/∂x_i = Σ_a P_a·S_a·∂u_a/∂x_i, and the
        second partials add P_a·(u_{a+1}⋯u_{b−1})·S_b·∂u_a/∂x_i·∂u_b/∂x_j over the pairs a < b
        (both ways round): code linear in the number of factors for the gradient and in the
        number of Hessian entries for the Hessian."""
        varying = [a for a in expr.args if self._deps[a]]
        constant = [a for a in expr.args if not self._deps[a]]
        values = [self._value[a] for a in varying]
        grads = [self._grad[a] for a in varying]
        prefix = [_ONE]
        for v in values[:-1]:
            prefix.append(self._product(prefix[-1], v))
        suffix = [_ONE]
        for v in reversed(values[1:]):
            suffix.append(self._product(v, suffix[-1]))
        suffix.reverse()
        value = self._product(prefix[-1], values[-1])
        others = [self._product(p, s) for p, s in zip(prefix, suffix)]
        grad: dict[int, list[str]] = {}
        for other, g in zip(others, grads):
            for i, du in g.items():
                grad.setdefault(i, []).append(self._product(other, du))
        hess: dict[tuple[int, int], list[str]] = {}
        if self._order == 2:
            sizes = [len(g) for g in grads]
            self._count_hessian_terms((sum(sizes) ** 2 - sum(s * s for s in sizes)) // 2)
            for other, u in zip(others, varying):
                for ij, d2 in self._hess[u].items():
                    hess.setdefault(ij, []).append(self._product(other, d2))
            for a in range(len(varying)):
                middle = _ONE
                for b in range(a + 1, len(varying)):
                    pair = self._product(prefix[a], middle, suffix[b])
                    for i, dai in grads[a].items():
                        for j, dbj in grads[b].items():
                            term = self._product(pair, dai, dbj)
                            hess.setdefault((min(i, j), max(i, j)), []).extend([term] * (1 + (i == j)))
                    middle = self._product(middle, values[b])
        grad_codes = {i: self._sum(terms) for i, terms in sorted(grad.items())}
        hess_codes = {ij: self._sum(terms) for ij, terms in sorted(hess.items())}
        if constant:
            c = self._constant(sp.Mul(*constant))
            value = self._product(c, value)
            grad_codes = {i: self._product(c, d) for i, d in grad_codes.items()}
            hess_codes = {ij: self._product(c, d) for ij, d in hess_codes.items()}
        self._value[expr], self._grad[expr], self._hess[expr] = value, grad_codes, hess_codes

    def _count_hessian_terms(self, terms: int) -> None:
        """Add the products of first partials a node is about to emit for its Hessian; past
        _HESSIAN_TERMS in the program, :class:`HessianTooLarge`."""
        self._hessian_terms += terms
        if self._hessian_terms > _HESSIAN_TERMS:
            raise HessianTooLarge(
                f"the Hessian's code would hold over {_HESSIAN_TERMS} products of first partials"
            )

    def _build_function(self, expr: sp.Expr) -> None:
        varying = [a for a in expr.args if self._deps[a]]
        slots = dict(zip(_SLOTS, (self._value[a] for a in varying)))
        slotted = _slotted(expr.args, self._deps)
        own = expr.func(*slotted)
        value = self._value[expr] = self._print(own, slots)
        if not self._order:
            self._grad[expr] = {}
            return
        first, second = _own_derivatives(expr.func, slotted)

        def coefficient(d: sp.Expr) -> str:
            return value if d == own else self._print(d, slots)

        phi1 = [coefficient(d) if d != 0 else None for d in first]
        grad: dict[int, list[str]] = {}
        for k, u in enumerate(varying):
            if phi1[k] is not None:
                for i, du in self._grad[u].items():
                    grad.setdefault(i, []).append(self._product(phi1[k], du))
        self._grad[expr] = {i: self._sum(terms) for i, terms in sorted(grad.items())}
        if self._order < 2:
            return
        hess: dict[tuple[int, int], list[str]] = {}
        for k, u in enumerate(varying):
            if phi1[k] is not None:
                for ij, du in self._hess[u].items():
                    hess.setdefault(ij, []).append(self._product(phi1[k], du))
        # φ_kq (∂u_k/∂x_i ∂u_q/∂x_j + ∂u_q/∂x_i ∂u_k/∂x_j), over the pairs whose φ_kq is not 0
        count = range(len(varying))
        pairs = [(k, q) for k in count for q in count if second[min(k, q), max(k, q)] != 0]
        grads = [self._grad[u] for u in varying]
        self._count_hessian_terms(sum(len(grads[k]) * len(grads[q]) for k, q in pairs) // 2)
        for k, q in pairs:
            phi = coefficient(second[min(k, q), max(k, q)])
            for i, dui in grads[k].items():
                for j, dvj in grads[q].items():
                    if i <= j:
                        hess.setdefault((i, j), []).append(self._product(phi, dui, dvj))
        self._hess[expr] = {ij: self._sum(terms) for ij, terms in sorted(hess.items())}

    def _whole(self, expr: sp.Expr) -> None:
        """A node differentiated by sympy as a whole (no children the chain rule reaches)."""
        self._value[expr] = self._print(expr)
        if not self._order:
            self._grad[expr] = {}
            return
        deps = sorted(self._deps[expr])
        variables = {i: v for v, i in self._position.items()}
        first = {i: sp.diff(expr, variables[i]) for i in deps}
        self._grad[expr] = {i: self._print(d) for i, d in first.items() if d != 0}
        if self._order == 2:
            self._hess[expr] = {
                (i, j): self._print(d)
                for i in deps
                for j in deps
                if i <= j and (d := sp.diff(first[i], variables[j])) != 0
            }


def _children(expr: sp.Expr) -> tuple[sp.Expr, ...]:
    """The arguments the chain rule goes through: those of a sum, product, power or function
    of at most len(_SLOTS) expressions; none for atoms and anything else (differentiated whole)."""
    if expr.is_Atom:
        return ()
    if isinstance(expr, (sp.Add, sp.Mul)) or (
        isinstance(expr, (sp.Pow, sp.Function))
        and len(expr.args) <= len(_SLOTS)
        and all(isinstance(a, sp.Expr) for a in expr.args)
    ):
        return expr.args
    return ()


def _slotted(args: tuple[sp.Expr, ...], deps: dict) -> tuple[sp.Expr, ...]:
    """``args`` with the k-th varying one replaced by the k-th slot."""
    out, k = [], 0
    for a in args:
        if deps[a]:
            out.append(_SLOTS[k])
            k += 1
        else:
            out.append(a)
    return tuple(out)


@lru_cache(maxsize=4096)
def _own_derivatives(
    func: type, args: tuple[sp.Expr, ...]
) -> tuple[list[sp.Expr], dict[tuple[int, int], sp.Expr]]:
    """([∂φ/∂s_k], {(k, q): ∂²φ/∂s_k∂s_q for k <= q}) of φ = func(*args) over the slots in ``args``."""
    own = func(*args)
    slots = [s for s in _SLOTS if s in args]
    first = [sp.diff(own, s) for s in slots]
    second = {(k, q): sp.diff(first[k], slots[q]) for k in range(len(slots)) for q in range(k, len(slots))}
    return first, second
