#!/usr/bin/env bash
# Cold start to the check screen (issue 17's note): the Linux build and the Windows build under
# Wine, interleaved, on a 1,000,000-order store. Not run by CI (the store takes minutes to make).
#
#   bash benches/windows-start.sh [RUNS]       (default 3 runs of each; medians printed)
#
# PACKBENCH_START_BUILDS="wine" (or "linux") times one build only, to try the script quickly.
#
# The store, the first found: $PACKBENCH_START_STORE; the year store `cargo bench --bench report`
# keeps (target/bench-data/report-1000000.db); the demo store `cargo bench --bench scan` keeps
# (scan-1000000.db); else one made here by the command line with scan.rs's steps (the demo shop
# with 1,000,000 orders, seed 1, ZTO numbers, merged, a batch of 2,000 parcels printed), removed
# at the end. A store found is copied (a bench writes to it) and the copy removed at the end.
#
# Needs: target/release/packbench (cargo build --release), the Windows exe (the release zip's,
# else target/x86_64-pc-windows-gnu/release/packbench.exe), wine64, Xvfb, xdotool, xwd, python3.
#
# One run: start the program on a copy of the store (made once, removed at the end) → the window
# shows the sign-in screen (t_signin); a checker signs in — staff code YH01, Enter, PIN 1234,
# Enter, typed at 120 ms a key as a person types (the bench takes a fast burst for a scan) → the
# check screen is drawn (t_check, from the last Enter). Their sum is the cold start without the
# person's typing. "Cold" is a new process each run
# with the files in the page cache (both builds alike; no cache is dropped), and a Wine server
# already up (a Windows PC has its OS running). Screens are told apart by ink in a box of the
# window, polled every ~30 ms with xwd: figures are good to about that.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
linux=$top/target/release/packbench
zip=$(ls -t "$top"/target/dist/packbench-*-windows-x86_64.zip 2>/dev/null | head -1 || true)
store=${PACKBENCH_START_STORE:-}
for s in "$top"/target/bench-data/{report,scan}-1000000.db; do
    [ -n "$store" ] || [ ! -f "$s" ] || store=$s
done
wine=${WINE64:-/usr/lib/wine/wine64}
wineserver=$(dirname "$wine")/wineserver
builds=${PACKBENCH_START_BUILDS:-linux wine}
[ -x "$linux" ] || { echo "build it: cargo build --release" >&2; exit 1; }

work=$(mktemp -d "$top/target/windows-start.XXXX")
xvfb=""
cleanup() {
    [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || true
    WINEPREFIX=$work/prefix "$wineserver" -k >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

if [ -n "$zip" ]; then
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("packbench.exe", sys.argv[2])' "$zip" "$work"
else
    x86_64-w64-mingw32-strip -o "$work/packbench.exe" "$top/target/x86_64-pc-windows-gnu/release/packbench.exe"
fi
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" \
    "$top/.ci/windows/bcryptprimitives.c" -ladvapi32

# Sizes, stripped, side by side.
strip -o "$work/packbench-linux" "$linux"
printf 'size, stripped: linux %d bytes, windows %d bytes\n' \
    "$(stat -c %s "$work/packbench-linux")" "$(stat -c %s "$work/packbench.exe")"

# One copy of the store for every run (sign-ins add a handful of rows); each run has its own
# station name, since a killed bench keeps its station's lease for a minute.
if [ -n "$store" ]; then
    echo "store: a copy of $store"
    cp "$store" "$work/store.db"
else
    echo "store: made now, as benches/scan.rs makes it (minutes)"
    t=$(date +%s)
    (
        export PACKBENCH_DB=$work/store.db PACKBENCH_STAFF=admin PACKBENCH_PIN=1234
        "$linux" init --admin-pin 1234 > /dev/null
        "$linux" demo --orders 1000000 --seed 1 > /dev/null
        "$linux" waybills add --courier ZTO --range 7700000001-7700009999 > /dev/null
        "$linux" merge --auto > /dev/null
        "$linux" batch create --courier ZTO --limit 2000 > /dev/null
    )
    echo "  made in $(($(date +%s) - t)) s"
fi
printf 'store: %s orders, %d MB\n' \
    "$(sqlite3 "$work/store.db" 'SELECT count(*) FROM orders' 2>/dev/null || echo '?')" \
    $(($(stat -c %s "$work/store.db") / 1000000))
db_linux=$work/store.db
db_wine="Z:$(printf '%s' "$work/store.db" | tr / '\\')"

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
xvfb=$!
for _ in $(seq 1 100); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=:$(tr -d '[:space:]' < "$work/display")

# Wine's prefix and server, made and started before any timing (a Windows PC has both).
"$wine" "$work/packbench.exe" --version > /dev/null
"$wineserver" -w
"$wineserver" -p
# The binaries and the store read once, so every run finds them in the page cache.
cat "$linux" "$work/packbench.exe" "$work/store.db" > /dev/null

# The poller: waits for a window, then for ink in a box of it; prints seconds since T0.
cat > "$work/wait.py" <<'PY'
import os, subprocess, sys, time
sys.path.insert(0, sys.argv[1])
from collections import Counter
from screenshot import read_xwd, luma


def ink(rows, x, y, w, h, step):
    """screenshot.ink over every `step`-th row: a big box read quickly enough to poll."""
    box = [px for yy in range(y, y + h, step) for row in rows(yy, yy + 1, x, x + w) for px in row]
    if not box:
        return 0
    background = luma(Counter(box).most_common(1)[0][0])
    return sum(1 for px in box if luma(px) <= background - 96)


t0, what, timeout = float(sys.argv[2]), sys.argv[3], float(sys.argv[4])
def boxes(what, w, h):
    """Window boxes (x, y, w, h, row step, least ink) that all hold ink once the screen is drawn: the
    sign-in form (centred), or the check screen's bold banner and shift count (the count's
    column at the right edge) — boxes of .ci/windows-smoke. The sign-in screen has no ink in
    the banner's box, so the two screens are never mistaken."""
    if what == "signin":
        return [(w // 2 - 220, 0, 440, h - 60, 4, 120)]
    return [(211, 82, 180, 44, 1, 1850), (w - 186, 176, 40, 46, 1, 300)]


win = os.environ.get("WIN")
while not win:
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "packbench"],
                         capture_output=True, text=True).stdout.split()
    if out:
        win = out[0]
        break
    if time.time() - t0 > timeout:
        sys.exit("no window")
    time.sleep(0.02)
shot = os.path.join(os.environ["WORK"], "poll.xwd")
while True:
    geo = dict(l.split("=") for l in subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", win], capture_output=True, text=True).stdout.split())
    ox, oy, w, h = (int(geo[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
    subprocess.run(["xwd", "-root", "-silent", "-out", shot], check=True)
    now = time.time()
    _, _, rows = read_xwd(shot)
    if all(ink(rows, ox + x, oy + y, bw, bh, st) >= least
           for x, y, bw, bh, st, least in boxes(what, w, h)):
        print(f"{now - t0:.3f} {win}")
        break
    if now - t0 > timeout:
        sys.exit(f"{what}: not drawn in {timeout} s")
PY
export WORK=$work

# One cold start: prints "t_signin t_check".
one() {
    local how=$1 station=$2 pid t0 signin check win out
    t0=$(date +%s.%N)
    if [ "$how" = linux ]; then
        ICED_BACKEND=tiny-skia "$linux" --db "$db_linux" --station "$station" > "$work/$station.log" 2>&1 &
    else
        ICED_BACKEND=tiny-skia "$wine" "$work/packbench.exe" --db "$db_wine" --station "$station" > "$work/$station.log" 2>&1 &
    fi
    pid=$!
    out=$(WIN="" python3 "$work/wait.py" "$top/.ci/windows" "$t0" signin 300) ||
        { cat "$work/$station.log" >&2; exit 1; }
    read -r signin win <<< "$out"
    xdotool windowfocus --sync "$win" 2>/dev/null || xdotool windowfocus "$win"
    sleep 0.3
    xdotool type --delay 120 YH01; xdotool key Return; sleep 0.2
    xdotool type --delay 120 1234
    local t1
    t1=$(date +%s.%N)
    xdotool key Return
    out=$(WIN=$win python3 "$work/wait.py" "$top/.ci/windows" "$t1" check 300) ||
        { cat "$work/$station.log" >&2; exit 1; }
    read -r check _ <<< "$out"
    xwd -root -silent -out "$work/$station.xwd"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    sleep 1
    echo "$signin $check"
}

printf 'run  build  start→sign-in drawn (s)  Enter→check screen drawn (s)  sum (s)\n'
: > "$work/results"
for i in $(seq 1 "$runs"); do
    for how in $builds; do
        read -r a b < <(one "$how" "start-$how-$i")
        printf '%-4s %-6s %-25s %-29s %s\n' "$i" "$how" "$a" "$b" "$(python3 -c "print(f'{$a + $b:.3f}')")"
        echo "$how $a $b" >> "$work/results"
    done
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for how in ("linux", "wine"):
    if not any(r[0] == how for r in rows):
        continue
    a = [float(r[1]) for r in rows if r[0] == how]
    b = [float(r[2]) for r in rows if r[0] == how]
    s = [x + y for x, y in zip(a, b)]
    print(f"median {how:5}: start→sign-in {statistics.median(a):.2f} s, Enter→check {statistics.median(b):.2f} s, "
          f"sum {statistics.median(s):.2f} s  (runs: {', '.join(f'{x:.2f}' for x in s)})")
PY
# The last check screen of each build, to look at.
for how in $builds; do
    python3 "$top/.ci/windows/screenshot.py" "$work/start-$how-$runs.xwd" --png "$top/target/windows-start-$how.png"
    echo "screenshot: target/windows-start-$how.png"
done
