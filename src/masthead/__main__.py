"""``python -m masthead`` runs the command line."""

from masthead.cli import main

main()
