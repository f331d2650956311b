"""A Mirai-style IRC bot for the lab's C&C scenario: joins the botmaster's
channel, answers PINGs, beacons its status and echoes the commands it is given.
Usage: ircbot.py SERVER PORT NICK SECONDS BEACON_SECONDS"""

import socket
import sys
import time

server, port, nick, seconds, beacon = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
end = time.time() + seconds
s = socket.create_connection((server, port), timeout=5)
s.settimeout(0.5)
s.sendall(f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\nJOIN #c2\r\n".encode())
next_beacon = time.time() + beacon
buffer = b""
while time.time() < end:
    try:
        data = s.recv(4096)
        if not data:
            break
        buffer += data
        while b"\r\n" in buffer:
            line, buffer = buffer.split(b"\r\n", 1)
            if line.startswith(b"PING"):
                s.sendall(b"PONG" + line[4:] + b"\r\n")
    except socket.timeout:
        pass
    if time.time() >= next_beacon:
        s.sendall(f"PRIVMSG #c2 :{nick} up load=0.{int(time.time()) % 97} scan=idle\r\n".encode())
        next_beacon = time.time() + beacon
s.sendall(b"QUIT :bye\r\n")
s.close()
