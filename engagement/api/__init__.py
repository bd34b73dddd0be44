"""API of industry engagement, one module per area (registered in config/api.py)."""
