"""kinlink.dashboard."""
