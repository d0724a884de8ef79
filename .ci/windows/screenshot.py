#!/usr/bin/env python3
"""A screenshot of the X screen (as `xwd -root` writes it) made into a PNG, and counted for ink
in named boxes — so a script can tell that text was drawn where the window draws it.

    python3 screenshot.py SHOT.xwd [--png OUT.png] [--box NAME=X,Y,W,H:MIN ...]

Boxes are in screen pixels. Ink is a pixel much darker than the box's own background (the most
common colour in the box): the bench draws dark text on light surfaces. Prints each box's ink
count; exits 1 when a box has fewer than MIN ink pixels, 2 on a file it cannot read.
Standard library only (no PIL on a CI machine): xwd's 24/32-bit TrueColor ZPixmap, the kind Xvfb
writes, and an 8-bit RGB PNG.
"""

import struct
import sys
import zlib
from collections import Counter


def read_xwd(path):
    """(width, height, rows(y0, y1, x0, x1) -> rows of (r, g, b) tuples): only the pixels asked
    for are decoded, so a box is cheap to count even when polling."""
    data = open(path, "rb").read()
    h = struct.unpack(">25I", data[:100])
    header_size, version, fmt, _depth, width, height = h[:6]
    byte_order, bpp, bytes_per_line, visual_class = h[7], h[11], h[12], h[13]
    red_mask, green_mask, blue_mask, ncolors = h[14], h[15], h[16], h[19]
    if version != 7 or fmt != 2 or bpp not in (24, 32) or visual_class not in (4, 5):
        raise ValueError(f"{path}: not a TrueColor ZPixmap xwd (format {fmt}, {bpp} bpp)")
    start = header_size + 12 * ncolors
    step = bpp // 8
    endian = "little" if byte_order == 0 else "big"

    def shift(mask):
        return (mask & -mask).bit_length() - 1

    rs, gs, bs = shift(red_mask), shift(green_mask), shift(blue_mask)

    def rows(y0=0, y1=height, x0=0, x1=width):
        y0, y1 = max(0, y0), min(height, y1)
        x0, x1 = max(0, x0), min(width, x1)
        out = []
        for y in range(y0, y1):
            base = start + y * bytes_per_line
            line = data[base + x0 * step : base + x1 * step]
            row = []
            for x in range(0, len(line), step):
                v = int.from_bytes(line[x : x + step], endian)
                row.append(
                    ((v & red_mask) >> rs, (v & green_mask) >> gs, (v & blue_mask) >> bs)
                )
            out.append(row)
        return out

    return width, height, rows


def write_png(path, width, height, rows):
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in rows)

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def luma(px):
    r, g, b = px
    return (299 * r + 587 * g + 114 * b) // 1000


def ink(rows, x, y, w, h):
    """Pixels in the box at least 96 levels darker than the box's most common colour."""
    box = [px for row in rows(y, y + h, x, x + w) for px in row]
    if not box:
        return 0
    background = luma(Counter(box).most_common(1)[0][0])
    return sum(1 for px in box if luma(px) <= background - 96)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    shot, png, boxes = argv[1], None, []
    i = 2
    while i < len(argv):
        if argv[i] == "--png":
            png = argv[i + 1]
        elif argv[i] == "--box":
            name, spec = argv[i + 1].split("=", 1)
            geometry, minimum = spec.split(":")
            boxes.append((name, [int(v) for v in geometry.split(",")], int(minimum)))
        else:
            print(f"screenshot.py: unknown argument {argv[i]}", file=sys.stderr)
            return 2
        i += 2
    try:
        width, height, rows = read_xwd(shot)
    except (OSError, ValueError, struct.error) as e:
        print(f"screenshot.py: {e}", file=sys.stderr)
        return 2
    if png:
        write_png(png, width, height, rows())
    failed = False
    for name, (x, y, w, h), minimum in boxes:
        n = ink(rows, x, y, w, h)
        ok = n >= minimum
        failed |= not ok
        print(f"{name}: {n} ink pixels in {w}x{h}+{x}+{y} (at least {minimum}: {'ok' if ok else 'MISSING'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
