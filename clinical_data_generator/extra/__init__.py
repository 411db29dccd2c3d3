"""Integrations with other tools, one module per tool; they use only the public API."""
