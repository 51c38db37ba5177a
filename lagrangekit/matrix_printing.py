"""Matrix notation for printing matrix-form problems: Xᵀ for transposes, 𝟙 for the ones vector,
I for the identity, and 1 for their 1×1 forms (r·1 prints as r), in text and in LaTeX."""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

__all__ = ["matrix_latex", "matrix_text"]


class _MatrixNotation:
    """Printing rules shared by the text and LaTeX printers: ``ONES`` for the ones vector (and
    its transpose, a row), ``IDENTITY`` for I, and 1 for the 1×1 ones and identity (r·1 is r)."""

    ONES: tuple[str, str]
    IDENTITY: str

    def _print_OneMatrix(self, expr: sp.OneMatrix) -> str:
        if expr.shape == (1, 1):
            return "1"
        return self.ONES[1] if expr.shape[0] == 1 else self.ONES[0]

    def _print_Identity(self, expr: sp.Identity) -> str:
        return "1" if expr.shape == (1, 1) else self.IDENTITY

    def _print_MatMul(self, expr: sp.MatMul) -> str:
        kept = [
            a for a in expr.args if not (isinstance(a, (sp.OneMatrix, sp.Identity)) and a.shape == (1, 1))
        ]
        if len(kept) == len(expr.args) or not kept:
            return super()._print_MatMul(expr)
        if not any(isinstance(a, sp.MatrixExpr) for a in kept):
            return self._print(sp.Mul(*kept))
        return super()._print_MatMul(sp.MatMul(*kept))


class _MatrixPrinter(_MatrixNotation, StrPrinter):
    """sympy's str printer in matrix notation, with Xᵀ for transposes."""

    ONES = ("𝟙", "𝟙ᵀ")
    IDENTITY = "I"

    def _print_Transpose(self, expr: sp.Transpose) -> str:
        return self.parenthesize(expr.arg, PRECEDENCE["Pow"]) + "ᵀ"


class _MatrixLatex(_MatrixNotation, LatexPrinter):
    """sympy's LaTeX printer in matrix notation."""

    ONES = (r"\mathbb{1}", r"\mathbb{1}^{T}")
    IDENTITY = r"\mathbb{I}"


def matrix_latex(expr: sp.Basic) -> str:
    """``expr`` as LaTeX in matrix notation: ``\\mathbb{1}`` for the ones vector, ``\\mathbb{I}`` for I."""
    return _MatrixLatex().doprint(expr)


def matrix_text(expr: sp.Basic) -> str:
    """``expr`` as one line of text in matrix notation: ``2*Xᵀ*(X*w - y)``, ``𝟙ᵀ*w - 1``."""
    return _MatrixPrinter().doprint(expr)
