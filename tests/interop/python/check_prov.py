"""Reads a `provledger export prov` file with the W3C PROV Python library
(`prov.read(path, format="json")`) and validates it against the PROV-JSON
schema (schemas/prov-json.schema.json) with `jsonschema`; then checks that
what prov read back holds the derivations the export wrote (quotations and
revisions included). Usage: check_prov.py FILE SCHEMA. Exit 0 when both pass.
"""

import json
import sys

import jsonschema
import prov
import prov.model


def main(path, schema_path):
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.path))
    for e in errors:
        print("schema: at /%s: %s" % ("/".join(map(str, e.path)), e.message))
    doc = prov.read(path, format="json")
    records = list(doc.get_records())
    entities = list(doc.get_records(prov.model.ProvEntity))
    agents = list(doc.get_records(prov.model.ProvAgent))
    derivations = list(doc.get_records(prov.model.ProvDerivation))
    attributions = list(doc.get_records(prov.model.ProvAttribution))
    want = {
        "entity": len(raw.get("entity", {})),
        "agent": len(raw.get("agent", {})),
        "wasDerivedFrom": len(raw.get("wasDerivedFrom", {})),
        "wasAttributedTo": len(raw.get("wasAttributedTo", {})),
    }
    got = {
        "entity": len(entities),
        "agent": len(agents),
        "wasDerivedFrom": len(derivations),
        "wasAttributedTo": len(attributions),
    }
    problems = []
    if want != got:
        problems.append("prov read %s, the file holds %s" % (got, want))
    types = set()
    for d in derivations:
        for t in d.get_asserted_types():
            types.add(str(t))
    if raw.get("wasDerivedFrom") and "prov:Revision" not in types:
        problems.append("no derivation read back as prov:Revision (types %s)" % sorted(types))
    for p in problems:
        print(p)
    print("read %d records: %s; derivation types %s" % (len(records), got, sorted(types)))
    return 1 if errors or problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
