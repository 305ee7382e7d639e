#!/usr/bin/env python3
"""riskfirst and pytm side by side, in one run, on the same architecture.

For each size N it
  1. generates a riskfirst estate of N components and 2N flows (seeded),
  2. converts it into the neutral `tm-bench-model/1` JSON that
     `pytm_synthetic.py --from-json` reads (elements with their kinds, trust
     zones as boundaries, flows with protocol, encryption and authentication,
     data with its classification),
  3. runs pytm on it (threat derivation is its `resolve` phase; the whole run
     adds building the objects, `check`, and the json, dfd and seq outputs),
  4. times riskfirst on the same estate read from disk (load, validation and
     every rule), as a separate process,
and prints a table of wall times and ratios.

Usage:
    pytm_compare.py [--sizes 1000,5000] [--seed 1] [--work DIR]
                    [--bench-bin PATH] [--pytm-python PATH] [--pytm-script PATH]
                    [--markdown] [--rf-runs 5]

The riskfirst side is the `bench_estate` example of the riskfirst-rules crate
(`cargo build --release -p riskfirst-rules --example bench_estate`); see
bench/run.sh, which builds everything and calls this script.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time

import yaml

try:  # libyaml makes reading a 10,000-component estate take seconds, not minutes
    YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    YamlLoader = yaml.SafeLoader

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FORMAT = "tm-bench-model/1"

# Our classification -> pytm's Classification member.
CLASSIFICATION = {
    "public": "PUBLIC",
    "internal": "RESTRICTED",
    "confidential": "SENSITIVE",
    "restricted": "SECRET",
}
CLASS_ORDER = ["UNKNOWN", "PUBLIC", "RESTRICTED", "SENSITIVE", "SECRET", "TOP_SECRET"]

# Our protocol -> (pytm protocol name, port); pytm's threat conditions test these names.
PROTOCOL = {
    "https": ("HTTPS", 443), "http": ("HTTP", 80), "grpc": ("gRPC", 50051),
    "grpc-plaintext": ("gRPC", 50051), "soap": ("SOAP", 8443), "graphql": ("HTTPS", 443),
    "wss": ("HTTPS", 443), "ws": ("HTTP", 80), "smtp": ("SMTP", 25), "smtps": ("SMTP", 465),
    "ldap": ("LDAP", 389), "ldaps": ("LDAPS", 636), "mysql": ("MySQL", 3306),
    "postgres": ("PostgreSQL", 5432), "amqp": ("AMQP", 5672), "amqps": ("AMQP", 5671),
    "redis": ("Redis", 6379), "mongodb": ("MongoDB", 27017), "nfs": ("NFS", 2049),
    "smb": ("SMB", 445), "sftp": ("SFTP", 22), "ssh": ("SSH", 22),
}

CATALOG_ENCRYPTED = {
    "https", "wss", "grpc", "graphql", "soap", "elasticsearch", "s3", "dynamodb", "aws-api",
    "amqps", "mqtts", "sqs", "ldaps", "smtps", "ssh", "sftp", "ftps", "rdp", "in-process",
    "local-file", "git-over-https", "git-over-ssh",
}

CLIENTS = {"browser", "mobile-app", "desktop-app"}
SERVERS = {
    "web-application", "web-server", "load-balancer", "alb", "elb", "reverse-proxy", "nginx",
    "envoy", "waf", "cdn", "cloudfront", "api-gateway", "mail-server", "email-service",
}
LAMBDAS = {"function", "lambda"}
SQL = {
    "postgresql", "mysql", "mariadb", "sql-server", "oracle-db", "aurora", "rds", "sqlite",
    "data-warehouse", "redshift", "snowflake", "bigquery",
}
AWS = {
    "lambda", "s3", "dynamodb", "sqs", "sns", "rds", "aurora", "ecs", "eks", "ecr", "cognito",
    "cloudwatch", "cloudfront", "alb", "elb", "kms", "secrets-manager", "efs", "redshift",
    "neptune",
}
API = {"api", "web-service-rest", "web-service-soap", "graphql-api", "microservice"}


def datastore_type(tech):
    if tech in SQL:
        return "SQL"
    if tech in {"active-directory", "ldap-server"}:
        return "LDAP"
    if tech in {"s3", "object-storage", "blob-storage", "gcs"}:
        return "AWS_S3"
    if tech in {"file-server", "efs", "sftp-server", "backup-service"}:
        return "FILE_SYSTEM"
    return "UNKNOWN"


def encrypted(flow):
    tls = flow.get("tls")
    return tls if tls is not None else flow["protocol"] in CATALOG_ENCRYPTED


def read_estate(directory):
    with open(os.path.join(directory, "riskfirst.yaml"), encoding="utf8") as fh:
        root = yaml.load(fh, Loader=YamlLoader)
    systems = []
    sys_dir = os.path.join(directory, "systems")
    for name in sorted(os.listdir(sys_dir)):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(sys_dir, name), encoding="utf8") as fh:
                systems.append(yaml.load(fh, Loader=YamlLoader))
    return root, systems


def to_neutral(root, systems, synthetic):
    """The estate as a tm-bench-model/1 spec. pytm 1.4.0 gives every flow the
    protocol, port and encryption of its sink, so a sink's are those of the
    first flow that reaches it; everything else keeps per-flow values."""
    zones = [z["id"] for z in root.get("zones", [])]
    boundaries = [{"name": z, "inBoundary": None} for z in zones if z != "internet"]
    data, components, flows = [], {}, []
    for s in systems:
        sid = s["system"]["id"]
        for d in s.get("data", []):
            name = d["id"]
            is_cred = name.startswith(("credentials", "signing-keys"))
            data.append({
                "name": f"{sid}/{name}",
                "description": d.get("name", name),
                "format": "JSON",
                "classification": CLASSIFICATION[d["classification"]],
                "isPII": bool(d.get("personal")),
                "isCredentials": is_cred,
                "credentialsLife": "UNKNOWN" if is_cred else "NONE",
                "isStored": False,
                "isDestEncryptedAtRest": False,
                "isSourceEncryptedAtRest": False,
            })
        for c in s.get("components", []):
            components[f"{sid}/{c['id']}"] = (sid, c)
    data_by_name = {d["name"]: d for d in data}
    for sid, c in components.values():
        for d in c.get("stores", []):
            data_by_name[f"{sid}/{d}"]["isStored"] = True

    # Flows in estate order; the first flow into a sink fixes its protocol.
    incoming = {}
    raw_flows = []
    for s in systems:
        sid = s["system"]["id"]
        for f in s.get("flows", []):
            src = f"{sid}/{f['from']}"
            dst = f["to"] if "/" in f["to"] else f"{sid}/{f['to']}"
            raw_flows.append((sid, f, src, dst))
            incoming.setdefault(dst, []).append(f)

    elements = []
    by_name = {}
    for name, (sid, c) in components.items():
        tech = c["technology"]
        kind = c["kind"]
        if kind == "external-entity":
            t = "Actor" if tech in CLIENTS else "ExternalEntity"
        elif kind == "datastore":
            t = "Datastore"
        elif tech in LAMBDAS:
            t = "Lambda"
        elif tech in SERVERS:
            t = "Server"
        else:
            t = "Process"
        ins = incoming.get(name, [])
        first = ins[0] if ins else None
        proto, port = PROTOCOL.get(first["protocol"], (first["protocol"].upper(), -1)) if first else ("", -1)
        stored = [data_by_name[f"{sid}/{d}"] for d in c.get("stores", [])]
        handled = stored + [data_by_name[f"{sid}/{d}"] for d in c.get("processes", [])]
        top = max((CLASS_ORDER.index(d["classification"]) for d in handled), default=1)
        e = {
            "type": t,
            "name": name,
            "inBoundary": None if c["zone"] == "internet" else c["zone"],
            "inScope": "out_of_scope" not in c,
            "maxClassification": CLASS_ORDER[max(top, 1)],
            "minTLSVersion": "TLSv12" if ins and all(encrypted(f) for f in ins) else "NONE",
            "port": port,
            "protocol": proto,
        }
        if t == "Actor":
            e["isAdmin"] = bool(c.get("admin_interface"))
        else:
            e["OS"] = ""
            e["onAWS"] = tech in AWS
            e["handlesResources"] = False
            e["usesEnvironmentVariables"] = c.get("secrets") == "environment"
        if t == "Server":
            e["usesSessionTokens"] = any(f.get("authentication") == "session" for f in ins)
            e["usesCache"] = False
            e["usesVPN"] = any(f.get("vpn") for f in ins)
            e["usesXMLParser"] = "xml" in c.get("accepts", [])
        elif t == "Process":
            e["codeType"] = "Unmanaged" if tech in {"mainframe", "hsm", "iot-device"} else "Java"
            e["implementsCommunicationProtocol"] = False
            e["tracksExecutionFlow"] = bool(c.get("audit_log"))
            e["implementsAPI"] = tech in API
            e["environment"] = "Production"
            e["allowsClientSideScripting"] = tech == "web-application"
        elif t == "Datastore":
            dtype = datastore_type(tech)
            e["datastoreType"] = dtype
            e["isSQL"] = dtype == "SQL"
            e["onRDS"] = tech in {"rds", "aurora"}
            e["storesLogData"] = tech in {"siem", "log-aggregator", "cloudwatch"}
            e["storesPII"] = any(d["isPII"] for d in stored)
            e["storesSensitiveData"] = any(d["classification"] in ("SENSITIVE", "SECRET") for d in stored)
            e["isShared"] = bool(c.get("multi_tenant"))
            e["hasWriteAccess"] = True
        elif t == "Lambda":
            e["environment"] = "Production"
            e["implementsAPI"] = True
        elif t == "ExternalEntity":
            e["hasPhysicalAccess"] = False
        e["data"] = []
        authed = bool(ins) and all(f.get("authentication", "none") != "none" for f in ins)
        ctl = {
            "isEncrypted": bool(first) and encrypted(first),
            "isEncryptedAtRest": c.get("encrypted_at_rest") is True,
            "usesMFA": c.get("mfa") is True,
            "implementsAuthenticationScheme": authed,
            "authenticatesSource": authed,
            "authorizesSource": bool(ins) and all(f.get("authorization", "none") != "none" for f in ins),
            "hasAccessControl": c.get("permissions") == "least-privilege" or authed,
            "implementsPOLP": c.get("permissions") == "least-privilege",
            "isHardened": c.get("hardened") is True,
            "isResilient": c.get("redundant") is True,
            "handlesResourceConsumption": c.get("rate_limited") is True,
            "sanitizesInput": c.get("waf") is True,
            "validatesInput": c.get("waf") is True,
            "encodesOutput": c.get("waf") is True,
        }
        controls = {k: True for k, v in ctl.items() if v}
        if c.get("encrypted_at_rest") is True:
            controls["usesEncryptionAlgorithm"] = "AES"
        if first and first.get("authentication") not in (None, "none"):
            controls["authenticationScheme"] = first["authentication"]
        e["controls"] = controls
        elements.append(e)
        by_name[name] = e

    for sid, f, src, dst in raw_flows:
        sink = by_name[dst]
        top = max((CLASS_ORDER.index(data_by_name[f"{sid}/{d}"]["classification"]) for d in f.get("data", [])), default=1)
        authed = f.get("authentication", "none") != "none"
        controls = {}
        if sink["controls"].get("isEncrypted"):
            controls["isEncrypted"] = True
        if authed:
            controls["authenticatesSource"] = True
            controls["implementsAuthenticationScheme"] = True
        if f.get("authorization", "none") != "none":
            controls["authorizesSource"] = True
            controls["hasAccessControl"] = True
        flows.append({
            "name": f"{sid}/{f['id']}",
            "source": src,
            "sink": dst,
            "isResponse": False,
            "responseTo": None,
            "protocol": sink["protocol"],
            "srcPort": -1,
            "dstPort": sink["port"],
            "tlsVersion": "TLSv12" if sink["controls"].get("isEncrypted") else "NONE",
            "usesVPN": bool(f.get("vpn")),
            "usesSessionTokens": f.get("authentication") == "session",
            "implementsCommunicationProtocol": False,
            "maxClassification": CLASS_ORDER[max(top, 1)],
            "inScope": True,
            "note": "",
            "data": sorted(f"{sid}/{d}" for d in f.get("data", [])),
            "controls": controls,
        })
    # What pytm's check() writes onto shared data, so declared == effective.
    synthetic.apply_data_effects(data, flows, by_name)
    return {
        "format": FORMAT,
        "name": root["organisation"]["name"],
        "description": f"riskfirst estate: {len(elements)} components in {len(boundaries)} trust zones, {len(flows)} flows",
        "generator": {"script": "bench/pytm_compare.py"},
        "boundaries": boundaries,
        "data": data,
        "elements": elements,
        "flows": flows,
    }


def timed_run(cmd, **kw):
    """Runs cmd under /usr/bin/time -v when present; returns (stdout, wall s, peak RSS kB)."""
    gnu_time = shutil.which("time") if os.path.exists("/usr/bin/time") else None
    full = (["/usr/bin/time", "-v"] if gnu_time else []) + cmd
    t = time.perf_counter()
    p = subprocess.run(full, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-3000:])
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return p.stdout, wall, int(m.group(1)) if m else None


def timed_run_to(cmd, sink):
    """Like timed_run, with standard output sent to `sink`: returns (None, wall s, peak RSS kB)."""
    full = (["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []) + cmd
    t = time.perf_counter()
    p = subprocess.run(full, stdout=sink, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-3000:])
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return None, wall, int(m.group(1)) if m else None


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,5000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/riskfirst-pytm-bench")
    ap.add_argument("--bench-bin", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")),
        "release", "examples", "bench_estate"))
    ap.add_argument("--pytm-python", default=sys.executable)
    ap.add_argument("--pytm-script", default=os.path.join(REPO, "..", "shared", "bench", "pytm_synthetic.py"))
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--riskfirst-bin", default=None,
                    help="the riskfirst binary: also time its whole analysis (`analyze --format json`, "
                         "default trials) against pytm's whole run")
    ap.add_argument("--rf-runs", type=int, default=5,
                    help="riskfirst processes per size; the fastest load+rules and the fastest whole process are kept")
    args = ap.parse_args(argv)

    if not os.path.exists(args.pytm_script):
        raise SystemExit(f"{args.pytm_script} is absent: pass --pytm-script")
    spec = importlib.util.spec_from_file_location("pytm_synthetic", args.pytm_script)
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)

    info = machine()
    print(json.dumps({"machine": info}), flush=True)
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        out = os.path.join(args.work, f"estate-{n}")
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([args.bench_bin, "--components", str(n), "--flows", str(2 * n),
                        "--seed", str(args.seed), "--out", out, "--json"],
                       check=True, capture_output=True)
        root, systems = read_estate(out)
        model = to_neutral(root, systems, synthetic)
        model_path = os.path.join(args.work, f"model-{n}.json")
        synthetic.write_spec(model, model_path)

        # riskfirst: a fresh process reads the files, validates and runs every rule;
        # best of --rf-runs processes (a run takes a fraction of a second, so other
        # work on the machine shows in a single one; pytm's runs take seconds to minutes).
        rf, rf_wall, rf_rss = None, None, None
        for _ in range(max(1, args.rf_runs)):
            out_text, wall, rss = timed_run([args.bench_bin, "--from", out, "--json"])
            rec = json.loads(out_text.strip().splitlines()[-1])
            engine = rec["load_ms"] + rec["rules_ms"]
            if rf is None or engine < rf["load_ms"] + rf["rules_ms"]:
                rf = rec
            rf_wall = wall if rf_wall is None else min(rf_wall, wall)
            rf_rss = rss if rf_rss is None else max(rf_rss, rss or 0)

        # riskfirst's whole analysis: threats, the Monte Carlo of every roll-up at the
        # default 100,000 years, values, plans and the JSON, written to /dev/null.
        analyze_wall, analyze_rss = None, None
        if args.riskfirst_bin:
            with open(os.devnull, "w", encoding="utf8") as sink:
                _, analyze_wall, analyze_rss = timed_run_to(
                    [args.riskfirst_bin, "analyze", out, "--format", "json", "--color", "never"], sink)

        # pytm on the same architecture, its default phases.
        py_out, py_wall, py_rss = timed_run([args.pytm_python, args.pytm_script, "--from-json", model_path,
                                             "--phases", "build,check,resolve,json,dfd,seq"])
        phases, summary = {}, {}
        for line in py_out.splitlines():
            rec = json.loads(line)
            if "phase" in rec:
                phases[rec["phase"]] = rec
            if "summary" in rec:
                summary = rec["summary"]
        mismatches = phases.get("check", {}).get("effective_mismatches")
        rf_engine = (rf["load_ms"] + rf["rules_ms"]) / 1e3
        resolve = phases["resolve"]["seconds"]
        pytm_threat = phases["build"]["seconds"] + phases["check"]["seconds"] + resolve
        row = {
            "components": rf["components"], "flows": rf["flows"],
            "riskfirst_threats": rf["threats"], "pytm_findings": summary.get("findings"),
            "riskfirst_load_rules_s": round(rf_engine, 4),
            "riskfirst_process_s": round(rf_wall, 4),
            "riskfirst_peak_mb": round(rf_rss / 1024, 1) if rf_rss else None,
            "pytm_resolve_s": resolve,
            "pytm_build_check_resolve_s": round(pytm_threat, 4),
            "pytm_process_s": round(py_wall, 4),
            "pytm_peak_mb": round(py_rss / 1024, 1) if py_rss else None,
            "pytm_effective_mismatches": mismatches,
            "ratio_resolve": round(resolve / rf_engine, 1),
            "ratio_threats": round(pytm_threat / rf_engine, 1),
            "ratio_process": round(py_wall / rf_wall, 1),
            "riskfirst_analyze_s": round(analyze_wall, 3) if analyze_wall else None,
            "riskfirst_analyze_peak_mb": round(analyze_rss / 1024, 1) if analyze_rss else None,
            "ratio_pytm_process_to_analyze": round(py_wall / analyze_wall, 1) if analyze_wall else None,
        }
        rows.append(row)
        print(json.dumps({"result": row}), flush=True)

    header = ["N", "flows", "riskfirst load+rules", "riskfirst process", "pytm resolve",
              "pytm build+check+resolve", "pytm process", "resolve / riskfirst",
              "threats / riskfirst", "process / process", "peak MB riskfirst / pytm",
              "threats riskfirst / pytm", "riskfirst whole analysis", "pytm process / analysis",
              "peak MB analysis"]
    lines = []
    for r in rows:
        lines.append([
            f"{r['components']:,}", f"{r['flows']:,}",
            f"{r['riskfirst_load_rules_s']:.3f} s", f"{r['riskfirst_process_s']:.3f} s",
            f"{r['pytm_resolve_s']:.2f} s", f"{r['pytm_build_check_resolve_s']:.2f} s",
            f"{r['pytm_process_s']:.1f} s", f"{r['ratio_resolve']}x", f"{r['ratio_threats']}x",
            f"{r['ratio_process']}x", f"{r['riskfirst_peak_mb']} / {r['pytm_peak_mb']}",
            f"{r['riskfirst_threats']:,} / {r['pytm_findings']:,}",
            f"{r['riskfirst_analyze_s']:.2f} s" if r['riskfirst_analyze_s'] else "-",
            f"{r['ratio_pytm_process_to_analyze']}x" if r['ratio_pytm_process_to_analyze'] else "-",
            f"{r['riskfirst_analyze_peak_mb']}" if r['riskfirst_analyze_peak_mb'] else "-",
        ])
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for l in lines:
            print("| " + " | ".join(l) + " |")
    else:
        widths = [max(len(h), *(len(l[i]) for l in lines)) if lines else len(h) for i, h in enumerate(header)]
        print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
        for l in lines:
            print("  ".join(c.rjust(w) for c, w in zip(l, widths)))
    print(f"machine: {info['nproc']} CPUs, {info['cpu']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
