"""Flowcast's data layer: the only package that touches SQLite, HTTP (JIRA) and pandas internals.

It never imports Dash. Callers (callbacks, the CLI, notebooks) go through the functions and the
persistence backend exported by its modules.
"""
