//! The house rules a reviewer would otherwise check by hand, read from the source tree:
//!
//! * arrows one way: every `crate::` path in a file under `src/` (test code aside) points to
//!   its own layer or one below it: domain ← foundation (aws, the sim, the output gate) ←
//!   engines ← app | CLI verbs ← ui ← runtime/launch;
//! * no file under `src/` or `tests/` over 500 lines, no function in the code (tests aside)
//!   over 80.
//!
//! ARCHITECTURE.md draws the same layers; change both together.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first, and the top-level modules of `src/` in each.
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &["domain"]),
    (
        "foundation",
        &["aws", "sim", "gate", "private_files", "log_file", "version"],
    ),
    (
        "engines",
        &[
            "inventory",
            "metrics",
            "messages",
            "redrive",
            "health",
            "doctor",
            "logs",
            "resource_rows",
            "whoami",
            "config",
            "theme",
            "fleet",
        ],
    ),
    ("app", &["app"]),
    (
        "cli verbs",
        &[
            "commands",
            "cli",
            "cli_help",
            "output",
            "incomplete",
            "completions",
        ],
    ),
    ("ui", &["ui"]),
    ("runtime/launch", &["runtime", "interactive", "launch"]),
];

/// The layers each layer may import, besides its own. The app and the CLI verbs stand side
/// by side: neither imports the other.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("foundation", &["domain"]),
    ("engines", &["domain", "foundation"]),
    ("app", &["domain", "foundation", "engines"]),
    ("cli verbs", &["domain", "foundation", "engines"]),
    ("ui", &["domain", "foundation", "engines", "app"]),
    (
        "runtime/launch",
        &["domain", "foundation", "engines", "app", "cli verbs", "ui"],
    ),
];

/// The simulated world is a `Backend` like the SDK's: outside tests only the launch picks it.
const SIM_ONLY_FROM: &[&str] = &["launch"];

/// KNOWN EXCEPTIONS, each being removed on another branch of issue 20: the lead deletes
/// these lines at merge, and the test then holds the tree to the rule.
/// `(file, module it may still import)`.
const KNOWN_EXCEPTIONS: &[(&str, &str)] = &[];

/// Files over 500 lines today, being split on the house-lists branch (`src/app`, `src/ui`,
/// `config.rs`): `(file, lines it may not grow past)`. The lead deletes each line as its file
/// comes back under 500.
const LONG_FILES: &[(&str, usize)] = &[];

/// Functions over 80 lines today: `(file, function, lines it may not grow past)`.
const LONG_FUNCTIONS: &[(&str, &str, usize)] = &[];

fn layer_of(module: &str) -> Option<&'static str> {
    LAYERS
        .iter()
        .find(|(_, modules)| modules.contains(&module))
        .map(|(layer, _)| *layer)
}

fn may_import(from: &str, to: &str) -> bool {
    from == to
        || MAY_IMPORT
            .iter()
            .any(|(layer, below)| *layer == from && below.contains(&to))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "snapshots") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `src/a/b.rs` → `a/b.rs`, with `/` separators.
fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// The files `#[cfg(test)] mod NAME;` pulls in (beside the declaring file, or in its folder).
fn test_modules(src: &Path, files: &[PathBuf]) -> BTreeSet<String> {
    let mut tests = BTreeSet::new();
    for file in files {
        let text = fs::read_to_string(file).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for pair in lines.windows(2) {
            if pair[0].trim() != "#[cfg(test)]" {
                continue;
            }
            let declared = pair[1].trim();
            let Some(name) = declared
                .split("mod ")
                .nth(1)
                .and_then(|rest| rest.strip_suffix(';'))
            else {
                continue;
            };
            let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned());
            let dir = file.parent().unwrap_or(src);
            let base = match stem.as_deref() {
                Some("mod" | "lib" | "main") => dir.to_path_buf(),
                Some(stem) => dir.join(stem),
                None => continue,
            };
            tests.insert(relative(&base.join(format!("{name}.rs")), src));
            tests.insert(relative(&base.join(name), src) + "/");
        }
    }
    tests
}

fn is_test_file(rel: &str, test_modules: &BTreeSet<String>) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || rel.split('/').any(|part| part == "tests")
        || test_modules
            .iter()
            .any(|t| rel == t || (t.ends_with('/') && rel.starts_with(t.as_str())))
}

/// The code of a file without its `#[cfg(test)]` items (an inline `mod tests { … }`, a
/// test-only helper module or function, a `use` for tests, each left as blank lines) and
/// without comments.
fn code_of(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut at = 0;
    while at < lines.len() {
        let line = lines[at];
        if line.trim() == "#[cfg(test)]" {
            // Blank lines in its place keep the line numbers of the code after it.
            let next = (end_of_item(&lines, at + 1) + 1).min(lines.len());
            out.push_str(&"\n".repeat(next - at));
            at = next;
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        out.push_str(code);
        out.push('\n');
        at += 1;
    }
    out
}

/// The last line of the item starting at `start`, past any further attributes (rustfmt
/// layout: an item ends at its first line ending in `;`, or, when that line opens a body
/// with `{`, at the closing brace standing alone at the item's indentation).
fn end_of_item(lines: &[&str], start: usize) -> usize {
    let Some(first) = (start..lines.len()).find(|&i| !lines[i].trim_start().starts_with("#["))
    else {
        return lines.len();
    };
    let line = lines[first];
    let indent = &line[..line.len() - line.trim_start().len()];
    let Some(open) = (first..lines.len())
        .find(|&i| lines[i].trim_end().ends_with('{') || lines[i].trim_end().ends_with(';'))
    else {
        return lines.len();
    };
    if lines[open].trim_end().ends_with(';') {
        return open;
    }
    let close = format!("{indent}}}");
    (open + 1..lines.len())
        .find(|&i| lines[i].trim_end() == close)
        .unwrap_or(lines.len())
}

/// The top-level modules `code` names after `crate::`, in paths and in `use crate::{…}`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = group.split('}').next().unwrap_or("");
            // Only the first segment of each item: `{a::b, c}` names a and c.
            let mut depth = 0;
            let mut item = String::new();
            for c in body.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.insert(ident(item.trim()));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            found.insert(ident(item.trim()));
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty() && m != "self");
    found
}

/// Every arrow back up in `code`, a file of `module` (its top-level module) at `rel`.
fn upward_arrows(rel: &str, module: &str, code: &str) -> Vec<String> {
    let Some(from) = layer_of(module) else {
        return vec![format!(
            "{rel}: module `{module}` is in no layer (add it to LAYERS)"
        )];
    };
    let mut wrong = Vec::new();
    for target in crate_paths(code) {
        if target == module {
            continue;
        }
        let Some(to) = layer_of(&target) else {
            continue; // a crate-root item, not a module
        };
        let sim_outside = target == "sim" && !SIM_ONLY_FROM.contains(&module);
        if (!may_import(from, to) || sim_outside)
            && !KNOWN_EXCEPTIONS.contains(&(rel, target.as_str()))
        {
            wrong.push(format!("{rel} ({from}) imports crate::{target} ({to})"));
        }
    }
    wrong
}

#[test]
fn arrows_point_down() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let tests = test_modules(&src, &files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = relative(file, &src);
        if is_test_file(&rel, &tests) || matches!(rel.as_str(), "lib.rs" | "main.rs") {
            continue;
        }
        let module = rel
            .split('/')
            .next()
            .unwrap_or(&rel)
            .trim_end_matches(".rs")
            .to_string();
        let text = fs::read_to_string(file).expect("readable");
        wrong.extend(upward_arrows(&rel, &module, &code_of(&text)));
        checked += 1;
    }
    assert!(checked > 100, "only {checked} files read under {src:?}");
    assert!(
        wrong.is_empty(),
        "arrows back up (see ARCHITECTURE.md):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_arrow_check_catches_an_engine_reaching_up() {
    let code = "use crate::aws::Backend;\nuse crate::{domain::Queue, commands::resolve};\n";
    assert_eq!(
        upward_arrows("redrive/sources.rs", "redrive", code),
        ["redrive/sources.rs (engines) imports crate::commands (cli verbs)"]
    );
    let code = "fn f() { crate::app::x(); crate::sim::backend(); }";
    assert_eq!(upward_arrows("commands/peek.rs", "commands", code).len(), 2);
    assert!(upward_arrows("ui/health.rs", "ui", "crate::app::App; crate::health::x").is_empty());
    let inline_tests =
        "use crate::domain::Queue;\n#[cfg(test)]\nmod tests {\n use crate::sim;\n}\n";
    assert!(upward_arrows("inventory/queues.rs", "inventory", &code_of(inline_tests)).is_empty());
}

#[test]
fn test_only_items_anywhere_in_a_file_are_test_code() {
    let text = "use crate::domain::Queue;\n\
                #[cfg(test)]\n\
                pub(crate) mod test_world {\n    use crate::sim;\n    fn f() {\n        sim::x();\n    }\n}\n\
                #[cfg(test)]\n\
                use crate::sim::held;\n\
                pub fn after() {\n    crate::app::x();\n}\n\
                #[cfg(test)]\n\
                mod tests {\n    use crate::sim;\n}\n";
    let code = code_of(text);
    assert_eq!(
        upward_arrows("messages/fifo_reach.rs", "messages", &code),
        ["messages/fifo_reach.rs (engines) imports crate::app (app)"],
        "the code between and after test items is still checked:\n{code}"
    );
    let test_fn = "#[cfg(test)]\n#[must_use]\npub fn for_tests(\n    x: u8,\n) -> u8 {\n    crate::sim::y(x)\n}\nfn kept() {}\n";
    assert_eq!(
        code_of(test_fn),
        format!("{}fn kept() {{}}\n", "\n".repeat(7))
    );
}

/// Each function's first line and length in `text` (rustfmt layout: the closing brace of a
/// body stands alone at the indentation of its `fn`).
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(at) = trimmed.find("fn ") else {
            continue;
        };
        let before = &trimmed[..at];
        let is_fn = before.split_whitespace().all(|word| {
            word.starts_with("pub") || matches!(word, "const" | "async" | "unsafe" | "extern")
        });
        if !is_fn || trimmed.starts_with("//") {
            continue;
        }
        let name: String = trimmed[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let indent = &line[..line.len() - trimmed.len()];
        let close = format!("{indent}}}");
        // The signature ends at the first line ending in `{` (a body) or `;` (none).
        let Some(open) = (start..lines.len())
            .find(|&i| lines[i].trim_end().ends_with('{') || lines[i].trim_end().ends_with(';'))
        else {
            continue;
        };
        if lines[open].trim_end().ends_with(';') {
            continue;
        }
        if let Some(end) = (open + 1..lines.len()).find(|&i| lines[i] == close) {
            found.push((name, start + 1, end - start + 1));
        }
    }
    found
}

#[test]
fn files_and_functions_stay_small() {
    let root = root();
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let tests = test_modules(&src, &files);
    rust_files(&root.join("tests"), &mut files);
    let mut over = Vec::new();
    for file in &files {
        let rel = relative(file, &root);
        let text = fs::read_to_string(file).expect("readable");
        let lines = text.lines().count();
        let file_limit = LONG_FILES
            .iter()
            .find(|(f, _)| *f == rel)
            .map_or(500, |(_, n)| *n);
        if lines > file_limit {
            over.push(format!("{rel}: {lines} lines (limit {file_limit})"));
        }
        // The function rule is for the code itself; a test may tell a long story.
        let in_src = rel.strip_prefix("src/");
        if in_src.is_none_or(|r| is_test_file(r, &tests)) {
            continue;
        }
        for (name, line, length) in functions(&code_of(&text)) {
            let limit = LONG_FUNCTIONS
                .iter()
                .find(|(f, n, _)| *f == rel && *n == name)
                .map_or(80, |(_, _, n)| *n);
            if length > limit {
                over.push(format!(
                    "{rel}:{line} fn {name}: {length} lines (limit {limit})"
                ));
            }
        }
    }
    assert!(over.is_empty(), "too long:\n{}", over.join("\n"));
}

#[test]
fn function_lengths_are_measured_from_signature_to_closing_brace() {
    let text = "fn a() {\n    x();\n}\n\nimpl T {\n    pub async fn b(\n        y: u8,\n    ) -> u8 {\n        y\n    }\n    fn c(&self);\n}\n";
    assert_eq!(
        functions(text),
        [("a".to_string(), 1, 3), ("b".to_string(), 6, 5)]
    );
}
