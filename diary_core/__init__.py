"""The floor: small helpers every app may import (form fields, limits, the client's
address, dates, the safe next page, the offline copy, task publishing), and the
configuration's version that per-process caches are keyed by (config.py).

Nothing here imports an app or the site (`diary_site`, the roof); import-linter checks it
(pyproject.toml, contract "layers").
"""
