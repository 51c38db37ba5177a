"""Transitional: ``_ridge_sag`` still imports ``CentredDesign`` from here (another branch edits it).

Delete this module when ``_ridge_sag.py`` reads ``from ._design import Design`` (its only use
of the name is a type annotation); the design is :class:`._design.Design`.
"""

from ._design import Design as CentredDesign

__all__ = ["CentredDesign"]
