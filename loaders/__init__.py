"""Files -> validated frames. Every input row is loaded or reported as a reject."""

from kinlink.loaders.bundle import Bundle, load_bundle

__all__ = ["Bundle", "load_bundle"]
