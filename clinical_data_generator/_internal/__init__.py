"""Private helpers: random streams, Arrow helpers, reference data, validation."""
