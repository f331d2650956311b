"""Real-traffic benchmark: models trained on the traffic lab's labelled runs and
on UNSW-NB15, side by side, on captures the lab never made. Run through
bench/real_traffic.sh, which builds Vigil and makes the lab runs.

For each capture: flows, the share alerted (a class other than Normal), and the
attack types named. Benign captures: every Zeek trace whose name does not say
it holds an attack (those left out are listed), the benign web test, the MQTT
captures, the Hue capture, and IoT-23 42-1's benign flows (its unlabelled IRC
flows to 185.244.25.183:4975 reported apart). Attack captures: the attacker is
the address in the most flows; its flows with its target(s) are the positives.
"""

import argparse
import collections
import csv
import glob
import json
import os
import subprocess
import sys

ATTACK_WORDS = ("attack", "scan", "exploit", "flood", "dos", "brute", "malware", "backdoor", "mirai", "botnet",
                "trojan", "worm", "shellcode", "inject", "exfil", "nmap")
EXPECTED = {  # attack capture: classes that count as the right type
    "annie_nmap_scan.pcapng": {"Reconnaissance"}, "tahsin_nmap.pcap": {"Reconnaissance"},
    "syn_flood_port80_hping.pcap": {"DoS"}, "annie_ddos.pcapng": {"DoS"}, "annie_sqlmap.pcapng": {"Exploits"},
    "annie_openvas.pcapng": {"Reconnaissance", "Exploits"}, "annie_backdoor.pcapng": {"Backdoor"},
}
BENIGN_ATTACK_FOLDER = ("annie_benign_web_test.pcap", "mqtt_packets_tcpdump.pcap", "mqtt_loopback_dltnull.pcapng")
IOT23_IRC = ("185.244.25.183", "4975")


def vigil(args, **kwargs):
    return subprocess.run([VIGIL] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def extract(pcap, out):
    if not os.path.exists(out):
        r = vigil(["extract", "-q", "--pcap", pcap, "--out", out])
        if r.returncode != 0:
            return None
    return out


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def predictions(model, flows_csv):
    r = vigil(["predict", "-q", "--model", model, "--data", flows_csv])
    if r.returncode != 0:
        sys.exit(f"real_traffic: predict failed on {flows_csv}: {r.stderr.strip()}")
    return [(row["prediction"], float(row["confidence"])) for row in csv.DictReader(r.stdout.splitlines())]


def concat(csv_paths, out, extra=None):
    """One CSV of many flow files (same columns), with a `capture` column."""
    header = None
    with open(out, "w", newline="") as f:
        w = None
        for path in csv_paths:
            with open(path, newline="") as g:
                reader = csv.reader(g)
                h = next(reader, None)
                if h is None:
                    continue
                if header is None:
                    header = h + ["capture"]
                    w = csv.writer(f)
                    w.writerow(header)
                name = os.path.basename(path)
                for row in reader:
                    w.writerow(row + [extra(path) if extra else name])
    return out


def lab_training_set(runs, work, max_per_record):
    labelled = []
    for run in runs:
        name = os.path.basename(os.path.normpath(run))
        flows = extract(os.path.join(run, "capture.pcap"), os.path.join(work, f"lab-{name}.flows.csv"))
        out = os.path.join(work, f"lab-{name}.labelled.csv")
        r = vigil(["label", "--flows", flows, "--labels", os.path.join(run, "labels.csv"), "--out", out,
                   "--max-per-record", str(max_per_record)])
        print(f"  {name}: {r.stderr.strip()}")
        labelled.append(out)
    return concat(labelled, os.path.join(work, "lab-train.csv"), extra=lambda p: os.path.basename(p).split(".")[0])


def train(data, model, out, extra):
    if not os.path.exists(out):
        r = vigil(["train", "-q", "--data", data, "--model", model, "--out", out] + extra)
        if r.returncode != 0:
            sys.exit(f"real_traffic: training {model} on {data} failed: {r.stderr.strip()}")
    return out


def benign_sets(shared, work):
    """(name, flows csv, row filter) for every benign capture."""
    zeek = os.path.join(shared, "pcaps", "zeek-traces")
    traces, left_out = [], []
    for path in sorted(glob.glob(os.path.join(zeek, "**", "*"), recursive=True)):
        if os.path.isdir(path) or path.endswith(("README", ".txt", ".md", ".log", ".json")):
            continue
        rel = os.path.relpath(path, zeek)
        if any(w in rel.lower() for w in ATTACK_WORDS):
            left_out.append(rel)
            continue
        flows = extract(path, os.path.join(work, "zeek", rel.replace("/", "__") + ".csv"))
        if flows is not None:
            traces.append(flows)
    sets = [("zeek-traces (all)", concat(traces, os.path.join(work, "zeek-all.csv")), None)]
    attacks = os.path.join(shared, "pcaps", "attacks")
    for name in BENIGN_ATTACK_FOLDER:
        sets.append((name, extract(os.path.join(attacks, name), os.path.join(work, name + ".csv")), None))
    hue = glob.glob(os.path.join(shared, "iot23", "*Philips-Hue*.pcap"))
    if hue:
        sets.append(("IoT-23 Hue (benign)", extract(hue[0], os.path.join(work, "hue.csv")), None))
    iot42 = glob.glob(os.path.join(shared, "iot23", "CTU-IoT-Malware-Capture-42-1_*.pcap"))
    if iot42:
        flows = extract(iot42[0], os.path.join(work, "iot42.csv"))
        labelled = os.path.join(work, "iot42.labelled.csv")
        vigil(["label", "-q", "--flows", flows, "--out", labelled, "--labels",
               os.path.join(shared, "iot23", "CTU-IoT-Malware-Capture-42-1.conn.log.labeled")])
        irc = lambda row: IOT23_IRC[0] in (row["srcip"], row["dstip"]) and IOT23_IRC[1] in (row["sport"], row["dsport"])
        sets.append(("IoT-23 42-1 benign", labelled, lambda row: row["attack_cat"] == "Normal" and not irc(row)))
        sets.append(("IoT-23 42-1 unlabelled IRC (apart)", labelled, lambda row: row["attack_cat"] == "Normal" and irc(row)))
    return sets, left_out, traces


def attack_sets(shared, work):
    out = []
    attacks = os.path.join(shared, "pcaps", "attacks")
    for name in EXPECTED:
        flows = extract(os.path.join(attacks, name), os.path.join(work, name + ".csv"))
        rows = read_rows(flows)
        counts = collections.Counter()
        for row in rows:
            counts[row["srcip"]] += 1
            counts[row["dstip"]] += 1
        attacker = counts.most_common(1)[0][0]
        multicast = lambda ip: ip.startswith(("224.", "239.", "255.", "ff02:")) or ip.endswith(".255")
        pick = lambda row, a=attacker: a in (row["srcip"], row["dstip"]) and not multicast(row["dstip"])
        out.append((f"{name} (attacker {attacker})", flows, pick, EXPECTED[name]))
    iot42 = os.path.join(work, "iot42.labelled.csv")
    if os.path.exists(iot42):
        out.append(("IoT-23 42-1 malicious", iot42, lambda row: row["attack_cat"] != "Normal", None))
    return out


def summarise(preds, rows, pick, threshold):
    """Flows picked, and the attack types of those alerted: a class other than
    Normal with at least `threshold` probability (as `vigil detect --threshold`)."""
    chosen = [p for p, row in zip(preds, rows) if pick is None or pick(row)]
    alerted = [cls for cls, confidence in chosen if cls != "Normal" and confidence >= threshold]
    return len(chosen), alerted


def share(n, d):
    return f"{100.0 * n / d:6.2f}%" if d else "     -"


def top_types(alerted, k=3):
    c = collections.Counter(alerted)
    return ", ".join(f"{name} {n}" for name, n in c.most_common(k)) or "-"


def main():
    global VIGIL
    p = argparse.ArgumentParser()
    p.add_argument("--vigil", required=True)
    p.add_argument("--shared", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--unsw", required=True)
    p.add_argument("--models", default="rf,xgb")
    p.add_argument("--lab", nargs="+", required=True)
    p.add_argument("--feature-set", default="auto")
    p.add_argument("--max-per-record", type=int, default=500)
    p.add_argument("--protocols", action="store_true", help="also leave one lab run out, and one class")
    p.add_argument("--thresholds", type=float, nargs="+", default=[0.0],
                   help="least probability of the attack class for an alert; a column per model and threshold")
    p.add_argument("--train-args", default="", help="further `vigil train` arguments for the lab models")
    args = p.parse_args()
    VIGIL = args.vigil
    os.makedirs(os.path.join(args.work, "zeek"), exist_ok=True)
    print("lab runs:")
    train_csv = lab_training_set(args.lab, args.work, args.max_per_record)
    models = []
    for m in args.models.split(","):
        fs = args.feature_set
        models.append((f"lab {m}", train(train_csv, m, os.path.join(args.work, f"lab-{m}-{fs}.model"),
                                         ["--feature-set", fs, "--drop", "capture"] + args.train_args.split())))
    models.append(("unsw rf", train(args.unsw, "rf", os.path.join(args.work, "unsw-rf.model"), [])))
    benign, left_out, traces = benign_sets(args.shared, args.work)
    attacks = attack_sets(args.shared, args.work)
    print(f"\nzeek-traces left out as attacks by name ({len(left_out)}): {', '.join(left_out) or '-'}")
    print(f"zeek-traces read: {len(traces)} captures\n")

    cache = {}
    def rows_and_preds(flows, model):
        if flows not in cache:
            cache[flows] = read_rows(flows)
        key = (flows, model)
        if key not in cache:
            cache[key] = predictions(model, flows)
        return cache[flows], cache[key]

    columns = [(f"{n}" + (f" @{t:g}" if t > 0 else ""), model, t) for n, model in models for t in args.thresholds]
    models = [(name, model) for name, model, _ in columns]
    threshold_of = {name: t for name, _, t in columns}
    names = [n for n, _ in models]
    if args.protocols:
        lab_protocols(train_csv, args.work, ["--feature-set", args.feature_set, "--drop", "capture"] +
                      args.train_args.split())
    print("shares of flows alerted")
    print(f"{'benign capture':44} {'flows':>7} " + " ".join(f"{n:>16}" for n in names))
    totals = {n: [0, 0] for n in names}
    worst = {n: (0.0, "") for n in names}
    for title, flows, pick in benign:
        cells, count = [], 0
        for n, model in models:
            rows, preds = rows_and_preds(flows, model)
            count, alerted = summarise(preds, rows, pick, threshold_of[n])
            cells.append(f"{share(len(alerted), count):>16}")
            if "apart" not in title:
                totals[n][0] += count
                totals[n][1] += len(alerted)
        print(f"{title:44} {count:7d} " + " ".join(cells))
    # Per Zeek trace with 50 or more flows: the worst one.
    zeek_all = benign[0][1]
    for n, model in models:
        rows, preds = rows_and_preds(zeek_all, model)
        per = collections.defaultdict(lambda: [0, 0])
        for row, (cls, confidence) in zip(rows, preds):
            per[row["capture"]][0] += 1
            per[row["capture"]][1] += cls != "Normal" and confidence >= threshold_of[n]
        for capture, (count, alerted) in per.items():
            if count >= 50 and alerted / count > worst[n][0]:
                worst[n] = (alerted / count, capture[:-4].replace("__", "/"))
    print(f"{'all benign':44} {totals[names[0]][0]:7d} " +
          " ".join(f"{share(totals[n][1], totals[n][0]):>16}" for n in names))
    for n in names:
        print(f"  worst capture of 50+ flows, {n}: {100 * worst[n][0]:.1f}% ({worst[n][1]})")
    print(f"\nshares alerted, and alerted with the expected type")
    print(f"{'attack capture':44} {'flows':>7} " + " ".join(f"{n:>24}" for n in names))
    for title, flows, pick, expected in attacks:
        cells, count, types = [], 0, []
        for n, model in models:
            rows, preds = rows_and_preds(flows, model)
            count, alerted = summarise(preds, rows, pick, threshold_of[n])
            right = sum(1 for a in alerted if expected is None or a in expected)
            cells.append(f"{share(len(alerted), count)} / {share(right, count)}".rjust(24))
            types.append(f"{n}: {top_types(alerted)}")
        print(f"{title:44} {count:7d} " + " ".join(cells))
        print(f"{'':44}   types named: " + "; ".join(types))


def experiment(train_csv, work, name, extra):
    out = os.path.join(work, f"experiment-{name}.json")
    r = vigil(["experiment", "-q", "--data", train_csv, "--protocol", "group", "--group-by", "capture", "--models",
               "rf", "--json", out] + extra)
    if r.returncode != 0:
        sys.exit(f"real_traffic: experiment {name} failed: {r.stderr.strip()}")
    with open(out) as f:
        return json.load(f)


def lab_protocols(train_csv, work, extra):
    """Leave one lab run out (macro-F1, per-class recall), then each attack
    class kept out of training as well: what share of its flows in the held-out
    run is still alerted, as some attack."""
    result = experiment(train_csv, work, "group", extra)
    model = result["models"][0]
    metrics = model["metrics"]
    print(f"\nlab, leave one run out ({result['folds']} runs), rf: accuracy {metrics['accuracy']:.4f}, "
          f"macro-F1 {metrics['macro']['f1']:.4f}")
    print("  recall by class: " + ", ".join(f"{c['class']} {c['recall']:.3f} ({c['support']})"
                                            for c in metrics["per_class"]))
    classes = result["classes"]
    normal = classes.index("Normal")
    print("  an attack class absent from training (--holdout-class), its flows alerted as some attack:")
    for cls in classes:
        if cls == "Normal":
            continue
        held = experiment(train_csv, work, f"without-{cls}", extra + ["--holdout-class", cls])
        cm = held["models"][0]["confusion_matrix"]
        row = cm["rows_actual_columns_predicted"][cm["classes"].index(cls)]
        total = sum(row)
        print(f"    {cls:16} {share(total - row[normal], total)} of {total}")


if __name__ == "__main__":
    main()
