#!/usr/bin/python3
"""Vigil's EVE events against Suricata's own schema.

Trains a small model on UNSW-NB15, runs `vigil detect` on real captures with
every flow written (alert and flow events) and stats to a file, then validates
each event: alert and flow events against Suricata's schema unchanged, stats
events against it with Vigil's one extension (schema/vigil-extension.json)
merged in. Also checks what the events must carry: the verdict in
alert.metadata.vigil or metadata.flowvars[0].vigil, community_id on every TCP
and UDP event, app_proto where nDPI named the protocol.

usage: eve_schema_check.py VIGIL SOURCE_DIR SHARED_DATA_DIR
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

CAPTURES = [
    "pcaps/attacks/annie_nmap_scan.pcapng",
    "pcaps/attacks/annie_benign_web_test.pcap",
    "pcaps/attacks/mqtt_packets_tcpdump.pcap",
    "pcaps/zeek-traces/ipv6-fragmented-dns.pcap",
    "pcaps/zeek-traces/trunc/icmp-payload-trunc.pcap",
]


def main():
    vigil, source, shared = sys.argv[1:4]
    with open(os.path.join(source, "schema", "suricata-eve-schema.json")) as f:
        suricata = json.load(f)
    with open(os.path.join(source, "schema", "vigil-extension.json")) as f:
        extension = json.load(f)
    extended = copy.deepcopy(suricata)
    extended["$defs"].update(extension.pop("$defs"))
    extension.pop("$comment")
    extended["properties"]["stats"]["properties"]["vigil"] = extension
    plain_check = jsonschema.Draft202012Validator(suricata)
    extended_check = jsonschema.Draft202012Validator(extended)

    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "nb.model")
        subprocess.run([vigil, "train", "-q", "--data",
                        os.path.join(shared, "unsw-nb15", "UNSW_NB15_testing-set.csv"),
                        "--model", "nb", "--smote", "off", "--out", model], check=True)
        eve, stats = os.path.join(tmp, "eve.json"), os.path.join(tmp, "stats.json")
        cmd = [vigil, "detect", "-q", "--model", model, "--alerts", eve, "--stats", stats,
               "--stats-interval", "0.001", "--all-flows", "--threshold", "0", "--pcap"]
        subprocess.run(cmd + [os.path.join(shared, c) for c in CAPTURES], check=True)
        events = [json.loads(line) for path in (eve, stats) for line in open(path)]

    # The check must bite: Vigil's earlier layout (a top-level "vigil" object,
    # a fractional uptime) fails the schema.
    first_alert = next(e for e in events if e["event_type"] == "alert")
    old_layout = dict(first_alert, vigil={"class": "x"})
    if plain_check.is_valid(old_layout) or plain_check.is_valid(
            {"timestamp": first_alert["timestamp"], "event_type": "stats", "stats": {"uptime": 0.5}}):
        print("the schema accepts what it must refuse: is it Suricata's closed schema?")
        sys.exit(1)

    counts, failures = {}, []
    with_app_proto = 0
    for i, e in enumerate(events):
        kind = e["event_type"]
        counts[kind] = counts.get(kind, 0) + 1
        check = extended_check if kind == "stats" else plain_check
        errors = sorted(check.iter_errors(e), key=lambda err: list(err.path))
        if errors:
            failures.append(f"event {i} ({kind}): {errors[0].message} at {list(errors[0].path)}")
        if kind == "alert" and "class" not in e["alert"]["metadata"]["vigil"]:
            failures.append(f"event {i}: alert without alert.metadata.vigil.class")
        if kind == "flow" and "class" not in e["metadata"]["flowvars"][0]["vigil"]:
            failures.append(f"event {i}: flow without metadata.flowvars[0].vigil.class")
        if kind in ("alert", "flow") and e["proto"] in ("TCP", "UDP") and "community_id" not in e:
            failures.append(f"event {i}: a {e['proto']} event without community_id")
        with_app_proto += "app_proto" in e
    print(f"events: {counts}; {with_app_proto} with app_proto; {len(failures)} failures")
    for f in failures[:20]:
        print("  " + f)
    missing = [k for k in ("alert", "flow", "stats") if counts.get(k, 0) == 0]
    if missing:
        print(f"no {', '.join(missing)} event to check")
    if failures or missing or with_app_proto == 0:
        sys.exit(1)


if __name__ == "__main__":
    main()
