"""Request and response bodies: ``XCreate`` / ``XUpdate`` in, ``XPublic`` out."""
