"""The lab's isolated network: one namespace per host, joined by veth pairs to a
bridge in a switch namespace of its own. No namespace has a default route, and
the root namespace holds no lab interface, so nothing can leave the lab."""

import os
import signal
import subprocess
import time


def run(args, check=True, **kwargs):
    return subprocess.run(args, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


class Host:
    def __init__(self, name, namespace, ip, mac, ttl, mtu, loss_per_mille, rate_kbit):
        self.name, self.namespace, self.ip, self.mac = name, namespace, ip, mac
        self.ttl, self.mtu, self.loss_per_mille, self.rate_kbit = ttl, mtu, loss_per_mille, rate_kbit

    def describe(self):
        return {"name": self.name, "ip": self.ip, "ttl": self.ttl, "mtu": self.mtu,
                "loss_per_mille": self.loss_per_mille, "rate_kbit": self.rate_kbit}


def link_local(mac):
    """The kernel's EUI-64 link-local address for a MAC address."""
    b = [int(x, 16) for x in mac.split(":")]
    b[0] ^= 0x02
    words = [(b[0] << 8) | b[1], (b[2] << 8) | 0xff, 0xfe00 | b[3], (b[4] << 8) | b[5]]
    return "fe80::" + ":".join(f"{w:x}" for w in words)


class Network:
    """Creates the namespaces on entry and removes them (and every process in
    them) on exit, whatever happened in between."""

    def __init__(self, prefix, subnet_prefix):
        self.prefix = prefix            # e.g. "vl4711": namespace and interface names start with it
        self.subnet_prefix = subnet_prefix  # e.g. "10.77.3": hosts are .2, .3, ...
        self.switch = prefix + "-sw"
        self.hosts = {}
        self.processes = []

    # --- set-up -----------------------------------------------------------
    def __enter__(self):
        self._netns("add", self.switch)
        self.exec(self.switch, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"])
        self.exec(self.switch, ["sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"])
        self.exec(self.switch, ["ip", "link", "set", "lo", "up"])
        self.exec(self.switch, ["ip", "link", "add", "br0", "type", "bridge"])
        self.exec(self.switch, ["ip", "link", "set", "br0", "up"])
        return self

    def add_host(self, name, ttl, mtu, loss_per_mille, rate_kbit, index=None):
        index = index if index is not None else len(self.hosts) + 2
        namespace = f"{self.prefix}-{name}"
        ip = f"{self.subnet_prefix}.{index}"
        inner, outer = f"{self.prefix}h{index}", f"{self.prefix}s{index}"
        self._netns("add", namespace)
        run(["ip", "link", "add", inner, "type", "veth", "peer", "name", outer])
        run(["ip", "link", "set", inner, "netns", namespace])
        run(["ip", "link", "set", outer, "netns", self.switch])
        ns = lambda *args: self.exec(namespace, list(args))
        # IPv6 stays on: link-local addresses, neighbour discovery, router
        # solicitations and multicast listener reports are part of every
        # real network's benign traffic.
        ns("ip", "link", "set", inner, "name", "eth0")
        # Frames as a wire carries them: without segmentation offloads, veth
        # would hand the bridge (and the capture) 64 KB TCP super-packets.
        ns("ethtool", "-K", "eth0", "tso", "off", "gso", "off", "gro", "off")
        self.exec(self.switch, ["ethtool", "-K", outer, "tso", "off", "gso", "off", "gro", "off"])
        self.exec(self.switch, ["ip", "link", "set", outer, "mtu", "1500", "master", "br0", "up"])
        ns("ip", "link", "set", "lo", "up")
        ns("ip", "link", "set", "eth0", "mtu", str(mtu), "up")
        ns("ip", "addr", "add", f"{ip}/24", "dev", "eth0")
        # Multicast stays on the lab's link (SSDP and mDNS announcements); there
        # is still no default route.
        ns("ip", "route", "add", "224.0.0.0/4", "dev", "eth0")
        ns("sysctl", "-q", "-w", f"net.ipv4.ip_default_ttl={ttl}")
        if loss_per_mille > 0:
            ns("nft", f"add table inet lab; add chain inet lab in {{ type filter hook input priority 0; }}; "
                      f"add rule inet lab in numgen random mod 1000 < {loss_per_mille} drop")
        if rate_kbit > 0:
            ns("tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", f"{rate_kbit}kbit",
               "burst", "32kbit", "latency", "100ms")
        mac = run(["ip", "netns", "exec", namespace, "cat", "/sys/class/net/eth0/address"]).stdout.strip()
        host = Host(name, namespace, ip, mac, ttl, mtu, loss_per_mille, rate_kbit)
        host.ip6 = link_local(mac)
        self.hosts[name] = host
        return host

    # --- processes --------------------------------------------------------
    def exec(self, namespace, args, **kwargs):
        return run(["ip", "netns", "exec", namespace] + args, **kwargs)

    def spawn(self, namespace, args, stdin=None, stdout=None, stderr=None, env=None):
        """Starts a process in a namespace, in a process group of its own so
        that teardown can stop it and its children."""
        proc = subprocess.Popen(["ip", "netns", "exec", namespace] + args, stdin=stdin or subprocess.DEVNULL,
                                stdout=stdout or subprocess.DEVNULL, stderr=stderr or subprocess.DEVNULL,
                                start_new_session=True, env=env)
        self.processes.append(proc)
        return proc

    def stop(self, proc, sig=signal.SIGTERM, wait=3.0):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()

    # --- teardown ---------------------------------------------------------
    def __exit__(self, *exc):
        self.teardown()
        return False

    def teardown(self):
        for proc in reversed(self.processes):
            self.stop(proc, wait=1.0)
        for namespace in self.namespaces():
            # Anything still running inside (a daemon that forked away) goes too.
            pids = run(["ip", "netns", "pids", namespace], check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            for _ in range(20):
                if run(["ip", "netns", "del", namespace], check=False).returncode == 0:
                    break
                time.sleep(0.1)

    def namespaces(self):
        listed = run(["ip", "netns", "list"], check=False).stdout.split("\n")
        names = [line.split()[0] for line in listed if line.strip()]
        return [n for n in names if n.startswith(self.prefix + "-")]

    def _netns(self, verb, namespace):
        run(["ip", "netns", verb, namespace])
