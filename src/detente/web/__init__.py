"""The web app (``detente serve``): pages and a JSON API on :mod:`detente.api`.

Build one with :func:`detente.web.app.create_app`; it calls only the API and
the presenters, keeps uploads in memory, and never opens a path taken from a
request.
"""
