"""Synthetic MPP bundles with ground truth (``generate_bundle`` in :mod:`.generator`)."""
