"""Output formats of ``daeyeok check``: text, JSON, SARIF 2.1.0 and GitHub workflow commands.

Text is the project-wide ``path:line:col: severity code: message (fix: …)``.
SARIF is what code-scanning services ingest; GitHub's ``::error`` lines make
annotations in a pull request without any upload step.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..diagnostics import Diagnostic, Severity
from .findings import RULES
from .summary import TermSummary

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def as_text(diags: Sequence[Diagnostic]) -> str:
    return "".join(d.format() + "\n" for d in diags)


def as_json(diags: Sequence[Diagnostic], summary: Sequence[TermSummary] | None = None) -> str:
    data: dict[str, Any] = {
        "diagnostics": [
            {"path": d.path, "line": d.line, "col": d.col, "severity": d.severity.value, "code": d.code, "message": d.message, "fix": d.fix} for d in diags
        ]
    }
    if summary is not None:
        data["summary"] = [s.as_dict() for s in summary]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(diags: Sequence[Diagnostic]) -> str:
    """``::error file=…,line=…,col=…::message`` (``notice`` for info), escaped as the runner requires."""
    out = []
    for d in diags:
        command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[d.severity]
        props = [f"file={_escape_property(d.path)}"]
        if d.line > 0:
            props.append(f"line={d.line}")
        if d.col > 0:
            props.append(f"col={d.col}")
        props.append(f"title={_escape_property(d.code)}")
        message = d.message + (f" (fix: {d.fix})" if d.fix else "")
        out.append(f"::{command} {','.join(props)}::{_escape_data(message)}\n")
    return "".join(out)


def as_sarif(diags: Sequence[Diagnostic]) -> str:
    codes = sorted({d.code for d in diags} | set(RULES))
    index = {code: i for i, code in enumerate(codes)}
    rules = [{"id": code, "shortDescription": {"text": RULES.get(code, code)}} for code in codes]
    results = []
    for d in diags:
        region: dict[str, int] = {}
        if d.line > 0:
            region["startLine"] = d.line
            if d.col > 0:
                region["startColumn"] = d.col
        location: dict[str, Any] = {"artifactLocation": {"uri": d.path.replace("\\", "/")}}
        if region:
            location["region"] = region
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message + (f" (fix: {d.fix})" if d.fix else "")},
            "locations": [{"physicalLocation": location}],
        }
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "daeyeok", "version": __version__, "informationUri": "https://github.com/daeyeok/daeyeok", "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


FORMATS = ("text", "json", "sarif", "github")
