"""Performance-export importers, one per platform, selected by name through the ``adloom.importers``
entry-point group (third parties add theirs the same way), or detected from the file's columns."""

from adloom.feedback.importers.base import Importer, RawRecord, Skip, available, detect, get_importer

__all__ = ["Importer", "RawRecord", "Skip", "available", "detect", "get_importer"]
