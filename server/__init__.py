"""The team server (docs/team.md): sign-in, roles checked on the server, gunicorn serving."""
