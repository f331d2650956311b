"""The lab's servers: real daemons from Debian's packages, each with a config
written into the run's work folder, listening only on its host's lab address."""

import os
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def wait_for_port(net, host, port, log=None, timeout=20.0):
    """Waits until a TCP port answers inside the lab (from the host itself)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = net.exec(host.namespace, ["ncat", "-z", "-w", "1", host.ip, str(port)], check=False)
        if r.returncode == 0:
            return
        time.sleep(0.2)
    said = ""
    if log and os.path.exists(log):
        said = ": " + open(log).read()[-600:].strip()
    raise RuntimeError(f"lab: {host.name} does not answer on port {port} after {timeout:.0f} s{said}")


def check_http(net, host, url):
    """A service is up when it answers a real request, not just a connection."""
    r = net.exec(host.namespace, ["curl", "-s", "-k", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", url],
                 check=False)
    if r.stdout.strip() != "200":
        raise RuntimeError(f"lab: {url} answers {r.stdout.strip() or 'nothing'} instead of 200")


class Services:
    def __init__(self, net, work, rng):
        self.net, self.work, self.rng = net, work, rng
        self.logs = os.path.join(work, "logs")
        os.makedirs(self.logs, exist_ok=True)

    def _log(self, name):
        return open(os.path.join(self.logs, name + ".log"), "w")

    def _spawn(self, host, name, args, env=None):
        log = self._log(name)
        return self.net.spawn(host.namespace, args, stdout=log, stderr=subprocess.STDOUT, env=env)

    def mqtt_broker(self, host):
        conf = os.path.join(self.work, "mosquitto.conf")
        write(conf, f"listener 1883 {host.ip}\nallow_anonymous true\npersistence false\nlog_dest stderr\n")
        self._spawn(host, "mosquitto", ["mosquitto", "-c", conf])
        wait_for_port(self.net, host, 1883)

    def coap(self, host):
        self._spawn(host, "coap-server", ["coap-server-notls", "-A", host.ip, "-p", "5683"])
        time.sleep(0.2)

    def web(self, host):
        """nginx with static files (a camera's video chunks, firmware for bulk
        transfers), a small REST endpoint and an upload sink."""
        www = os.path.join(self.work, "www")
        os.makedirs(www, exist_ok=True)
        os.chmod(self.work, 0o755)
        os.chmod(www, 0o755)
        for name, size in (("stream.bin", 2 << 20), ("firmware.bin", 3 << 20), ("index.html", 4000)):
            with open(os.path.join(www, name), "wb") as f:
                f.write(self.rng.randbytes(size))
            os.chmod(os.path.join(www, name), 0o644)
        temp = os.path.join(self.work, "nginx-temp")
        os.makedirs(temp, exist_ok=True)
        cert, key = os.path.join(self.work, "web.crt"), os.path.join(self.work, "web.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=web.lab", "-keyout", key, "-out", cert], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        conf = os.path.join(self.work, "nginx.conf")
        write(conf, f"""daemon off;
worker_processes 1;
pid {self.work}/nginx.pid;
error_log {self.logs}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fcgi;
  uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
  server {{
    listen {host.ip}:80;
    listen {host.ip}:443 ssl;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    root {www};
    location /api/ {{ default_type application/json; return 200 '{{"status":"ok"}}'; }}
    location /upload {{ client_max_body_size 16m; return 204; }}
  }}
}}
""")
        self._spawn(host, "nginx", ["nginx", "-c", conf])
        wait_for_port(self.net, host, 80, os.path.join(self.logs, "nginx.log"))
        check_http(self.net, host, f"http://{host.ip}/index.html")
        check_http(self.net, host, f"https://{host.ip}/api/status")

    def vulnerable_app(self, host, port=8080):
        """A deliberately vulnerable inventory app (SQL injection) for sqlmap;
        its normal use is benign traffic too."""
        self._spawn(host, "vulnapp", ["/usr/bin/python3", os.path.join(HERE, "vulnapp.py"), host.ip, str(port)])
        wait_for_port(self.net, host, port, os.path.join(self.logs, "vulnapp.log"))
        check_http(self.net, host, f"http://{host.ip}:{port}/item?id=3")

    def custom_services(self, host):
        """Vendor protocols on ports of their own: a TCP service that answers a
        request with a few hundred bytes to a few kilobytes, and a UDP one."""
        ports = {"tcp": self.rng.sample(range(2000, 60000), 2), "udp": self.rng.sample(range(2000, 60000), 1)}
        for port in ports["tcp"]:
            size = self.rng.choice([200, 1500, 6000])
            self._spawn(host, f"custom-tcp-{port}", ["socat", f"TCP4-LISTEN:{port},bind={host.ip},fork,reuseaddr",
                                                     f"SYSTEM:head -c {size} /dev/urandom"])
        for port in ports["udp"]:
            self._spawn(host, f"custom-udp-{port}", ["socat", f"UDP4-RECVFROM:{port},bind={host.ip},fork",
                                                     "SYSTEM:head -c 48 /dev/urandom"])
        return ports

    def multicast_listener(self, host):
        """A device listening for mDNS joins its group: IGMP reports."""
        self._spawn(host, f"mdns-listener-{host.name}",
                    ["socat", "-u", "UDP4-RECV:5353,ip-add-membership=224.0.0.251:eth0,reuseaddr", "OPEN:/dev/null"])

    def syslog(self, host):
        """A log collector on UDP 514 (devices send their logs there)."""
        self._spawn(host, "syslog", ["socat", "-u", f"UDP4-RECV:514,bind={host.ip}", "OPEN:/dev/null"])

    def dns(self, host, names):
        args = ["dnsmasq", "-k", "--no-resolv", "--no-hosts", "--bind-interfaces", f"--listen-address={host.ip}",
                "--log-facility=-", "--pid-file=" + os.path.join(self.work, "dnsmasq.pid"), "--user=root"]
        for name, ip in names.items():
            args.append(f"--host-record={name}.lab,{ip}")
        self._spawn(host, "dnsmasq", args)
        time.sleep(0.3)

    def ntp(self, host):
        conf = os.path.join(self.work, "chrony-server.conf")
        write(conf, f"local stratum 8\nallow all\nbindaddress {host.ip}\ncmdport 0\n"
                    f"pidfile {self.work}/chronyd.pid\ndriftfile {self.work}/chrony.drift\n")
        # -x: never touch the clock the lab's namespaces share with the machine.
        self._spawn(host, "chronyd", ["chronyd", "-d", "-x", "-f", conf])
        time.sleep(0.3)

    def ssh(self, host):
        key = os.path.join(self.work, "ssh_host_ed25519_key")
        if not os.path.exists(key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        client_key = os.path.join(self.work, "admin_key")
        if not os.path.exists(client_key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", client_key], check=True)
        write(os.path.join(self.work, "authorized_keys"), open(client_key + ".pub").read())
        os.makedirs("/run/sshd", exist_ok=True)
        conf = os.path.join(self.work, "sshd_config")
        write(conf, f"""ListenAddress {host.ip}
Port 22
HostKey {key}
PidFile {self.work}/sshd.pid
AuthorizedKeysFile {self.work}/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication yes
PermitEmptyPasswords no
KbdInteractiveAuthentication no
UsePAM no
MaxStartups 100:30:200
MaxAuthTries 6
LogLevel ERROR
""")
        self._spawn(host, "sshd", ["/usr/sbin/sshd", "-D", "-e", "-f", conf])
        wait_for_port(self.net, host, 22)
        return client_key

    def ftp(self, host):
        root = os.path.join(self.work, "ftp")
        empty = os.path.join(self.work, "ftp-empty")
        os.makedirs(root, exist_ok=True)
        os.makedirs(empty, exist_ok=True)
        with open(os.path.join(root, "log.tar"), "wb") as f:
            f.write(self.rng.randbytes(1 << 20))
        os.chmod(root, 0o755)
        os.chmod(os.path.join(root, "log.tar"), 0o644)
        conf = os.path.join(self.work, "vsftpd.conf")
        write(conf, f"""listen=YES
listen_address={host.ip}
background=NO
anonymous_enable=YES
anon_root={root}
local_enable=YES
write_enable=NO
ftp_username=nobody
nopriv_user=nobody
secure_chroot_dir={empty}
seccomp_sandbox=NO
pasv_enable=YES
pasv_min_port=40000
pasv_max_port=40100
xferlog_enable=NO
""")
        self._spawn(host, "vsftpd", ["vsftpd", conf])
        wait_for_port(self.net, host, 21)

    def irc(self, host):
        conf = os.path.join(self.work, "ngircd.conf")
        write(conf, f"""[Global]
Name = irc.lab
Info = lab
Listen = {host.ip}
Ports = 6667
PidFile = {self.work}/ngircd.pid
[Limits]
MaxConnectionsIP = 0
[Options]
PAM = no
DNS = no
Ident = no
""")
        self._spawn(host, "ngircd", ["ngircd", "-n", "-f", conf])
        wait_for_port(self.net, host, 6667)
