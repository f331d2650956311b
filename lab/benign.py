"""Benign behaviours: IoT devices and people using the lab's services, each a
loop with random pauses drawn from the run's seed, until the run ends. Each
behaviour is one label record: its client, its server and the time it ran."""

import os
import random
import subprocess
import struct
import threading
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))


class Behaviour(threading.Thread):
    """Repeats `step` (a command list, from a random generator) with pauses."""

    def __init__(self, lab, name, client, server, proto, dport, step, pause, seed):
        super().__init__(daemon=True)
        self.lab, self.name, self.client, self.server = lab, name, client, server
        self.proto, self.dport, self.step, self.pause = proto, dport, step, pause
        self.rng = random.Random(seed)
        self.runs = 0

    def run(self):
        start = time.time()
        # Devices do not all start at once.
        self.lab.stop.wait(self.rng.uniform(0, min(5.0, self.pause[1])))
        while not self.lab.stop.is_set():
            args = self.step(self.rng)
            try:
                subprocess.run(["ip", "netns", "exec", self.client.namespace] + args, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=max(1.0, self.lab.seconds_left()), env=self.lab.tool_env)
            except subprocess.TimeoutExpired:
                pass
            self.runs += 1
            self.lab.stop.wait(self.rng.uniform(*self.pause))
        self.lab.record(start, time.time(), self.client, self.server, self.proto, self.dport, "Normal", self.name,
                        f"{self.runs} runs")


def behaviours(lab, hosts, rng):
    """The run's benign behaviours: which device does what, how often."""
    web, broker, infra, server = hosts["web"], hosts["broker"], hosts["infra"], hosts["server"]
    out = []

    def add(name, client, target, proto, dport, step, pause):
        out.append(Behaviour(lab, name, client, target, proto, dport, step, pause, rng.getrandbits(32)))

    ssdp = types.SimpleNamespace(ip="239.255.255.250")
    mdns = types.SimpleNamespace(ip="224.0.0.251")
    announcements = write_announcements(lab.work)
    names = ["broker.lab", "web.lab", "server.lab", "time.lab", "api.cloud.lab", "fw-update.vendor.lab",
             "telemetry.vendor.lab", "pool.ntp.lab"]
    devices = hosts["sensors"] + hosts["cameras"]

    # Steps several kinds of host take: a command line from the behaviour's generator.
    def dns_lookup(server_ip, timeout=None):
        wrap = ["timeout", str(timeout)] if timeout else []
        return lambda r: wrap + ["busybox", "nslookup", r.choice(names), server_ip]

    def ntp_query(server_ip, seconds=4, samples=2):
        return lambda r: ["chronyd", "-Q", "-t", str(seconds), f"server {server_ip} iburst maxsamples {samples}",
                          "cmdport 0", f"pidfile {lab.work}/chrony-{r.getrandbits(24)}.pid"]

    def mdns_query(r):
        return ["socat", "-u", f"OPEN:{announcements['mdns']}", "UDP4-DATAGRAM:224.0.0.251:5353"]

    def inventory_request(r):
        return ["curl", "-s", "-o", "/dev/null", f"http://{web.ip}:8080/item?id={r.randint(1, 40)}"]

    for sensor in hosts["sensors"]:
        qos = str(rng.choice([0, 0, 1, 2]))
        period = rng.uniform(1.0, 6.0)
        topic = f"home/{sensor.name}/reading"
        if rng.random() < 0.5:  # one message a connection
            add("mqtt publish", sensor, broker, "tcp", 1883,
                lambda r, t=topic, q=qos: ["mosquitto_pub", "-h", broker.ip, "-q", q, "-t", t, "-m",
                                           f"{r.uniform(15, 30):.2f}"], (period * 0.5, period * 1.5))
        else:  # a connection held open for minutes, with keepalives
            add("mqtt persistent publish", sensor, broker, "tcp", 1883,
                lambda r, t=topic, q=qos, p=period: [
                    "timeout", str(r.randint(30, 200)), "sh", "-c",
                    f"while :; do echo $(( $(date +%s) % 97 )); sleep {p:.1f}; done | "
                    f"mosquitto_pub -l -h {broker.ip} -q {q} -k {r.choice([10, 30, 60])} -t {t}"], (0.5, 3.0))
        add("dns lookup", sensor, infra, "udp", 53, dns_lookup(infra.ip), (8.0, 30.0))
        add("syslog", sensor, infra, "udp", 514,
            lambda r, n=sensor.name: ["sh", "-c", f"echo '<14>{n}: reading ok {r.getrandbits(16)}' | "
                                                  f"busybox nc -u -w 1 {infra.ip} 514"], (10.0, 60.0))
        add("ntp query", sensor, infra, "udp", 123, ntp_query(infra.ip), (15.0, 60.0))
        if rng.random() < 0.5:
            add("coap get", sensor, broker, "udp", 5683,
                lambda r: ["coap-client-notls", "-m", "get", "-B", "3",
                           f"coap://{broker.ip}/{r.choice(['time', '.well-known/core'])}"], (3.0, 12.0))
    for device in devices:
        add("ssdp announcement", device, ssdp, "udp", 1900,
            lambda r: ["socat", "-u", f"OPEN:{announcements['ssdp']}", "UDP4-DATAGRAM:239.255.255.250:1900"],
            (20.0, 90.0))
        add("mdns query", device, mdns, "udp", 5353, mdns_query, (20.0, 120.0))
        add("https telemetry", device, web, "tcp", 443,
            lambda r: ["curl", "-s", "-k", "-o", "/dev/null", "--data-binary", f'{{"t":{r.uniform(15, 30):.1f}}}',
                       f"https://{web.ip}/api/telemetry"], (10.0, 45.0))
    # Long-lived subscriptions: one flow that lasts the whole run.
    dashboard = hosts["dashboard"]
    for device in devices:
        add("ping monitoring", dashboard, device, "icmp", "*",
            lambda r, d=device: ["busybox", "ping", "-c", str(r.randint(1, 3)), "-W", "1", d.ip], (10.0, 40.0))
    add("https dashboard", dashboard, web, "tcp", 443,
        lambda r: ["curl", "-s", "-k", "-o", "/dev/null", f"https://{web.ip}/index.html"], (2.0, 8.0))
    add("mqtt subscribe", dashboard, broker, "tcp", 1883,
        lambda r: ["mosquitto_sub", "-h", broker.ip, "-t", "home/#", "-W", str(int(r.uniform(20, 90)))], (0.5, 2.0))
    add("rest polling", dashboard, web, "tcp", 80,
        lambda r: ["curl", "-s", "-o", "/dev/null", f"http://{web.ip}/api/status?since={r.getrandbits(16)}"],
        (1.0, 5.0))
    add("inventory app", dashboard, web, "tcp", 8080, inventory_request, (2.0, 10.0))
    for camera in hosts["cameras"]:
        rate = f"{rng.choice([200, 500, 1000, 2000])}k"
        add("camera stream", camera, web, "tcp", 80,
            lambda r, rate=rate: ["curl", "-s", "-o", "/dev/null", "--limit-rate", rate, "-r",
                                  f"0-{r.randint(50_000, 600_000)}", f"http://{web.ip}/stream.bin"], (1.0, 8.0))
        add("snapshot upload", camera, web, "tcp", 80,
            lambda r: ["curl", "-s", "-o", "/dev/null", "--data-binary", f"@{lab.work}/www/index.html",
                       f"http://{web.ip}/upload"], (5.0, 20.0))
    server_ports = lab.custom_ports
    cloud = [types.SimpleNamespace(ip=f"203.0.113.{rng.randint(1, 254)}") for _ in range(2)]
    resolver = types.SimpleNamespace(ip="198.51.100.53")
    for device in devices + hosts["laptops"]:
        port = rng.choice(server_ports["tcp"])
        add("vendor protocol", device, server, "tcp", port,
            lambda r, p=port: ["sh", "-c", f"head -c {r.randint(20, 400)} /dev/urandom | "
                                           f"socat -t {r.choice([1, 2, 5])} - TCP4:{server.ip}:{p}"], (5.0, 40.0))
        uport = server_ports["udp"][0]
        add("vendor udp", device, server, "udp", uport,
            lambda r, p=uport: ["sh", "-c", f"head -c {r.randint(8, 200)} /dev/urandom | "
                                            f"socat -t 1 - UDP4:{server.ip}:{p}"], (5.0, 40.0))
        if rng.random() < 0.5:  # a device whose cloud is unreachable keeps retrying
            target = rng.choice(cloud)
            add("unreachable cloud", device, target, "tcp", "*",
                lambda r, t=target: ["curl", "-s", "-m", str(r.choice([3, 6, 10])), "-o", "/dev/null",
                                     f"{r.choice(['http', 'https'])}://{t.ip}/"], (20.0, 90.0))
            add("unanswered ntp", device, target, "udp", 123, ntp_query(target.ip, 3, 1), (30.0, 120.0))
            add("unanswered dns", device, resolver, "udp", 53, dns_lookup(resolver.ip, timeout=4), (30.0, 120.0))
    # People on laptops: browsing the local web apps, name lookups, time.
    for laptop in hosts["laptops"]:
        add("https browsing", laptop, web, "tcp", 443,
            lambda r: ["curl", "-s", "-k", "-o", "/dev/null", "-r", f"0-{r.randint(2_000, 300_000)}",
                       f"https://{web.ip}/{r.choice(['index.html', 'stream.bin', 'api/status'])}"], (0.5, 6.0))
        add("http browsing", laptop, web, "tcp", 80,
            lambda r: ["curl", "-s", "-o", "/dev/null", "-r", f"0-{r.randint(2_000, 100_000)}",
                       f"http://{web.ip}/{r.choice(['index.html', 'stream.bin', 'api/status'])}"], (1.0, 10.0))
        add("browsing session", laptop, web, "tcp", 80,
            lambda r: ["/usr/bin/python3", os.path.join(HERE, "browser.py"), web.ip, "80", "http",
                       str(r.uniform(3, 40)), str(r.getrandbits(32)), "/index.html", "/api/status", "/"],
            (2.0, 15.0))
        add("https browsing session", laptop, web, "tcp", 443,
            lambda r: ["/usr/bin/python3", os.path.join(HERE, "browser.py"), web.ip, "443", "https",
                       str(r.uniform(3, 40)), str(r.getrandbits(32)), "/index.html", "/api/status"],
            (2.0, 15.0))
        add("inventory browsing session", laptop, web, "tcp", 8080,
            lambda r: ["/usr/bin/python3", os.path.join(HERE, "browser.py"), web.ip, "8080", "http",
                       str(r.uniform(3, 30)), str(r.getrandbits(32))] + [f"/item?id={i}" for i in range(1, 41)],
            (5.0, 20.0))
        add("inventory app", laptop, web, "tcp", 8080, inventory_request, (3.0, 20.0))
        add("dns lookup", laptop, infra, "udp", 53, dns_lookup(infra.ip), (2.0, 12.0))
        add("ntp query", laptop, infra, "udp", 123, ntp_query(infra.ip), (30.0, 120.0))
        add("mdns query", laptop, mdns, "udp", 5353, mdns_query, (10.0, 60.0))
    admin = hosts["admin"]
    ssh = ["ssh", "-q", "-i", lab.admin_key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
           "-o", "BatchMode=yes", f"root@{server.ip}"]
    add("ssh admin session", admin, server, "tcp", 22,
        lambda r: ssh + [r.choice(["uptime", "df -h", "ls /etc", "cat /proc/loadavg; sleep 2; cat /proc/meminfo",
                                   "head -c 300000 /dev/zero"])], (8.0, 30.0))
    add("ftp download", admin, server, "tcp", "*",
        lambda r: ["curl", "-s", "-o", "/dev/null", f"ftp://{server.ip}/log.tar"], (10.0, 40.0))
    add("firmware download", admin, web, "tcp", 80,
        lambda r: ["curl", "-s", "-o", "/dev/null", f"http://{web.ip}/firmware.bin"], (60.0, 180.0))
    # Stale configuration: a client still asking for a service that moved.
    add("stale service", admin, server, "tcp", "*",
        lambda r: ["curl", "-s", "-m", "2", "-o", "/dev/null", f"http://{server.ip}:{r.choice([8081, 8443, 9000])}/"],
        (30.0, 90.0))
    return out


def write_announcements(work):
    """The payloads of a device's SSDP NOTIFY and mDNS query, as files for socat."""
    ssdp = os.path.join(work, "ssdp.txt")
    with open(ssdp, "w") as f:
        f.write("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
                "NT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: Linux/4.9 UPnP/1.0 iot/1.0\r\n\r\n")
    mdns = os.path.join(work, "mdns.bin")
    name = b"".join(bytes([len(p)]) + p for p in (b"_hap", b"_tcp", b"local")) + b"\x00"
    with open(mdns, "wb") as f:
        f.write(struct.pack("!HHHHHH", 0, 0, 1, 0, 0, 0) + name + struct.pack("!HH", 12, 1))
    return {"ssdp": ssdp, "mdns": mdns}
