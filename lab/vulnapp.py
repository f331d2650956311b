"""A deliberately vulnerable inventory web app for the lab's Exploits scenario:
/item?id=N builds its SQL by string formatting, so sqlmap finds an injection.
It listens only on the lab address it is given and holds only made-up rows."""

import http.server
import random
import sqlite3
import sys
import time
import urllib.parse

# A real web app's pages carry a layout around their data, and each request
# takes the app and its database some milliseconds.
rng = random.Random(int(sys.argv[2]))
LAYOUT = ("<!doctype html><html><head><title>Inventory</title><style>" +
          "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px;color:#{i * 4093 % 0xffffff:06x}}}" for i in range(60)) +
          "</style></head><body><nav>" + "".join(f"<a href='/item?id={i}'>item {i}</a> " for i in range(1, 41)) +
          "</nav><main>@BODY@</main><footer>inventory v2.3</footer></body></html>")

db = sqlite3.connect(":memory:", check_same_thread=False)
db.executescript("""
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, firmware TEXT, owner TEXT);
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, password TEXT);
""")
for i in range(1, 41):
    db.execute("INSERT INTO items VALUES (?, ?, ?, ?)", (i, f"sensor-{i}", f"1.{i % 7}.{i % 3}", f"room-{i % 9}"))
for i, name in enumerate(["admin", "operator", "guest"], 1):
    db.execute("INSERT INTO users VALUES (?, ?, ?)", (i, name, f"secret{i}"))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        time.sleep(rng.uniform(0.01, 0.12))
        data = LAYOUT.replace("@BODY@", body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/":
            return self.reply(200, "<p>inventory</p>")
        if url.path != "/item":
            return self.reply(404, "not found")
        item = urllib.parse.parse_qs(url.query).get("id", ["1"])[0]
        try:
            rows = db.execute(f"SELECT id, name, firmware, owner FROM items WHERE id = {item}").fetchall()  # the flaw
        except sqlite3.Error as e:
            return self.reply(500, f"<p>database error: {e}</p>")
        cells = "".join(f"<tr><td>{'</td><td>'.join(map(str, r))}</td></tr>" for r in rows)
        self.reply(200, f"<table>{cells}</table>")


http.server.ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
