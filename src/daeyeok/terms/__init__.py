"""Glossary consistency: term matching, the particle-aware rules, fixes and reports.

``check_site(site)`` is what the build calls; ``daeyeok check`` uses
:mod:`daeyeok.terms.runner` directly to also fix and summarise.  The schema
and the rules are documented in docs/glossary.md.
"""

from __future__ import annotations

from .runner import CheckResult, check_files, check_pages, check_site

__all__ = ["CheckResult", "check_files", "check_pages", "check_site"]
