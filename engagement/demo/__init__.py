"""Demo data of industry engagement, one module per area with `seed(**context)`."""
