"""``python -m osteokg.cli``: the same as the ``osteokg`` command."""

from . import main

main()
