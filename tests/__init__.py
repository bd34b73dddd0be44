from pathlib import Path

# Real files published by others that tests read (see fixtures/README.md for each source).
FIXTURES = Path(__file__).resolve().parent / "fixtures"
