#!/usr/bin/env python3
"""The reportlab peer of `cargo bench --bench print`: the same 1,000 waybills (100x180) and
10,000 labels (40x30), from the data packbench wrote (text as packbench prints it, barcode
module widths in 203-dpi dots), laid out the same way with reportlab's canvas and its barcode
widgets, and timed the same way (median of N runs in one process, font registered once).

usage: print_reportlab.py DATA.json OUT_DIR RUNS
Prints one JSON line: {"peer", "waybills": {"median_s", "median_cpu_s", "bytes"}, "labels": {...}}.

reportlab cannot embed Noto Sans CJK (CFF outlines), so the text is in WenQuanYi Micro Hei
(Debian fonts-wqy-microhei), a TrueType CJK font.
"""

import io
import json
import statistics
import sys
import time

import reportlab
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, eanbc
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT = "WQY"
FONT_FILES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]
DOT = 25.4 / 203  # mm


def register_font():
    for f in FONT_FILES:
        try:
            pdfmetrics.registerFont(TTFont(FONT, f, subfontIndex=0))
            return f
        except Exception:  # noqa: BLE001 - try the next one
            continue
    raise SystemExit("no TrueType CJK font: apt-get install fonts-wqy-microhei")


def width(text, size):
    return pdfmetrics.stringWidth(text, FONT, size) / mm


def wrap(text, size, max_w):
    """Character-level wrapping like packbench's (CJK breaks anywhere, Latin at spaces)."""
    lines = []
    for para in text.split("\n"):
        line, last_break = "", None
        for ch in para:
            if line and width(line + ch, size) > max_w:
                if last_break and ch.isascii() and not ch.isspace():
                    lines.append(line[:last_break].rstrip())
                    line = line[last_break:].lstrip()
                else:
                    lines.append(line.rstrip())
                    line = ""
                last_break = None
                if ch.isspace() and not line:
                    continue
            line += ch
            if ch.isspace() or not ch.isascii():
                last_break = len(line)
        lines.append(line.rstrip())
    return lines


def fit_size(text, w, h, max_pt, min_pt, leading):
    size = max_pt
    while size > min_pt:
        if len(wrap(text, size, w)) * size * leading / 72 * 25.4 <= h + 0.01:
            return size
        size -= 0.5
    return min_pt


class Page:
    """Top-left millimetre coordinates over reportlab's bottom-left points."""

    def __init__(self, c, h):
        self.c, self.h = c, h

    def text(self, x, base, size, s, align="l"):
        self.c.setFont(FONT, size)
        y = (self.h - base) * mm
        if align == "c":
            self.c.drawCentredString(x * mm, y, s)
        elif align == "r":
            self.c.drawRightString(x * mm, y, s)
        else:
            self.c.drawString(x * mm, y, s)

    def para(self, x, top, w, size, leading, s):
        y = top
        for line in wrap(s, size, w):
            self.text(x, y + size / 72 * 25.4 * 0.88, size, line)
            y += size * leading / 72 * 25.4

    def line(self, x1, y1, x2, y2, t):
        self.c.setLineWidth(t * mm)
        self.c.line(x1 * mm, (self.h - y1) * mm, x2 * mm, (self.h - y2) * mm)

    def code128(self, value, centre_x, top, height, dots):
        bw = dots * DOT * mm
        b = code128.Code128(value, barWidth=bw, barHeight=height * mm, quiet=1,
                            lquiet=10 * bw, rquiet=10 * bw)
        b.drawOn(self.c, centre_x * mm - b.width / 2, (self.h - top - height) * mm)

    def ean13(self, value, centre_x, top, height, dots):
        bw = dots * DOT * mm
        d = eanbc.Ean13BarcodeWidget(value[:12], barWidth=bw, barHeight=height * mm, fontName=FONT,
                                     fontSize=8, quiet=1)
        x0, y0, x1, y1 = d.getBounds()
        from reportlab.graphics.shapes import Drawing
        drawing = Drawing(x1 - x0, y1 - y0)
        drawing.add(d)
        renderPDF.draw(drawing, self.c, centre_x * mm - (x1 - x0) / 2, (self.h - top - height) * mm)


def waybills(data):
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(100 * mm, 180 * mm))
    for w in data:
        p = Page(c, 180.0)
        m, width_, part_bottom = 3.0, 100.0, 122.0
        p.text(m, m + 6, 15, w["courier"])
        p.text(width_ - m, m + 4, 10, w["seq"], "r")
        p.text(width_ - m, m + 8, 7, w["printed_at"], "r")
        y = m + 11
        p.line(m, y, width_ - m, y, 0.25)
        y += 2
        p.code128(w["tracking_no"], width_ / 2, y, 18, w["module_dots"])
        y += 18
        p.text(width_ / 2, y + 4.5, 13, w["tracking_no"], "c")
        y += 6.3
        p.line(m, y, width_ - m, y, 0.25)
        c.rect(m * mm, (180 - y - 8) * mm, 7 * mm, 7 * mm)
        p.text(m + 3.5, y + 6.6, 15, "收", "c")
        body_x, body_w = m + 8.5, width_ - m - (m + 8.5)
        p.text(body_x, y + 6.3, 15, w["name_line"])
        top = y + 8.1
        size = fit_size(w["address"], body_w, 36 - 9.1, 14, 5, 1.2)
        p.para(body_x, top, body_w, size, 1.2, w["address"])
        y += 36
        p.line(m, y, width_ - m, y, 0.25)
        c.rect(m * mm, (180 - y - 8) * mm, 7 * mm, 7 * mm)
        p.text(m + 3.5, y + 6.6, 15, "寄", "c")
        p.text(body_x, y + 4.2, 9, w["sender_line"])
        size = fit_size(w["sender_address"], body_w, 11, 8.5, 5, 1.15)
        p.para(body_x, y + 5.5, body_w, size, 1.15, w["sender_address"])
        y += 16
        p.line(m, y, width_ - m, y, 0.25)
        size = fit_size(w["details"], 94, part_bottom - y - 5, 10, 5, 1.2)
        p.para(m, y + 1, 94, size, 1.2, w["details"])
        p.text(m, part_bottom - 1.2, 6.5, "打印 " + w["printed_at"])
        p.text(width_ - m, part_bottom - 1.2, 6.5, w["seq"], "r")
        c.setDash(2 * mm, 1.5 * mm)
        p.line(0, part_bottom, width_, part_bottom, 0.2)
        c.setDash()
        y = part_bottom + 2.5
        p.text(m, y + 3.5, 9, w["courier"])
        p.text(width_ - m, y + 3.5, 8, w["seq"], "r")
        y += 5
        p.code128(w["tracking_no"], width_ / 2, y, 10, w["stub_module_dots"])
        y += 10
        p.text(width_ / 2, y + 3.6, 10, w["tracking_no"], "c")
        y += 5.5
        p.line(m, y, width_ - m, y, 0.25)
        p.text(m, y + 4, 9, "收 " + w["name_line"])
        y += 5.5
        rest = w["address"] + "\n" + w["items"]
        size = fit_size(rest, 94, 180 - m - y, 8, 4.5, 1.15)
        p.para(m, y, 94, size, 1.15, rest)
        c.showPage()
    c.save()
    return out.getvalue()


def labels(data):
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(40 * mm, 30 * mm))
    for l in data:
        p = Page(c, 30.0)
        m = 1.5
        p.text(m, m + 2.6, 7.5, l["name"])
        y = m + 3.3
        p.text(m, y + 2.6, 7, l["spec"])
        p.text(40 - m, y + 2.6, 7, l["price"], "r")
        y += 4.0
        if l["ean13"]:
            p.ean13(l["barcode"], 20, y, 13, l["module_dots"])
        else:
            p.code128(l["barcode"], 20, y, 10, l["module_dots"])
            p.text(20, y + 13, 8, l["barcode"], "c")
        p.text(m, 30 - 1.3, 7.5, l["sku_code"])
        if l["bin"]:
            p.text(40 - m, 30 - 1.3, 7.5, l["bin"], "r")
        c.showPage()
    c.save()
    return out.getvalue()


def timed(f, data, runs):
    """Medians of wall time and of the process's CPU time."""
    times, cpu, pdf = [], [], b""
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        pdf = f(data)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), statistics.median(cpu), pdf


def main():
    data_path, out_dir, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    font = register_font()
    with open(data_path, encoding="utf-8") as f:
        data = json.load(f)
    try:
        from reportlab.lib import _rl_accel  # noqa: F401
        accel = "yes"
    except ImportError:
        accel = "no"
    result = {
        "peer": f"reportlab {reportlab.Version} (rl_accel: {accel}; font {font})",
        "rl_accel": accel == "yes",
    }
    for key, f in (("waybills", waybills), ("labels", labels)):
        f(data[key][:10])  # warm-up: font subsetting tables, imports
        median, median_cpu, pdf = timed(f, data[key], runs)
        with open(f"{out_dir}/reportlab-{key}.pdf", "wb") as out:
            out.write(pdf)
        result[key] = {"median_s": median, "median_cpu_s": median_cpu, "bytes": len(pdf)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
