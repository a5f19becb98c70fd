"""``python -m detente`` runs the command-line interface."""

from detente.cli.entry import main

main()
