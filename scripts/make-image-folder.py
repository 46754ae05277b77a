#!/usr/bin/env python3
"""Writes the committed image folders from a fixed seed, so that the image-folder specs have data
to replay on without any download. Pure Python (zlib): the same bytes everywhere.

- shapes32 (experiments/cifar_ae.yaml): 48 RGB PNGs of 32x32 in two class folders, `discs` and
  `stripes`.
- faces64 (experiments/celeba64_vae.yaml): 48 RGB PNGs of 64x64, unlabelled, each a drawn face as
  CelebA's aligned crops frame one (an oval head on a background, eyes, brows, a mouth).

    python3 scripts/make-image-folder.py [OUT]                  # shapes32, default OUT experiments/images/shapes32
    python3 scripts/make-image-folder.py --faces64 [OUT]        # default OUT experiments/images/faces64
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


def face(stream, size=64):
    """A face centred as in CelebA's aligned crops: skin, hair and background colours, eye, brow and
    mouth placement and a slight tilt drawn from `stream`."""
    background = [stream.uniform() for _ in range(3)]
    tone = 0.45 + 0.45 * stream.uniform()
    skin = [tone, tone * (0.75 + 0.1 * stream.uniform()), tone * (0.6 + 0.15 * stream.uniform())]
    hair = [0.5 * stream.uniform() for _ in range(3)]
    iris = [0.4 * stream.uniform() for _ in range(3)]
    cx, cy = 32 + 4 * (stream.uniform() - 0.5), 34 + 4 * (stream.uniform() - 0.5)
    width, height = 15 + 4 * stream.uniform(), 20 + 4 * stream.uniform()
    tilt = 0.2 * (stream.uniform() - 0.5)
    eye_gap, eye_y = 6 + 2 * stream.uniform(), -3 - 3 * stream.uniform()
    mouth_y, mouth_w, smile = 8 + 3 * stream.uniform(), 4 + 3 * stream.uniform(), stream.uniform()
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            # The face's own frame: rotated by the tilt about its centre.
            dx, dy = x - cx, y - cy
            u = dx * math.cos(tilt) + dy * math.sin(tilt)
            v = -dx * math.sin(tilt) + dy * math.cos(tilt)
            shade = y / (size - 1)
            pixel = [c * (0.8 + 0.2 * shade) for c in background]
            head = (u / width) ** 2 + (v / height) ** 2
            if head <= 1.25 and v < -height * 0.35:
                pixel = hair
            if head <= 1:
                pixel = [c * (1 - 0.25 * (u / width) ** 2) for c in skin]
                for side in (-1, 1):
                    ex, ey = u - side * eye_gap, v - eye_y
                    if (ex / 2.6) ** 2 + (ey / 1.5) ** 2 <= 1:
                        pixel = [0.95, 0.95, 0.95] if ex * ex + ey * ey > 1.4 else iris
                    if abs(ey + 3.5) < 0.8 and abs(ex) < 3:
                        pixel = hair
                my = v - mouth_y - smile * (u / mouth_w) ** 2 * 1.5
                if abs(u) < mouth_w and abs(my) < 0.9:
                    pixel = [0.6 * skin[0] + 0.3, 0.3 * skin[1], 0.3 * skin[2]]
            row += [max(0, min(255, int(round(255 * value)))) for value in pixel]
        rows.append(row)
    return png(size, size, rows)


def main():
    arguments = sys.argv[1:]
    faces = bool(arguments) and arguments[0] == "--faces64"
    if faces:
        arguments = arguments[1:]
    name = "faces64" if faces else "shapes32"
    out = arguments[0] if arguments else os.path.join(os.path.dirname(__file__), "..", "experiments", "images", name)
    if faces:
        stream = Stream(64)
        os.makedirs(out, exist_ok=True)
        for index in range(48):
            with open(os.path.join(out, f"{index:02d}.png"), "wb") as handle:
                handle.write(face(stream))
        print(f"wrote 48 images to {out}")
        return
    stream = Stream(2026)
    for kind in ("discs", "stripes"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
        for index in range(24):
            with open(os.path.join(out, kind, f"{index:02d}.png"), "wb") as handle:
                handle.write(image(kind, stream))
    print(f"wrote 48 images to {out}")


if __name__ == "__main__":
    main()
