//! The README's examples, run exactly as printed: every `sh` block, in order, in one shell on a
//! scratch folder (so `export PACKBENCH_DB=shop.db` makes the examples' store), with `packbench`
//! on the PATH; every block the README names a file for (the line before it ends with
//! `` `NAME`: ``) is written to that file where it stands. `text` blocks are syntax, not run. A
//! block after `<!-- not run by tests/it/readme.rs: WHY -->` is skipped (the set-up itself, the
//! benchmarks). A command that fails fails the test with its README line.

use std::path::Path;
use std::process::{Command, Stdio};

const SKIP: &str = "<!-- not run by tests/it/readme.rs:";

/// A fenced block of the README.
#[derive(Debug)]
struct Block {
    lang: String,
    /// README line of its first content line.
    first_line: usize,
    lines: Vec<String>,
    /// The file it is the content of, when the README names one.
    file: Option<String>,
    /// Why it is not run, when the README says so.
    skipped: Option<String>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let lang = info.split_whitespace().next().unwrap_or("").to_string();
        let before = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim())
            .unwrap_or("");
        let skipped = before
            .strip_prefix(SKIP)
            .and_then(|r| r.strip_suffix("-->"))
            .map(|why| why.trim().to_string());
        if before.starts_with(SKIP) {
            assert!(
                skipped.as_ref().is_some_and(|w| !w.is_empty()),
                "README.md:{}: say why the block is not run",
                i
            );
        }
        let file = before
            .strip_suffix("`:")
            .and_then(|b| b.rsplit_once('`'))
            .map(|(_, name)| name.to_string())
            .filter(|n| !n.is_empty() && !n.contains(char::is_whitespace))
            // A command block is never a file.
            .filter(|_| lang != "sh");
        let first_line = i + 2;
        let mut body = Vec::new();
        i += 1;
        while i < lines.len() && lines[i].trim_end() != "```" {
            body.push(lines[i].to_string());
            i += 1;
        }
        assert!(
            i < lines.len(),
            "README.md:{}: block not closed",
            first_line - 1
        );
        i += 1;
        out.push(Block {
            lang,
            first_line,
            lines: body,
            file,
            skipped,
        });
    }
    out
}

/// The shell script of the README's runnable blocks: each command preceded by its README line.
fn script(blocks: &[Block]) -> String {
    let mut s = String::from(
        "set -eE -o pipefail\n\
         exec 2>&1\n\
         __readme_line=0\n\
         trap 'rc=$?; echo \"@@README_FAILED $__readme_line $rc\"' ERR\n",
    );
    for b in blocks.iter().filter(|b| b.skipped.is_none()) {
        if let Some(name) = &b.file {
            s += &format!(
                "__readme_line={}\ncat > '{name}' <<'__README_FILE_END__'\n",
                b.first_line - 1
            );
            for l in &b.lines {
                s += l;
                s.push('\n');
            }
            s += "__README_FILE_END__\n";
            continue;
        }
        assert!(
            b.lang != "csv",
            "README.md:{}: a csv block needs its file name (a line ending in `NAME.csv`: before it)",
            b.first_line - 1
        );
        if b.lang != "sh" {
            continue;
        }
        let mut continued = false;
        for (k, l) in b.lines.iter().enumerate() {
            let t = l.trim();
            if !continued && !t.is_empty() && !t.starts_with('#') {
                s += &format!("__readme_line={}\n", b.first_line + k);
            }
            s += l;
            s.push('\n');
            continued = l.trim_end().ends_with('\\');
        }
    }
    s
}

/// A command of the README that failed.
#[derive(Debug)]
struct Failed {
    line: usize,
    status: String,
    output: String,
}

/// Runs the README `readme` in `dir` with the built `packbench` on the PATH.
fn run(readme: &str, dir: &Path) -> Result<String, Failed> {
    let script_path = dir.join(".readme.sh");
    std::fs::write(&script_path, script(&blocks(readme))).unwrap();
    let bin = dir.join(".bin");
    std::fs::create_dir_all(&bin).unwrap();
    let link = bin.join("packbench");
    if !link.exists() {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_packbench"), &link).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(&script_path)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env_remove("PACKBENCH_DB")
        .env_remove("PACKBENCH_STAFF")
        .env_remove("PACKBENCH_PIN")
        .env_remove("PACKBENCH_STATION")
        .env_remove("PACKBENCH_LANG")
        .stdin(Stdio::null())
        .output()
        .expect("run bash");
    let output = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        return Ok(output);
    }
    let marker = output.lines().rev().find_map(|l| {
        let mut w = l.strip_prefix("@@README_FAILED ")?.split(' ');
        Some((w.next()?.parse().ok()?, w.next()?.to_string()))
    });
    let (line, status) = marker.unwrap_or((0, format!("{}", out.status)));
    Err(Failed {
        line,
        status,
        output,
    })
}

fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md")
}

#[test]
fn the_readmes_examples_run_as_printed() {
    // `printers list` asks CUPS.
    crate::common::cups();
    let text = readme();
    let all = blocks(&text);
    let runs = all
        .iter()
        .filter(|b| b.skipped.is_none() && b.lang == "sh")
        .count();
    let files = all
        .iter()
        .filter(|b| b.skipped.is_none() && b.file.is_some())
        .count();
    assert!(
        runs >= 8 && files >= 5,
        "the README's examples: {runs} sh blocks, {files} files"
    );
    let dir = tempfile::tempdir().unwrap();
    let transcript = run(&text, dir.path());
    // To read what the examples print: PACKBENCH_README_SHOW=1 cargo test --test it readme -- --nocapture
    if std::env::var_os("PACKBENCH_README_SHOW").is_some() {
        let (Ok(t) | Err(Failed { output: t, .. })) = &transcript;
        eprintln!("{t}");
    }
    if let Err(f) = transcript {
        let command = text.lines().nth(f.line.wrapping_sub(1)).unwrap_or("");
        panic!(
            "README.md:{}: `{}` failed ({}); the output before it:\n{}",
            f.line,
            command.trim(),
            f.status,
            tail(&f.output, 40)
        );
    }
    // What the examples promise: a receipt with the README's header (数量) went in.
    let out = Command::new(env!("CARGO_BIN_EXE_packbench"))
        .args(["--db", dir.path().join("shop.db").to_str().unwrap()])
        .args(["receipt", "show", "R1", "--json"])
        .env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", "1234")
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("receipt R1");
    assert_eq!(r["state"], "confirmed", "{r}");
    let qty: Vec<i64> = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["qty"].as_i64().unwrap())
        .collect();
    assert_eq!(qty, [2, 3], "{r}");
}

/// The runner itself: a broken example fails with its own line, not the one of a file, a skipped
/// block, a syntax block or a continuation line.
#[test]
fn a_broken_example_fails_with_its_readme_line() {
    let readme = "\
# A shop

```sh
export PACKBENCH_DB=shop.db PACKBENCH_STAFF=admin PACKBENCH_PIN=1234
packbench init --admin-pin 1234
packbench settings get pick.tag_prefix
```

Syntax, `text`:

```text
packbench no-such-command
```

<!-- not run by tests/it/readme.rs: it would fail -->
```sh
false
```

A file, `a.csv`:

```csv
商家编码,条码,名称,规格,单价,库位,库存
A1,,帽子,,1.00,A-1,1
```

```sh
packbench import products a.csv \\
    --json
packbench product show A1
packbench product show NO-SUCH-SKU
packbench settings list
```
";
    let dir = tempfile::tempdir().unwrap();
    let f = run(readme, dir.path()).expect_err("the last block fails");
    let bad = readme
        .lines()
        .position(|l| l == "packbench product show NO-SUCH-SKU")
        .unwrap();
    assert_eq!(f.line, bad + 1, "{}", f.output);
    assert!(
        f.output.contains("A1"),
        "the lines before it ran: {}",
        f.output
    );

    // And the same README without the bad line runs through.
    let fixed = readme.replace("packbench product show NO-SUCH-SKU\n", "");
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fixed, dir.path()).unwrap_or_else(|f| panic!("{f:?}"));
    assert!(out.contains("pick.tag_prefix"), "{out}");
}

/// The README's test command is what CI runs, and `.ci/run` runs the lints before the tests, then
/// the Windows build, its release zip, and the smoke run under Wine from that zip.
#[test]
fn the_readmes_test_command_is_ci() {
    let text = readme();
    let top = &blocks(&text)[0];
    assert!(top.skipped.is_some(), "the set-up block comes first");
    assert!(
        top.lines.iter().any(|l| l.trim() == "bash .ci/run"),
        "{:?}",
        top.lines
    );
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run"))
        .expect(".ci/run");
    let steps: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("bash ") || l.starts_with("cargo "))
        .collect();
    assert_eq!(
        steps,
        [
            "bash .ci/setup",
            "cargo fmt --all -- --check",
            "cargo clippy --all-targets --locked -- -D warnings",
            "cargo test --locked",
            "cargo build --locked --release --target x86_64-pc-windows-gnu",
            "bash .ci/windows-release",
            "bash .ci/windows-smoke",
        ]
    );
}
