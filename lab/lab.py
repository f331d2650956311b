"""Vigil's traffic lab: an isolated network of IoT-style hosts, real services,
real clients and real attack tools, captured on its bridge and labelled by
construction. Run as root through scripts/lab:
    scripts/lab [--minutes N] [--seed S] --out DIR
writes DIR/capture.pcap, DIR/labels.csv and DIR/manifest.json."""

import argparse
import csv
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks  # noqa: E402
import benign  # noqa: E402
from network import Network  # noqa: E402
from services import Services  # noqa: E402

TOOLS = {  # executable: Debian package, for the manifest's versions and the check below
    "mosquitto": "mosquitto", "mosquitto_pub": "mosquitto-clients", "coap-server-notls": "libcoap3-bin",
    "nginx": "nginx-light", "dnsmasq": "dnsmasq-base", "chronyd": "chrony", "/usr/sbin/sshd": "openssh-server",
    "ssh": "openssh-client", "vsftpd": "vsftpd", "ngircd": "ngircd", "curl": "curl", "busybox": "busybox",
    "nmap": "nmap", "masscan": "masscan", "hping3": "hping3", "slowhttptest": "slowhttptest", "hydra": "hydra",
    "sqlmap": "sqlmap", "ncat": "ncat", "socat": "socat", "openssl": "openssl", "tcpdump": "tcpdump", "nft": "nftables", "tc": "iproute2", "ethtool": "ethtool",
}
LABEL_COLUMNS = ["start", "end", "src", "dst", "proto", "dport", "class", "tool", "detail"]


class Lab:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.stop = threading.Event()
        self.labels = []
        self.lock = threading.Lock()
        self.work = tempfile.mkdtemp(prefix="vigil-lab-")
        os.makedirs(os.path.join(self.work, "home"), exist_ok=True)
        self.tool_env = dict(os.environ, HOME=os.path.join(self.work, "home"))
        self.deadline = None
        self.hosts = {}
        self.attack_logs = 0

    def seconds_left(self):
        return max(0.0, self.deadline - time.time())

    def record(self, start, end, src, dst, proto, dport, label, tool, detail):
        with self.lock:
            self.labels.append([f"{start:.6f}", f"{end:.6f}", src.ip, dst.ip, proto, str(dport), label, tool, detail])

    def attack_log(self, tool):
        """Each attack tool's output, kept in OUT/logs/ for whoever checks a run."""
        with self.lock:
            self.attack_logs += 1
            n = self.attack_logs
        folder = os.path.join(self.args.out, "logs")
        os.makedirs(folder, exist_ok=True)
        return open(os.path.join(folder, f"{n:03d}-{tool.split()[0]}.log"), "w")

    def wordlist(self, kind):
        path = os.path.join(self.work, kind + ".txt")
        if not os.path.exists(path):
            r = random.Random(self.args.seed * 1000 + len(kind))
            base = (["admin", "root", "user", "pi", "ubnt", "support", "guest", "operator", "camera", "iot"]
                    if kind == "users" else
                    ["123456", "password", "admin", "12345", "root", "default", "raspberry", "xc3511", "vizxv",
                     "888888", "hi3518", "jvbzd", "anko", "7ujMko0admin", "system", "letmein"])
            words = base + [f"{r.choice(base)}{r.randint(0, 999)}" for _ in range(20)]
            with open(path, "w") as f:
                f.write("\n".join(words) + "\n")
        return path

    def targets(self, kind):
        h = self.hosts
        devices = h["sensors"] + h["cameras"]
        servers = [h["web"], h["server"], h["broker"], h["infra"]]
        return {"any": servers + devices, "servers": servers, "web": [h["web"]], "server": [h["server"]],
                "devices": devices}[kind]

    # --- the run ------------------------------------------------------------
    def host_settings(self, role):
        r = self.rng
        ttl = r.choice([64, 64, 64, 128, 255]) - r.randint(0, 8)
        mtu = r.choice([1500, 1500, 1500, 1460, 1400, 1280])
        loss = r.choice([0, 0, 0, 1, 2, 5])
        rate = r.choice([0, 0, 2000, 10000]) if role in ("sensor", "camera") else 0
        return dict(ttl=ttl, mtu=mtu, loss_per_mille=loss, rate_kbit=rate)

    def build(self, net):
        add = lambda name, role: net.add_host(name, **self.host_settings(role))
        h = self.hosts
        for name in ("infra", "broker", "web", "server", "dashboard", "admin"):
            h[name] = add(name, "server")
        h["sensors"] = [add(f"sensor{i}", "sensor") for i in range(1, self.rng.randint(5, 10) + 1)]
        h["cameras"] = [add(f"camera{i}", "camera") for i in range(1, self.rng.randint(1, 3) + 1)]
        h["laptops"] = [add(f"laptop{i}", "laptop") for i in range(1, self.rng.randint(2, 3) + 1)]
        h["attackers"] = [add(f"attacker{i}", "attacker") for i in (1, 2)]
        # The gateway to a cloud that is never there: hosts route to it and it
        # forwards nothing, as a network whose uplink is down; the devices'
        # retries towards documentation addresses (TEST-NET) end there.
        h["gateway"] = net.add_host("gateway", index=1, **self.host_settings("server"))
        for name, host in net.hosts.items():
            if name != "gateway":
                net.exec(host.namespace, ["ip", "route", "add", "default", "via", h["gateway"].ip])
        ports = {"web": [80, 8080], "server": [22, 21], "broker": [1883], "infra": [53]}
        for name, host in net.hosts.items():
            host.tcp_ports = ports.get(name, [80, 23, 8080])

    def start_services(self, net):
        s = Services(net, self.work, self.rng)
        h = self.hosts
        s.dns(h["infra"], {n: h[n].ip for n in ("broker", "web", "server")} | {"time": h["infra"].ip})
        s.ntp(h["infra"])
        s.syslog(h["infra"])
        s.mqtt_broker(h["broker"])
        s.coap(h["broker"])
        s.web(h["web"])
        s.vulnerable_app(h["web"])
        self.admin_key = s.ssh(h["server"])
        s.ftp(h["server"])
        for attacker in h["attackers"]:
            s.irc(attacker)  # the botnet's C&C server
        self.custom_ports = s.custom_services(h["server"])
        for device in h["sensors"] + h["cameras"] + h["laptops"]:
            s.multicast_listener(device)

    def run(self, net):
        self.net = net
        capture = os.path.join(self.args.out, "capture.pcap")
        tcpdump_log = open(os.path.join(self.work, "tcpdump.log"), "w+")
        tcpdump = net.spawn(net.switch, ["tcpdump", "-i", "br0", "-n", "-s", "0", "-B", "65536", "-U", "-w", capture],
                            stderr=tcpdump_log)
        time.sleep(1.0)
        seconds = self.args.minutes * 60
        self.deadline = time.time() + seconds
        started = time.time()
        length = (3.0, 10.0) if seconds <= 180 else (8.0, 30.0)
        threads = benign.behaviours(self, self.hosts, self.rng)
        threads += [attacks.Attacker(self, a, self.rng.getrandbits(32), length) for a in self.hosts["attackers"]]
        for t in threads:
            t.start()
        progress = sys.stderr.isatty() and not self.args.quiet
        while time.time() < self.deadline:
            time.sleep(min(1.0, self.seconds_left()))
            if progress:
                print(f"\rlab: {time.time() - started:5.0f} s of {seconds:.0f}, {len(self.labels)} records",
                      end="", file=sys.stderr)
        if progress:
            print(file=sys.stderr)
        self.stop.set()
        for t in threads:
            t.join(timeout=30)
        time.sleep(2.0)  # the last replies reach the capture
        net.stop(tcpdump, sig=signal.SIGINT, wait=10)
        tcpdump_log.seek(0)
        return started, time.time(), tcpdump_log.read()

    def record_link_traffic(self, started, ended, net):
        """IPv6 link-local traffic (neighbour discovery, listener reports) and
        IGMP are benign and come from every host but the attackers, whose
        IPv6 chatter is benign too: no attack here uses IPv6."""
        for host in net.hosts.values():
            self.record(started, ended, types.SimpleNamespace(ip=host.ip6), types.SimpleNamespace(ip="*"), "*", "*",
                        "Normal", "ipv6 link-local", "neighbour discovery, listener reports")
            if host.name.startswith(("sensor", "camera", "laptop")):
                self.record(started, ended, host, types.SimpleNamespace(ip="224.0.0.22"), "igmp", "*", "Normal",
                            "igmp", "multicast membership reports")
        self.record(started, ended, types.SimpleNamespace(ip="::"), types.SimpleNamespace(ip="*"), "*", "*", "Normal",
                    "ipv6 link-local", "duplicate address detection")

    def write_outputs(self, started, ended, tcpdump_stats, net):
        self.record_link_traffic(started, ended, net)
        self.labels.sort(key=lambda row: float(row[0]))
        labels_path = os.path.join(self.args.out, "labels.csv")
        with open(labels_path + ".tmp", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(LABEL_COLUMNS)
            w.writerows(self.labels)
        os.replace(labels_path + ".tmp", labels_path)
        manifest = {
            "seed": self.args.seed, "minutes": self.args.minutes, "started": started, "ended": ended,
            "subnet": net.subnet_prefix + ".0/24", "kernel": platform.release(),
            "hosts": [h.describe() for h in net.hosts.values()],
            "roles": {k: ([x.name for x in v] if isinstance(v, list) else v.name) for k, v in self.hosts.items()},
            "scenario": {"benign": sorted({row[7] for row in self.labels if row[6] == "Normal"}),
                         "attacks": [dict(zip(LABEL_COLUMNS, row)) for row in self.labels if row[6] != "Normal"]},
            "classes": sorted({row[6] for row in self.labels}),
            "tcpdump": [line for line in tcpdump_stats.splitlines() if "packets" in line],
            "tools": tool_versions(),
            "not_modelled": "propagation delay and jitter (the kernel here has no netem): every round trip is "
                            "microseconds; loss, rate limits, TTLs and MTUs vary per host",
        }
        path = os.path.join(self.args.out, "manifest.json")
        with open(path + ".tmp", "w") as f:
            json.dump(manifest, f, indent=2)
        os.replace(path + ".tmp", path)


def tool_versions():
    out = {}
    for package in sorted(set(TOOLS.values())):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        out[package] = r.stdout.strip() or "unknown"
    return out


def main():
    p = argparse.ArgumentParser(description="Vigil's labelled traffic lab (run as root)")
    p.add_argument("--minutes", type=float, default=10.0, help="length of the run (default 10)")
    p.add_argument("--seed", type=int, default=1, help="seed of the scenario: hosts, timings, tool options")
    p.add_argument("--out", required=True, help="folder for capture.pcap, labels.csv and manifest.json")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("lab: must run as root (it creates network namespaces)")
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        sys.exit("lab: missing tools: " + ", ".join(missing) + " (scripts/lab installs them)")
    if args.minutes <= 0:
        sys.exit("lab: --minutes must be positive")
    os.makedirs(args.out, exist_ok=True)
    # Ctrl-C and SIGTERM both end in the teardown below.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    lab = Lab(args)
    subnet = f"10.{lab.rng.randint(16, 250)}.{lab.rng.randint(0, 255)}"
    prefix = f"vl{os.getpid() % 100000:05d}"
    try:
        with Network(prefix, subnet) as net:
            lab.build(net)
            lab.start_services(net)
            started, ended, stats = lab.run(net)
            lab.write_outputs(started, ended, stats, net)
    except KeyboardInterrupt:
        sys.exit("lab: stopped; the lab's namespaces are removed")
    finally:
        shutil.rmtree(lab.work, ignore_errors=True)
    attacks_run = sum(1 for row in lab.labels if row[6] != "Normal")
    if not args.quiet:
        print(f"lab: {ended - started:.0f} s, {len(net.hosts)} hosts, {attacks_run} attacks, "
              f"{len(lab.labels)} label records in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
