//! The daemon's binary is linked with `startup.ld` (see `build.rs`), and the script still
//! names the code it runs at start: its functions are the first of the binary's text, and
//! most of its patterns name a function. The idle RSS this buys is measured by `psc-bench`
//! (docs/BENCHMARKS.md); this test keeps the layout from silently going stale, e.g. after
//! a dependency bump renames the functions the script lists: then rerun
//! `scripts/startup-order`.
//!
//! It reads the symbol table with `nm` (binutils, installed with the C toolchain the build
//! needs anyway).

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::process::Command;

/// The first pattern of each line of the script: `*(.text.NAME .text.unlikely.NAME ...)`.
fn patterns() -> Vec<String> {
    let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/startup.ld"))
        .expect("crates/daemon/startup.ld");
    script
        .lines()
        .filter_map(|line| line.trim().strip_prefix("*(.text."))
        .map(|rest| rest.split_whitespace().next().unwrap().to_owned())
        .collect()
}

/// The binary's functions, lowest address first.
fn functions() -> Vec<(u64, String)> {
    let output = Command::new("nm")
        .args(["--defined-only", env!("CARGO_BIN_EXE_parsec")])
        .output()
        .expect("running nm (binutils) on the daemon's binary");
    assert!(output.status.success(), "nm failed: {output:?}");
    let mut functions: Vec<(u64, String)> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (address, kind, name) = (fields.next()?, fields.next()?, fields.next()?);
            matches!(kind, "t" | "T" | "w" | "W")
                .then(|| (u64::from_str_radix(address, 16).unwrap(), name.to_owned()))
        })
        .collect();
    functions.sort();
    functions
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters (the only
/// wildcard the generator writes).
fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let mut parts = parts.peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Patterns by the first few characters before their first `*`.
struct Index {
    lengths: Vec<usize>,
    by_start: std::collections::HashMap<String, Vec<usize>>,
}

impl Index {
    const KEY: usize = 10;

    fn new(patterns: &[String]) -> Index {
        let mut index = Index {
            lengths: Vec::new(),
            by_start: Default::default(),
        };
        for (at, pattern) in patterns.iter().enumerate() {
            let literal = pattern.split('*').next().unwrap_or_default();
            let key: String = literal.chars().take(Self::KEY).collect();
            if !index.lengths.contains(&key.len()) {
                index.lengths.push(key.len());
            }
            index.by_start.entry(key).or_default().push(at);
        }
        index
    }

    fn candidates<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.lengths
            .iter()
            .filter_map(|&length| name.get(..length))
            .filter_map(|start| self.by_start.get(start))
            .flatten()
            .copied()
    }
}

#[test]
fn glob_matching() {
    assert!(matches(
        "_ZN4toml2de17h*",
        "_ZN4toml2de17h0123456789abcdefE"
    ));
    assert!(matches("sqlite3Initialize", "sqlite3Initialize"));
    assert!(!matches("sqlite3Initialize", "sqlite3InitializeX"));
    assert!(matches("_RNvCs*_3std4main", "_RNvCsAbC_3std4main"));
    assert!(matches("a*b*c", "a__b__c"));
    assert!(!matches("a*b*c", "a__c__b"));
    assert!(!matches("_ZN4toml2de17h*", "_ZN4toml2se17h0E"));
}

#[test]
fn start_up_code_comes_first_and_the_script_is_current() {
    let patterns = patterns();
    assert!(
        patterns.len() > 500,
        "startup.ld lists {} patterns",
        patterns.len()
    );
    let functions = functions();
    // Which patterns each function matches, looking only at patterns that begin as it does.
    let index = Index::new(&patterns);
    let mut named = vec![false; patterns.len()];
    let listed_functions: Vec<bool> = functions
        .iter()
        .map(|(_, name)| {
            let mut listed = false;
            for at in index.candidates(name) {
                if matches(&patterns[at], name) {
                    named[at] = true;
                    listed = true;
                }
            }
            listed
        })
        .collect();
    let named = named.iter().filter(|&&named| named).count();
    let current = named as f64 / patterns.len() as f64;
    eprintln!(
        "{named} of {} patterns name a function of this binary",
        patterns.len()
    );
    // A release build matches all of them; a debug build about 93 % (more is inlined in a
    // release build, so some names exist only there).
    assert!(
        current >= 0.85,
        "startup.ld is stale: only {:.0} % of its patterns name a function; run scripts/startup-order",
        current * 100.0
    );

    // The linker places the listed functions first: of as many functions as the script
    // names, counted from the start of the text, nearly all are listed ones (the rest are
    // code that shares a section with one, e.g. assembly). Without the script about 9 % are.
    let count = listed_functions.iter().filter(|&&listed| listed).count();
    let first = listed_functions[..count]
        .iter()
        .filter(|&&listed| listed)
        .count();
    let packed = first as f64 / count as f64;
    eprintln!("of the first {count} functions, {first} are listed in startup.ld");
    assert!(
        packed >= 0.95,
        "the start-up code is not packed first ({:.0} %): is startup.ld passed to the linker (build.rs)?",
        packed * 100.0
    );
}
