#!/usr/bin/env python3
"""Generate compact operation models for Mailroom's protocol layer from botocore's service-2.json files.

The current botocore model (pyenv) gives the operations, shapes and constraints. For the query services (SQS,
SNS) the older Debian botocore model (query protocol) adds the query/XML serialization names (locationName,
flattened) that the JSON model no longer carries. REST-JSON services keep their HTTP bindings: each operation's
`http` (method, requestUri, responseCode) and each member's location (uri, querystring, header, headers,
statusCode), locationName and a structure's payload member. Output: src/protocol/models/<service>.gen.ts
(checked in).
Usage: python3 scripts/gen-models.py [--check]
"""
import glob, gzip, json, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# service -> (API version, export name, needs the old query/XML names)
SERVICES = {
    "sqs": ("2012-11-05", "sqs", True),
    "sns": ("2010-03-31", "sns", True),
    "events": ("2015-10-07", "events", False),
    "kinesis": ("2013-12-02", "kinesis", False),
    "stepfunctions": ("2016-11-23", "stepfunctions", False),
    "scheduler": ("2021-06-30", "scheduler", False),
    "schemas": ("2019-12-02", "schemas", False),
    "pipes": ("2015-10-07", "pipes", False),
    "cloudwatch": ("2010-08-01", "cloudwatch", False),
}
KEEP = ("type", "required", "enum", "min", "max", "pattern", "flattened", "locationName", "exception", "payload", "timestampFormat")
REF_KEEP = ("locationName", "flattened", "location", "jsonvalue", "timestampFormat")


def load(pattern):
    for path in sorted(glob.glob(pattern)):
        with (gzip.open(path) if path.endswith(".gz") else open(path)) as f:
            return json.load(f)
    return None


def botocore_version():
    try:
        import botocore
        return botocore.__version__
    except ImportError:
        return "unknown"


def find_model(service, version, query):
    bases = ["/usr/lib/python3/dist-packages/botocore"] if query else []
    if not query:
        try:
            import botocore  # the newest one on the path (pyenv)
            bases.append(os.path.dirname(botocore.__file__))
        except ImportError:
            pass
    for base in bases:
        model = load(f"{base}/data/{service}/{version}/service-2.json*")
        if model:
            return model
    return None


def ref(r, old_ref):
    out = {"shape": r["shape"]}
    for k in REF_KEEP:
        v = r.get(k, (old_ref or {}).get(k) if k in ("locationName", "flattened") else None)
        if v is not None:
            out[k] = v
    return out


def compact(new, old):
    rest = new["metadata"].get("protocol") == "rest-json"
    old_shapes = (old or {}).get("shapes", {})
    shapes = {}
    for name, s in sorted(new["shapes"].items()):
        o = old_shapes.get(name, {})
        c = {k: s[k] for k in KEEP if k in s}
        for k in ("flattened", "locationName"):
            if k not in c and k in o:
                c[k] = o[k]
        if s["type"] == "structure":
            om = o.get("members", {})
            c["members"] = {m: ref(r, om.get(m)) for m, r in s["members"].items()}
        elif s["type"] == "list":
            c["member"] = ref(s["member"], o.get("member"))
        elif s["type"] == "map":
            c["key"] = ref(s["key"], o.get("key"))
            c["value"] = ref(s["value"], o.get("value"))
        shapes[name] = c
    ops = {}
    old_ops = (old or {}).get("operations", {})
    for name, op in sorted(new["operations"].items()):
        e = {}
        if "input" in op:
            e["input"] = op["input"]["shape"]
        if "output" in op:
            e["output"] = op["output"]["shape"]
        e["errors"] = [x["shape"] for x in op.get("errors", [])]
        if rest:
            h = op["http"]
            e["http"] = {k: h[k] for k in ("method", "requestUri", "responseCode") if k in h}
        ops[name] = e
    md = new["metadata"]
    meta = {k: md[k] for k in ("apiVersion", "endpointPrefix", "jsonVersion", "targetPrefix", "serviceId", "protocol", "signingName") if k in md}
    if old:
        meta["xmlNamespace"] = old["metadata"].get("xmlNamespace")
    elif "query" in md.get("protocols", []) and "xmlNamespace" in md:
        # A service that still speaks query among others (CloudWatch): the current model keeps its XML names.
        meta["xmlNamespace"] = md["xmlNamespace"]
    return {"metadata": meta, "operations": ops, "shapes": shapes}


def main():
    check = "--check" in sys.argv
    failed = False
    for service, (version, name, query) in SERVICES.items():
        new = find_model(service, version, False)
        old = find_model(service, version, True) if query else None
        if not new or (query and not old):
            print(f"gen-models: botocore models for {service} not found (need pyenv botocore and Debian python3-botocore)")
            sys.exit(2)
        body = json.dumps(compact(new, old), indent=1)  # member order = model order (XML element order)
        text = (
            f"// DO NOT EDIT: generated by scripts/gen-models.py from botocore {botocore_version()} service-2.json models\n"
            "// (Apache-2.0, Amazon.com, Inc.). Regenerate with `npm run gen:models`.\n"
            'import type { ServiceModel } from "../model.ts";\n\n'
            f"export const {name}Model: ServiceModel = {body};\n"
        )
        path = os.path.join(ROOT, "src", "protocol", "models", f"{service}.gen.ts")
        current = open(path).read() if os.path.exists(path) else None
        if check:
            made_with = current.split("\n", 1)[0] if current else ""
            if f"botocore {botocore_version()} " not in made_with:
                print(f"gen-models: {path} was made from another botocore; not comparing ({made_with})")
            elif current != text:
                print(f"gen-models: {path} is stale; run npm run gen:models")
                failed = True
        else:
            with open(path, "w") as f:
                f.write(text)
            print(f"wrote {path}")
    sys.exit(1 if failed else 0)


main()
