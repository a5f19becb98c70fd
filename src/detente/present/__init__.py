"""Presenters: Rich tables, JSON and CSV. They format results; they never compute them."""
