"""The measurement pages, one module per area; each module lists its own routes in `urlpatterns`, which
`measurement/urls.py` gathers."""
