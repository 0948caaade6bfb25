"""kinlink: graph-based family-unit and case-linkage analysis for MPP records."""

__version__ = "0.1.0"
