#!/usr/bin/python3
"""Compares `vigil extract` with Argus, flow by flow, on real captures.

  bench/compare_argus.py [--vigil build/vigil] [--show N] [CAPTURE_OR_DIR ...]
  default: every capture under ../shared/data/pcaps/zeek-traces

For each capture, Argus (argus -J -R, status records only once an hour so a
flow is one record) and `vigil extract` run on the same file. Flows are joined
by protocol, addresses, ports and start time (to the microsecond); a flow Argus
saw the other way round (it turns a flow around when the first packet it sees
is a SYN-ACK, for example) is joined reversed and counted. For every joined
flow and every Argus-derived feature the script counts a match when the two
values agree within 1% (real-valued features, with 1 microsecond / 0.001 of
slack for the six decimals Argus prints) or exactly (counts, TTLs, sequence
numbers, windows, state), and prints the share of flows matching per feature,
then the first mismatches of each feature so that a difference can be traced.

Needs Debian's argus-server and argus-client. Argus crashes (abort or
segfault) on a few of these captures; those are listed and left out.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIR = os.path.join(ROOT, "..", "shared", "data", "pcaps", "zeek-traces")

# vigil column -> (ra field, kind); kind: "int" exact, "real" within 1%,
# "text" exact, "mean" Argus's unrounded mean packet size against vigil's
# rounded one.
FEATURES = {
    "state": ("state", "text"),
    "spkts": ("spkts", "int"), "dpkts": ("dpkts", "int"),
    "sbytes": ("sbytes", "int"), "dbytes": ("dbytes", "int"),
    "dur": ("dur", "real"), "rate": ("rate", "real"),
    "sttl": ("sttl", "int"), "dttl": ("dttl", "int"),
    "sload": ("sload", "real"), "dload": ("dload", "real"),
    "sloss": ("sloss", "int"), "dloss": ("dloss", "int"),
    "sinpkt": ("sintpkt", "real"), "dinpkt": ("dintpkt", "real"),
    "sjit": ("sjit", "real"), "djit": ("djit", "real"),
    "swin": ("swin", "int"), "dwin": ("dwin", "int"),
    "stcpb": ("stcpb", "int"), "dtcpb": ("dtcpb", "int"),
    "tcprtt": ("tcprtt", "real"), "synack": ("synack", "real"), "ackdat": ("ackdat", "real"),
    "smean": ("smeansz", "mean"), "dmean": ("dmeansz", "mean"),
}
# Features that only mean something for TCP.
TCP_ONLY = {"swin", "dwin", "stcpb", "dtcpb", "tcprtt", "synack", "ackdat", "sloss", "dloss"}
KEY_FIELDS = ["stime", "proto", "saddr", "sport", "daddr", "dport"]
# Pairs that swap when a flow is read the other way round.
SWAPS = [("spkts", "dpkts"), ("sbytes", "dbytes"), ("sttl", "dttl"), ("sload", "dload"),
         ("sloss", "dloss"), ("sinpkt", "dinpkt"), ("sjit", "djit"), ("swin", "dwin"),
         ("stcpb", "dtcpb"), ("smean", "dmean")]
# Six decimals are what ra prints; 1e-3 covers TTL-free rounding of loads and times in ms.
ABS_SLACK = {"dur": 1e-6, "tcprtt": 1e-6, "synack": 1e-6, "ackdat": 1e-6}


def find_captures(paths):
    out = []
    for path in paths:
        if os.path.isdir(path):
            for dirpath, _, files in os.walk(path):
                for name in sorted(files):
                    if name.endswith((".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")):
                        out.append(os.path.join(dirpath, name))
        else:
            out.append(path)
    return sorted(out)


def port(text):
    if text in ("", None):
        return 0
    return int(text, 16) if text.startswith("0x") else int(text)


def number(text):
    try:
        return float(text) if text not in ("", None) else 0.0
    except ValueError:
        return 0.0


def run_argus(capture, work):
    """Argus records of one capture, or None when Argus fails on it."""
    source = capture
    if capture.endswith(".gz"):  # argus reads no gzip: hand it the plain file
        source = os.path.join(work, "plain.pcap")
        with open(source, "wb") as plain:
            if subprocess.run(["gzip", "-dc", capture], stdout=plain).returncode != 0:
                return None
    records = os.path.join(work, "flows.argus")
    if os.path.exists(records):
        os.remove(records)
    try:
        argus = subprocess.run(["argus", "-X", "-J", "-R", "-S", "3600", "-r", source, "-w", records],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    if argus.returncode != 0 or not os.path.exists(records):
        return None
    fields = KEY_FIELDS + sorted({f for f, _ in FEATURES.values()} - {"stime"})
    ra = subprocess.run(["ra", "-r", records, "-n", "-u", "-c", ",", "-L", "-1", "-s"] + fields,
                        capture_output=True, text=True)
    if ra.returncode != 0:
        return None
    rows = []
    for values in csv.reader(ra.stdout.splitlines()):
        if len(values) != len(fields):
            continue
        r = dict(zip(fields, values))
        if r["proto"] in ("man", "arp", "rarp", "llc", "") or not r["saddr"] or not r["daddr"]:
            continue
        rows.append(r)
    return rows


def run_vigil(vigil, capture, work):
    out = os.path.join(work, "flows.csv")
    done = subprocess.run([vigil, "extract", "--quiet", "--pcap", capture, "--out", out],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        return None
    with open(out, newline="") as f:
        return list(csv.DictReader(f))


def key(proto, src, sport, dst, dport, stime):
    return (proto, src, sport, dst, dport, round(float(stime), 6))


def swapped(argus_row):
    r = dict(argus_row)
    names = {v: f for v, (f, _) in FEATURES.items()}
    for a, b in SWAPS:
        r[names[a]], r[names[b]] = argus_row[names[b]], argus_row[names[a]]
    return r


def agrees(name, kind, ours, theirs):
    if kind == "text":
        return ours == theirs
    a, b = number(ours), number(theirs)
    if kind == "mean":
        return abs(a - round(b)) <= 0.5 + 1e-9 or abs(a - b) <= 0.01 * max(abs(a), abs(b))
    if kind == "int":
        return a == b
    slack = ABS_SLACK.get(name, 1e-3)
    return abs(a - b) <= max(0.01 * max(abs(a), abs(b)), slack)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("captures", nargs="*", default=[DEFAULT_DIR])
    parser.add_argument("--vigil", default=os.path.join(ROOT, "build", "vigil"))
    parser.add_argument("--show", type=int, default=3, help="mismatches shown per feature")
    args = parser.parse_args()

    captures = find_captures(args.captures)
    totals = {name: [0, 0] for name in FEATURES}  # compared, matching
    examples = {name: [] for name in FEATURES}
    argus_failed, vigil_failed = [], []
    flows_ours = flows_argus = joined = reversed_joins = 0
    with tempfile.TemporaryDirectory() as work:
        for n, capture in enumerate(captures, 1):
            if sys.stderr.isatty():
                print(f"\r{n}/{len(captures)}", end="", file=sys.stderr)
            theirs = run_argus(capture, work)
            if theirs is None:
                argus_failed.append(capture)
                continue
            ours = run_vigil(args.vigil, capture, work)
            if ours is None:
                vigil_failed.append(capture)
                continue
            flows_ours += len(ours)
            flows_argus += len(theirs)
            index = {}
            for r in theirs:
                index[key(r["proto"], r["saddr"], port(r["sport"]), r["daddr"], port(r["dport"]), r["stime"])] = r
            for r in ours:
                sport, dport = int(r["sport"]), int(r["dsport"])
                forward = key(r["proto"], r["srcip"], sport, r["dstip"], dport, r["stime"])
                backward = key(r["proto"], r["dstip"], dport, r["srcip"], sport, r["stime"])
                if forward in index:
                    a = index.pop(forward)
                elif backward in index:
                    a = swapped(index.pop(backward))
                    reversed_joins += 1
                else:
                    continue
                joined += 1
                for name, (field, kind) in FEATURES.items():
                    if name in TCP_ONLY and r["proto"] != "tcp":
                        continue
                    totals[name][0] += 1
                    if agrees(name, kind, r[name], a[field]):
                        totals[name][1] += 1
                    elif len(examples[name]) < args.show:
                        flow = f"{os.path.relpath(capture, DEFAULT_DIR)} {r['proto']} {r['srcip']}:{sport}>{r['dstip']}:{dport}"
                        examples[name].append(f"{flow} vigil={r[name]} argus={a[field]}")
    if sys.stderr.isatty():
        print(file=sys.stderr)

    print(f"captures: {len(captures)}; Argus failed on {len(argus_failed)}, vigil on {len(vigil_failed)}")
    print(f"flows: vigil {flows_ours}, argus {flows_argus}, joined {joined} "
          f"({joined / max(flows_argus, 1):.1%} of Argus's; {reversed_joins} with Argus's direction reversed)")
    print()
    print("| feature | flows compared | match | share |")
    print("|---|---|---|---|")
    for name, (compared, matching) in totals.items():
        share = f"{matching / compared:.1%}" if compared else "-"
        print(f"| {name} | {compared} | {matching} | {share} |")
    print()
    for name, lines in examples.items():
        for line in lines:
            print(f"mismatch {name}: {line}")
    for capture in argus_failed:
        print(f"argus failed: {capture}")
    for capture in vigil_failed:
        print(f"vigil failed: {capture}")
    return 1 if vigil_failed else 0


if __name__ == "__main__":
    sys.exit(main())
