r"""
Lagrange multipliers and KKT
============================

The circle problem, :math:`\max x + y` subject to :math:`x^2 + y^2 = 1`.

.. math::

   \nabla f = \lambda \nabla h
"""

print("T1: x=0.7071068")
