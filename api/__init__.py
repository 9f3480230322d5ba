"""The HTTP edge (FastAPI): ``api.app.create_app`` builds it from its services."""
