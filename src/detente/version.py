"""detente's version, on the ground floor so that any layer may record it (the history
store, portable exports, the web app) without importing the package's facade.

``pyproject.toml`` reads the version from this file (``[tool.hatch.version]``).
"""

__version__ = "0.1.0"
