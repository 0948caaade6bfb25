"""kinlink.queries."""
