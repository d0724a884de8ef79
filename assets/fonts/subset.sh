#!/usr/bin/env bash
# Remakes the three embedded faces from Debian's fonts-noto-cjk (1:20220127+repack1-1, Noto CJK
# 2.004) with fontTools (Debian python3-fonttools 4.38; it has no pyftsubset command, so the
# module is run). The output is byte-for-byte the same on every run, so a diff of the .otf files
# means the input changed.
#   NotoSansSC-subset.otf       Noto Sans CJK SC Regular       see below
#   NotoSansSC-Bold-subset.otf  Noto Sans CJK SC Bold          see below
#   NotoSansMonoSC-subset.otf   Noto Sans Mono CJK SC Regular  ASCII (CJK in a mono run falls
#                                                              back to Noto Sans CJK SC)
# The regular face draws receivers' names and addresses, so it holds whatever a Taobao export
# (GBK, decoded as GB 18030) can carry in the ideographs of GB 18030-2022 implementation levels 1
# and 2, and the symbol blocks product titles and buyer messages use:
#   - every character GB 18030 decodes from a one- or two-byte (GBK) code, the user-defined areas
#     (which decode to the Private Use Area) aside; ≒ (U+2252) is the one Noto CJK lacks;
#   - tongyong-beyond-gbk.txt: the 252 characters of 通用规范汉字表 GBK lacks (level 2);
#   - CJK Extension A (U+3400–4DB5) and U+9FA6–9FEF: the rest of level 1's ideographs;
#   - what Noto CJK SC has of Latin-1, general punctuation, currency, letterlike symbols, number
#     forms, arrows, enclosed alphanumerics, geometric shapes, miscellaneous symbols, dingbats,
#     CJK symbols and punctuation, and the half- and full-width forms.
# The bold face draws headings, counters, product and staff names: the same without the rest of
# level 1 (6,500 rare Extension A characters, 1.6 MB). Bold text with a character it lacks is
# drawn in the regular face (src/ui/fonts.rs).
set -euo pipefail
cd "$(dirname "$0")"
src=/usr/share/fonts/opentype/noto
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$py" - "$tmp" "$src/NotoSansCJK-Regular.ttc" <<'PY'
import sys
from fontTools.ttLib import TTCollection
out, ttc = sys.argv[1], sys.argv[2]
have = TTCollection(ttc, lazy=True).fonts[2].getBestCmap()

ascii_ = set(range(0x20, 0x7F))
gbk = set()
for hi in range(0x81, 0xFF):
    for lo in range(0x40, 0xFF):
        try:
            s = bytes([hi, lo]).decode("gb18030")
        except UnicodeDecodeError:
            continue
        if len(s) == 1 and not 0xE000 <= ord(s) <= 0xF8FF:
            gbk.add(ord(s))
# Python decodes these two-byte codes to the Private Use Area as GB 18030-2000 did, encoding_rs
# (the imports) to the characters GB 18030-2005 (A8BC ḿ) and 2022 (A6D9–A6DF, A6EC–A6ED, A6F3,
# FE59…FEA0) moved them to.
gbk |= {0x1E3F} | set(range(0xFE10, 0xFE1A)) | set(range(0x9FB4, 0x9FBC))
level1 = set(range(0x3400, 0x4DB6)) | set(range(0x9FA6, 0x9FF0))
tongyong = set()
for line in open("tongyong-beyond-gbk.txt", encoding="utf-8"):
    if line.startswith("U+"):
        tongyong.add(int(line.split()[0][2:], 16))
blocks = [
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2010, 0x205E),  # General Punctuation
    (0x20A0, 0x20CF),  # Currency Symbols (€ is 0x80 in GBK)
    (0x2100, 0x214F),  # Letterlike Symbols
    (0x2150, 0x218B),  # Number Forms
    (0x2190, 0x21FF),  # Arrows
    (0x2460, 0x24FF),  # Enclosed Alphanumerics
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x2600, 0x26FF),  # Miscellaneous Symbols
    (0x2700, 0x27BF),  # Dingbats
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]
symbols = {c for a, b in blocks for c in range(a, b + 1)}

bold = ascii_ | gbk | tongyong | symbols
full = bold | level1
for name, chars in [("full", full), ("bold", bold), ("ascii", ascii_)]:
    text = "".join(chr(c) for c in sorted(chars) if c in have)
    open(f"{out}/{name}.txt", "w", encoding="utf-8").write(text)
PY

subset() { # ttc face-number chars output
  "$py" -m fontTools.subset "$src/$1" --font-number="$2" --text-file="$tmp/$3" \
    --layout-features='' --no-hinting --name-IDs='*' --output-file="$4"
}
subset NotoSansCJK-Regular.ttc 2 full.txt NotoSansSC-subset.otf
subset NotoSansCJK-Bold.ttc 2 bold.txt NotoSansSC-Bold-subset.otf
subset NotoSansCJK-Regular.ttc 7 ascii.txt NotoSansMonoSC-subset.otf
