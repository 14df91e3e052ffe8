"""``python -m jaga``: the same command line as the ``jaga`` script (handy where scripts are not on PATH)."""

from jaga.cli import main

main()
