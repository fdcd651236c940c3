"""Helpers the apps' API v3 endpoints share (pagination, detail URLs).

Not an app and importing none: ``people`` and ``trials`` import nothing of the other apps
(``site`` wires them), yet their endpoints need these.
"""
