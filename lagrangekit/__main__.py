"""``python -m lagrangekit``: the same as the ``lagrangekit`` command."""

from .cli import main

raise SystemExit(main())
