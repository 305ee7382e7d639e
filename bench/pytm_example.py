#!/usr/bin/env python3
"""Runs pytm's example model and prints the threats pytm derives, as JSON.

The model is the example threat model of the pytm project (`tm.py` at the root
of github.com/OWASP/pytm): a web-based comment system with a user on the
internet, a web server, a SQL database, a database of real identities and a
serverless function that cleans the database. It is rebuilt here element by
element, with the same classes and the same attributes, because the PyPI
package ships the library and not the example. The example's hand-written
`Finding` objects are left out: they are not derived by pytm's rules, and
`tm.resolve()` replaces an element's findings with the derived ones anyway.

The riskfirst translation of the same architecture is the estate in
`crates/riskfirst-rules/tests/fixtures/pytm-example/`; `docs/comparison.md`
compares the two.

Usage (pytm from PyPI in a virtual environment):

    python3 -m venv /work/.venv-cmp
    /work/.venv-cmp/bin/pip install pytm==1.4.0
    /work/.venv-cmp/bin/python bench/pytm_example.py > pytm-findings.json

Output: {"pytm_version", "elements", "findings": [{"target", "kind",
"threat_id", "description", "severity"}], "by_threat": {SID: count}}, with
findings sorted by threat id, then target.

With `--ids-only`, each finding keeps only `threat_id`, `target` and `kind`:
the form recorded in
`crates/riskfirst-rules/tests/fixtures/pytm-example/pytm-findings.json`,
which `tests/comparison.rs` checks the threat-class table against.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from importlib import metadata


def build():
    """Builds pytm's example model and returns the TM, resolved."""
    from pytm import (
        TM,
        Actor,
        Boundary,
        Classification,
        Data,
        Dataflow,
        Datastore,
        Lambda,
        Server,
    )

    tm = TM("pytm example: comment system")
    tm.description = "A web-based comment system: users post comments, the web server stores them in a database and shows them back."
    tm.isOrdered = True
    tm.mergeResponses = True

    internet = Boundary("Internet")
    server_db = Boundary("Server/DB")
    server_db.levels = [2]
    vpc = Boundary("AWS VPC")

    user = Actor("User")
    user.inBoundary = internet
    user.levels = [2]

    # The example puts the web server in no boundary.
    web = Server("Web Server")
    web.OS = "Ubuntu"
    web.isHardened = True
    web.sanitizesInput = False
    web.encodesOutput = True
    web.authorizesSource = False

    db = Datastore("SQL Database")
    db.OS = "CentOS"
    db.isHardened = False
    db.inBoundary = server_db
    db.isSQL = True
    db.inScope = True
    db.maxClassification = Classification.RESTRICTED
    db.levels = [2]

    secret_db = Datastore("Real Identity Database")
    secret_db.OS = "CentOS"
    secret_db.isHardened = True
    secret_db.inBoundary = server_db
    secret_db.isSQL = True
    secret_db.inScope = True
    secret_db.storesPII = True
    secret_db.maxClassification = Classification.TOP_SECRET

    cleaner = Lambda("AWS Lambda")
    cleaner.hasAccessControl = True
    cleaner.inBoundary = vpc
    cleaner.levels = [1, 2]

    identity_token = Data("Token verifying user identity", classification=Classification.SECRET)
    db_to_secret = Dataflow(db, secret_db, "Database verify real user identity")
    db_to_secret.protocol = "RDA-TCP"
    db_to_secret.dstPort = 40234
    db_to_secret.data = identity_token
    db_to_secret.maxClassification = Classification.SECRET

    comments = Data("Comments in HTML or Markdown", classification=Classification.PUBLIC)
    user_to_web = Dataflow(user, web, "User enters comments (*)")
    user_to_web.protocol = "HTTP"
    user_to_web.dstPort = 80
    user_to_web.data = comments

    insert = Data("Insert query with comments", classification=Classification.PUBLIC)
    web_to_db = Dataflow(web, db, "Insert query with comments")
    web_to_db.protocol = "MySQL"
    web_to_db.dstPort = 3306
    web_to_db.data = insert

    retrieved = Data("Web server retrieves comments from DB", classification=Classification.PUBLIC)
    db_to_web = Dataflow(db, web, "Retrieve comments")
    db_to_web.protocol = "MySQL"
    db_to_web.dstPort = 80
    db_to_web.data = retrieved
    db_to_web.responseTo = web_to_db

    # The example misspells `classification` here, so this data keeps pytm's default.
    shown = Data("Web server shows comments to the end user")
    web_to_user = Dataflow(web, user, "Show comments (*)")
    web_to_user.protocol = "HTTP"
    web_to_user.data = shown
    web_to_user.responseTo = user_to_web

    clear = Data("Serverless function clears DB", classification=Classification.PUBLIC)
    cleaner_to_db = Dataflow(cleaner, db, "Serverless function periodically cleans DB")
    cleaner_to_db.protocol = "MySQL"
    cleaner_to_db.dstPort = 3306
    cleaner_to_db.data = clear

    Data(
        name="User ID Token",
        description="A unique token standing for the user's real identity",
        classification=Classification.TOP_SECRET,
        traverses=[user_to_web, db_to_secret],
        processedBy=[db, secret_db],
    )

    tm.check()
    tm.resolve()
    return tm


def main() -> int:
    ids_only = "--ids-only" in sys.argv[1:]
    tm = build()
    findings = []
    for f in tm.findings:
        element = f.element
        findings.append(
            {
                "target": f.target or getattr(element, "name", ""),
                "kind": type(element).__name__,
                "threat_id": f.threat_id,
                "description": f.description,
                "severity": f.severity,
            }
        )
    findings.sort(key=lambda f: (f["threat_id"], f["target"]))
    if ids_only:
        # Descriptions are pytm's text; the recorded fixture keeps only the ids.
        findings = [{k: f[k] for k in ("threat_id", "target", "kind")} for f in findings]
    elements = sorted({(f["target"], f["kind"]) for f in findings})
    out = {
        "pytm_version": metadata.version("pytm"),
        "elements": [{"name": n, "kind": k} for n, k in elements],
        "findings": findings,
        "by_threat": dict(sorted(Counter(f["threat_id"] for f in findings).items())),
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
