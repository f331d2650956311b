#!/usr/bin/python3
"""Memory and time of `vigil extract` under a flood of first fragments that
never complete, from random sources (each one a new flow and a new pending
fragment entry), against the bound of --max-flows x bytes per flow.

    bench/fragment_flood.py [VIGIL] [PACKETS] [MAX_FLOWS]

Defaults: build/vigil, 2,000,000 packets, a cap of 100,000 flows. The capture
is written once to /tmp/vigil-fragment-flood-PACKETS.pcap. Peak memory comes
from the kernel (ru_maxrss of the child); the program's own footprint is the
same run with a cap of one flow.
"""
import os
import random
import re
import resource
import struct
import subprocess
import sys
import time


def build(path, packets):
    rng = random.Random(7)
    eth = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"
    udp = struct.pack("!HHHH", 7000, 7001, 16, 0) + b"x" * 8
    with open(path + ".partial", "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        chunk = []
        for i in range(packets):
            # More fragments follow (0x2000), offset 0: they never come.
            ip = struct.pack("!BBHHHBBHI4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0x2000, 64, 17, 0,
                             rng.getrandbits(32), bytes([10, 0, 0, 2]))
            frame = eth + ip + udp
            t = 1_700_000_000 + i * 1e-5
            chunk.append(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(frame), len(frame)) + frame)
            if len(chunk) == 100_000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
    os.rename(path + ".partial", path)


def run(vigil, path, max_flows):
    """(seconds, peak resident KiB, vigil's summary line) of one extract run."""
    started = time.monotonic()
    child = subprocess.Popen([vigil, "extract", "--pcap", path, "--max-flows", str(max_flows),
                              "--out", "/dev/null"], stderr=subprocess.PIPE, text=True)
    _, err = child.communicate()
    seconds = time.monotonic() - started
    status = child.returncode
    summary = next((line for line in err.splitlines() if line.startswith("extract:")), err.strip())
    if status != 0:
        sys.exit(f"vigil extract failed ({status}): {err.strip()}")
    return seconds, summary


def peak_kib(vigil, path, max_flows):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds, summary = run(vigil, path, max_flows)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(before, after), summary


def main():
    vigil = sys.argv[1] if len(sys.argv) > 1 else "build/vigil"
    packets = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000
    max_flows = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    path = f"/tmp/vigil-fragment-flood-{packets}.pcap"
    if not os.path.exists(path):
        print(f"building {path}", file=sys.stderr)
        build(path, packets)
    help_text = subprocess.run([vigil, "extract", "--help"], capture_output=True, text=True).stdout
    per_flow = int(re.search(r"each takes at most (\d+) bytes", help_text).group(1))
    # ru_maxrss of children is the largest child so far: the small run first.
    _, baseline, _ = peak_kib(vigil, path, 1)
    seconds, peak, summary = peak_kib(vigil, path, max_flows)
    held = (peak - baseline) * 1024
    print(f"fragment flood: {packets} first fragments from random sources, cap {max_flows} flows")
    print(f"  {summary}")
    print(f"  {seconds:.1f} s, {packets / seconds:,.0f} packets/s")
    print(f"  peak resident {peak / 1024:.0f} MiB; program with one flow {baseline / 1024:.0f} MiB")
    print(f"  held by flows and pending fragments: {held / max_flows:,.0f} bytes per flow "
          f"(bound: {per_flow} bytes per flow) -> within bound: {'yes' if held <= per_flow * max_flows else 'NO'}")


if __name__ == "__main__":
    main()
