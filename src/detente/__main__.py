"""``python -m detente`` runs the command-line interface."""

from detente.cli.main import main

main()
