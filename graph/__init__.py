"""kinlink.graph."""
