"""Demo trials: example registry records of our own (``records``), loaded through the
sync's own code (``loader``)."""
