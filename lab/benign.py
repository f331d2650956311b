"""Benign behaviours: IoT devices and people using the lab's services, each a
loop with random pauses drawn from the run's seed, until the run ends. Each
behaviour is one label record: its client, its server and the time it ran."""

import os
import random
import subprocess
import threading
import time

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

    for sensor in hosts["sensors"]:
        qos = str(rng.choice([0, 0, 1, 2]))
        period = rng.uniform(1.0, 6.0)
        topic = f"home/{sensor.name}/reading"
        add("mqtt publish", sensor, broker, "tcp", 1883,
            lambda r, t=topic, q=qos: ["mosquitto_pub", "-h", broker.ip, "-q", q, "-t", t, "-m",
                                       f"{r.uniform(15, 30):.2f}"], (period * 0.5, period * 1.5))
        add("dns lookup", sensor, infra, "udp", 53,
            lambda r: ["busybox", "nslookup", r.choice(["broker.lab", "web.lab", "server.lab", "time.lab"]),
                       infra.ip], (8.0, 30.0))
        add("ntp query", sensor, infra, "udp", 123,
            lambda r: ["chronyd", "-Q", "-t", "4", f"server {infra.ip} iburst maxsamples 2", "cmdport 0",
                       f"pidfile {lab.work}/chrony-{r.getrandbits(24)}.pid"], (15.0, 60.0))
        if rng.random() < 0.5:
            add("coap get", sensor, broker, "udp", 5683,
                lambda r: ["coap-client-notls", "-m", "get", "-B", "3",
                           f"coap://{broker.ip}/{r.choice(['time', '.well-known/core'])}"], (3.0, 12.0))
    # Long-lived subscriptions: one flow that lasts the whole run.
    dashboard = hosts["dashboard"]
    add("mqtt subscribe", dashboard, broker, "tcp", 1883,
        lambda r: ["mosquitto_sub", "-h", broker.ip, "-t", "home/#", "-W", str(int(r.uniform(20, 90)))], (0.5, 2.0))
    add("rest polling", dashboard, web, "tcp", 80,
        lambda r: ["curl", "-s", "-o", "/dev/null", f"http://{web.ip}/api/status?since={r.getrandbits(16)}"],
        (1.0, 5.0))
    add("inventory app", dashboard, web, "tcp", 8080,
        lambda r: ["curl", "-s", "-o", "/dev/null", f"http://{web.ip}:8080/item?id={r.randint(1, 40)}"], (2.0, 10.0))
    for camera in hosts["cameras"]:
        rate = f"{rng.choice([200, 500, 1000, 2000])}k"
        add("camera stream", camera, web, "tcp", 80,
            lambda r, rate=rate: ["curl", "-s", "-o", "/dev/null", "--limit-rate", rate, "-r",
                                  f"0-{r.randint(100_000, 2_000_000)}", f"http://{web.ip}/stream.bin"], (1.0, 8.0))
        add("snapshot upload", camera, web, "tcp", 80,
            lambda r: ["curl", "-s", "-o", "/dev/null", "--data-binary", f"@{lab.work}/www/index.html",
                       f"http://{web.ip}/upload"], (5.0, 20.0))
    admin = hosts["admin"]
    ssh = ["ssh", "-q", "-i", lab.admin_key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
           "-o", "BatchMode=yes", f"root@{server.ip}"]
    add("ssh admin session", admin, server, "tcp", 22,
        lambda r: ssh + [r.choice(["uptime", "df -h", "ls /etc", "cat /proc/loadavg; sleep 2; cat /proc/meminfo",
                                   "head -c 300000 /dev/zero"])], (8.0, 30.0))
    add("ftp download", admin, server, "tcp", "*",
        lambda r: ["curl", "-s", "-o", "/dev/null", f"ftp://{server.ip}/log.tar"], (10.0, 40.0))
    add("firmware download", admin, web, "tcp", 80,
        lambda r: ["curl", "-s", "-o", "/dev/null", f"http://{web.ip}/firmware.bin"], (20.0, 60.0))
    return out
