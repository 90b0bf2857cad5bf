"""OpenPRM's benchmark harness (``make bench``); not part of the test suite.

See bench/README.md. Modules: ``cli`` (the runner), ``scenarios`` (the registry),
``dataset`` (the synthetic data), ``server`` (the server under test), ``load`` and
``pyload`` (load generators), ``report`` (tables and files), ``processes`` (children
that are always stopped), ``environment`` (database and environment).
"""
