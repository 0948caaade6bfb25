"""Read the EOIR FOIA case-data release (the immigration courts' public tables) into a bundle.

``import_release(folder, out)`` streams the release's tables, copes with their known defects
(tab or pipe delimiters, cp1252, NUL bytes, rows with too many or too few fields) and writes a
contract bundle plus ``import_rejects.csv``. See the README's "EOIR release" section.
"""

from kinlink.loaders.eoir.importer import ImportSummary, import_release

__all__ = ["ImportSummary", "import_release"]
