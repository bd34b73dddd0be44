"""Rules of industry engagement, one module per area."""
