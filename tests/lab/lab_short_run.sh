#!/usr/bin/env bash
# The traffic lab's short run, as CI runs it (as root): a one-minute scenario
# whose capture's attacker flows join the lab's labels (at least 99%), with
# the lab's namespaces gone afterwards. Skipped (77) where it cannot run.
#   lab_short_run.sh REPO_ROOT VIGIL_BINARY
set -euo pipefail
root="$1"
vigil="$2"
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
  echo "lab test: needs root and iproute2; skipped"
  exit 77
fi
out="$(mktemp -d /tmp/vigil-lab-test.XXXXXX)"
trap 'rm -rf "$out"' EXIT
before="$(ip netns list | grep -c '^vl[0-9]*-' || true)"
"$root/scripts/lab" --minutes "${LAB_TEST_MINUTES:-1}" --seed 7 --out "$out" --quiet
after="$(ip netns list | grep -c '^vl[0-9]*-' || true)"
if [ "$after" -ne "$before" ]; then
  echo "lab test: the lab left namespaces behind:" >&2
  ip netns list >&2
  exit 1
fi
"$vigil" extract -q --pcap "$out/capture.pcap" --out "$out/flows.csv"
"$vigil" label -q --flows "$out/flows.csv" --labels "$out/labels.csv" --out "$out/labelled.csv" \
  --summary "$out/summary.json"
/usr/bin/python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
manifest = json.load(open(f"{out}/manifest.json"))
ip_of = {h["name"]: h["ip"] for h in manifest["hosts"]}
attackers = {ip_of[name] for name in manifest["roles"]["attackers"]}
def attacker_flows(path):
    return sum(1 for r in csv.DictReader(open(path)) if r["srcip"] in attackers or r["dstip"] in attackers)
total, joined = attacker_flows(f"{out}/flows.csv"), attacker_flows(f"{out}/labelled.csv")
summary = json.load(open(f"{out}/summary.json"))
classes = sorted(c for c in summary["flows_by_class"] if c != "Normal")
print(f"lab test: {summary['flows']} flows; attackers' flows {total}, joined {joined}; attack classes {classes}; "
      f"benign flows {summary['flows_by_class'].get('Normal', 0)}")
ok = total > 0 and joined >= 0.99 * total and len(classes) >= 3 and summary["flows_by_class"].get("Normal", 0) > 50
# Every attack flow is between an attacker and a lab host, never elsewhere.
lab_hosts = set(ip_of.values())
for r in csv.DictReader(open(f"{out}/labelled.csv")):
    if r["attack_cat"] != "Normal" and not ({r["srcip"], r["dstip"]} <= lab_hosts):
        print(f"lab test: an attack flow leaves the lab: {r['srcip']} -> {r['dstip']}"); ok = False; break
sys.exit(0 if ok else 1)
PY
