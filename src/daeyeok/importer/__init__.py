"""Importers that turn another tool's site into a daeyeok site (``daeyeok import``).

Only Jekyll/kramdown for now: :func:`daeyeok.importer.run.import_jekyll`.
The importer reads its sources and writes a *new* site directory; it sits
beside the build pipeline and uses it only to validate what it wrote.
"""
