#!/usr/bin/env bash
# Remakes the three embedded faces from Debian's fonts-noto-cjk with fontTools (Debian
# python3-fonttools; it has no pyftsubset command, so the module is run). The output is
# byte-for-byte the same on every run, so a diff of the .otf files means the input changed.
#   NotoSansSC-subset.otf       Noto Sans CJK SC Regular       ASCII + GB2312 + · — ✓
#   NotoSansSC-Bold-subset.otf  Noto Sans CJK SC Bold          the same characters
#   NotoSansMonoSC-subset.otf   Noto Sans Mono CJK SC Regular  ASCII (CJK in a mono run falls
#                                                              back to Noto Sans CJK SC)
set -euo pipefail
cd "$(dirname "$0")"
src=/usr/share/fonts/opentype/noto
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$py" - "$tmp" <<'PY'
import sys
out = sys.argv[1]
ascii_ = [chr(c) for c in range(0x20, 0x7F)]
gb2312 = []
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            gb2312.append(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
extra = ["\u00b7", "\u2014", "\u2713"]
open(f"{out}/text.txt", "w", encoding="utf-8").write("".join(ascii_ + gb2312 + extra))
open(f"{out}/ascii.txt", "w", encoding="utf-8").write("".join(ascii_))
PY

subset() { # ttc face-number chars output
  "$py" -m fontTools.subset "$src/$1" --font-number="$2" --text-file="$tmp/$3" \
    --layout-features='' --no-hinting --name-IDs='*' --output-file="$4"
}
subset NotoSansCJK-Regular.ttc 2 text.txt NotoSansSC-subset.otf
subset NotoSansCJK-Bold.ttc 2 text.txt NotoSansSC-Bold-subset.otf
subset NotoSansCJK-Regular.ttc 7 ascii.txt NotoSansMonoSC-subset.otf
