#!/usr/bin/env python3
"""Writes experiments/images/shapes32: 48 small RGB PNGs (32x32) in two class folders, `discs` and
`stripes`, from a fixed seed, so that the image-folder specs (experiments/cifar_ae.yaml) have
committed data to replay on without any download. Pure Python (zlib): the same bytes everywhere.

    python3 scripts/make-image-folder.py [OUT]      # default: experiments/images/shapes32
"""
import math
import os
import struct
import sys
import zlib


class Stream:
    """A small linear congruential generator: the folder must not depend on Python's random."""

    def __init__(self, seed):
        self.state = seed

    def uniform(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.state >> 11) / float(1 << 53)


def png(width, height, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def image(kind, stream, size=32):
    background = [stream.uniform() for _ in range(6)]
    colour = [0.2 + 0.8 * stream.uniform() for _ in range(3)]
    cx, cy = 8 + 16 * stream.uniform(), 8 + 16 * stream.uniform()
    radius = 4 + 6 * stream.uniform()
    angle, period = math.pi * stream.uniform(), 4 + 4 * stream.uniform()
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            t = (x + y) / (2 * size - 2)
            pixel = [background[c] * (1 - t) + background[c + 3] * t for c in range(3)]
            if kind == "discs":
                inside = (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
            else:
                inside = math.sin((x * math.cos(angle) + y * math.sin(angle)) * 2 * math.pi / period) > 0.3
            if inside:
                pixel = colour
            row += [max(0, min(255, int(round(255 * value)))) for value in pixel]
        rows.append(row)
    return png(size, size, rows)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "experiments", "images", "shapes32")
    stream = Stream(2026)
    for kind in ("discs", "stripes"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
        for index in range(24):
            with open(os.path.join(out, kind, f"{index:02d}.png"), "wb") as handle:
                handle.write(image(kind, stream))
    print(f"wrote 48 images to {out}")


if __name__ == "__main__":
    main()
