"""The portal's frame: templates, static files, who is signed in, HTML errors.

Each service's pages live in its own `web/` package (`services/<name>/web/`), with their templates
under `services/<name>/web/templates/<name>/`; they read through the same scoped queries as the API
and send the same commands through the same application methods. This package holds only what
every page shares.
"""
