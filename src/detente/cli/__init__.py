"""The command-line interface: parsing and presenting only, no logic of its own."""
