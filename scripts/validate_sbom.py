#!/usr/bin/env python3
"""Validate SBOM files with the official tools.

usage: validate_sbom.py cyclonedx|spdx|report FILE...

* cyclonedx: the CycloneDX 1.6 JSON schema (strict), as shipped and applied by the
  CycloneDX project's own cyclonedx-python-lib (JsonStrictValidator).
* spdx: parsed and validated against the SPDX 2.3 specification by the SPDX project's
  spdx-tools (parse_file + validate_full_spdx_document).
* report: sekisho's own JSON report against schema/report.schema.json (jsonschema).
Prints every problem and exits 1 if any file is invalid.
"""
import sys


def cyclonedx(path):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    with open(path) as f:
        data = f.read()
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(data)
    return [str(error)] if error else []


def spdx(path):
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
    doc = parse_file(path)
    return [m.validation_message for m in validate_full_spdx_document(doc, "SPDX-2.3")]


def report(path):
    import json, os
    import jsonschema
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "schema", "report.schema.json")) as f:
        schema = json.load(f)
    with open(path) as f:
        doc = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


def main():
    kind, files = sys.argv[1], sys.argv[2:]
    check = {"cyclonedx": cyclonedx, "spdx": spdx, "report": report}[kind]
    bad = 0
    for path in files:
        problems = check(path)
        for p in problems:
            print(f"{path}: {p}")
        bad += bool(problems)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
