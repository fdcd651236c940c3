"""API v3 of explainers: typed schemas (``schemas``, ``blocks``) and the endpoint (``router``)."""
