"""A person's browser on the lab's web apps: one keep-alive connection, a few
requests with reading time between them, then the idle connection closed.
Usage: browser.py HOST PORT http|https SECONDS SEED PATH..."""

import random
import socket
import ssl
import sys
import time

host, port, scheme, seconds, seed, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), \
    int(sys.argv[5]), sys.argv[6:]
rng = random.Random(seed)
end = time.time() + seconds
sock = socket.create_connection((host, port), timeout=10)
if scheme == "https":
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    sock = context.wrap_socket(sock, server_hostname="web.lab")
reader = sock.makefile("rb")
while time.time() < end:
    path = rng.choice(paths)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: web.lab\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
                 f"Accept: text/html,*/*\r\nConnection: keep-alive\r\n\r\n".encode())
    length = 0
    while True:  # headers
        line = reader.readline()
        if not line:
            sys.exit(0)
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
        if line in (b"\r\n", b"\n"):
            break
    reader.read(length)
    time.sleep(min(rng.expovariate(1 / 4.0), max(0.0, end - time.time())))  # reading the page
time.sleep(rng.uniform(0.5, 5.0))  # the tab left open, then closed
sock.close()
