#!/usr/bin/env python3
"""THIRD-PARTY-LICENSES.txt for the Windows build: every crate linked into packbench.exe, with
its name, version, licence expression and the licence files its package ships.

    cargo metadata --format-version 1 --locked --filter-platform x86_64-pc-windows-gnu \
        | python3 .ci/windows/third_party_licenses.py > THIRD-PARTY-LICENSES.txt

"Linked in" is read off the resolve graph: from packbench, the normal dependencies, for the
Windows target (`--filter-platform`), transitively. Build scripts' dependencies and procedural
macros run on the build machine and are not in the .exe, so they and what only they pull in are
left out. `cargo metadata` unifies features across dev-dependencies too, so an optional crate
enabled only by a test may be listed: a licence too many, never one too few.

A crate whose package ships no licence file gets the standard text of its licence (MIT where it
offers a choice) with its authors as the copyright holders. Exits non-zero when a crate ships no
file and its licence is none of those known here: a shop may not ship a crate whose terms are
not written out beside it.
"""

import json
import os
import sys

# The licence files a crate ships, by name (case-insensitive prefixes), as crates name them.
PREFIXES = ("license", "licence", "copying", "copyright", "notice", "unlicense", "authors")
SKIP_SUFFIXES = (".rs", ".toml", ".sh", ".py", ".json", ".yml", ".yaml")


# The standard text of a licence, for a crate whose package ships none: with the crate's authors
# as the copyright holders (as Cargo.toml names them). In order of preference when a crate
# offers a choice.
STANDARD = {
    "MIT": """Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
""",
    "BSD-3-Clause": """Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
this list of conditions and the following disclaimer in the documentation
and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its contributors
may be used to endorse or promote products derived from this software without
specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR
ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
(INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON
ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
(INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
""",
    "BSL-1.0": """Boost Software License - Version 1.0 - August 17th, 2003

Permission is hereby granted, free of charge, to any person or organization
obtaining a copy of the software and accompanying documentation covered by
this license (the "Software") to use, reproduce, display, distribute,
execute, and transmit the Software, and to prepare derivative works of the
Software, and to permit third-parties to whom the Software is furnished to
do so, all subject to the following:

The copyright notices in the Software and this entire statement, including
the above license grant, this restriction and the following disclaimer,
must be included in all copies of the Software, in whole or in part, and
all derivative works of the Software, unless such copies or derivative
works are solely in the form of machine-executable object code generated by
a source language processor.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE, TITLE AND NON-INFRINGEMENT. IN NO EVENT
SHALL THE COPYRIGHT HOLDERS OR ANYONE DISTRIBUTING THE SOFTWARE BE LIABLE
FOR ANY DAMAGES OR OTHER LIABILITY, WHETHER IN CONTRACT, TORT OR OTHERWISE,
ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
""",
    "CC0-1.0": """Dedicated to the public domain under Creative Commons CC0 1.0 Universal:
https://creativecommons.org/publicdomain/zero/1.0/legalcode
""",
}


def standard_text(pkg):
    """The licence chosen for a crate without files, with its text; None if none is known."""
    expression = (pkg.get("license") or "").replace("/", " OR ")
    offered = [w.strip("()") for w in expression.split()]
    for spdx in STANDARD:
        if spdx in offered:
            holders = ", ".join(pkg.get("authors") or []) or f"the {pkg['name']} authors"
            notice = "" if spdx == "CC0-1.0" else f"Copyright (c) {holders}\n\n"
            return spdx, notice + STANDARD[spdx]
    return None


def linked_crates(meta):
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    packages = {p["id"]: p for p in meta["packages"]}
    root = meta["resolve"]["root"]

    def proc_macro(pkg):
        return any("proc-macro" in t["kind"] for t in pkg["targets"])

    seen = set()
    todo = [root]
    while todo:
        pid = todo.pop()
        for dep in nodes[pid]["deps"]:
            if not any(k["kind"] is None for k in dep["dep_kinds"]):
                continue  # build-dependency or dev-dependency only
            if dep["pkg"] in seen or proc_macro(packages[dep["pkg"]]):
                continue
            seen.add(dep["pkg"])
            todo.append(dep["pkg"])
    return sorted(
        (packages[i] for i in seen), key=lambda p: (p["name"].lower(), p["version"])
    )


def licence_files(pkg):
    folder = os.path.dirname(pkg["manifest_path"])
    found = []
    if pkg.get("license_file"):
        found.append(os.path.join(folder, pkg["license_file"]))
    for name in sorted(os.listdir(folder)):
        low = name.lower()
        if low.startswith(PREFIXES) and not low.endswith(SKIP_SUFFIXES):
            path = os.path.join(folder, name)
            if os.path.isfile(path) and path not in found:
                found.append(path)
        # Some crates keep their texts in a folder (LICENSES/, license/).
        elif low in ("licenses", "license", "licences") and os.path.isdir(
            os.path.join(folder, name)
        ):
            for sub in sorted(os.listdir(os.path.join(folder, name))):
                path = os.path.join(folder, name, sub)
                if os.path.isfile(path):
                    found.append(path)
    return found


def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").rstrip() + "\n"


def main():
    meta = json.load(sys.stdin)
    crates = linked_crates(meta)
    out = sys.stdout
    rule = "=" * 78
    out.write(
        "Third-party software in packbench.exe (Windows, x86_64)\n"
        "第三方软件及其许可证\n\n"
        "packbench.exe is built from packbench's own code (see LICENSE.txt) and the Rust crates\n"
        f"below ({len(crates)}), linked into the one .exe. For each: its name, version, licence\n"
        "expression as the crate declares it, and the licence files its package ships.\n"
        "Where an expression offers a choice (OR), packbench uses the crate under any one of them.\n\n"
        "Also in the .exe:\n"
        "- The Rust standard library (MIT OR Apache-2.0, Copyright The Rust Project Developers).\n"
        "- The mingw-w64 runtime start-up code and GCC's runtime support library (libgcc), under\n"
        "  the mingw-w64 runtime licence and GPL-3.0 with the GCC Runtime Library Exception, which\n"
        "  allows shipping them in a program under any terms.\n"
        "- SQLite, in the libsqlite3-sys crate: public domain.\n"
        "- The Noto Sans CJK SC font (subset): SIL Open Font License 1.1, see OFL.txt.\n\n"
        "Index:\n"
    )
    for p in crates:
        out.write(f"  {p['name']} {p['version']} — {p.get('license') or '(see its files)'}\n")
    missing = []
    for p in crates:
        files = licence_files(p)
        out.write(f"\n{rule}\n{p['name']} {p['version']}\n")
        out.write(f"Licence: {p.get('license') or '(not declared; see the files below)'}\n")
        if p.get("repository"):
            out.write(f"Source: {p['repository']}\n")
        if not files:
            chosen = standard_text(p)
            if chosen is None:
                missing.append(p["name"])
                continue
            spdx, text = chosen
            out.write(
                f"\n--- {spdx} (the package ships no licence file: the standard text, with the\n"
                "crate's authors as its copyright holders) ---\n\n"
            )
            out.write(text)
        for path in files:
            out.write(f"\n--- {os.path.basename(path)} ---\n\n")
            out.write(read_text(path))
    if missing:
        sys.stderr.write("no licence text for: " + ", ".join(missing) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
