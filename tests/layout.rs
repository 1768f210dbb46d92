//! The server's layout, checked: `src/server/` is a handful of rooms (folders) and
//! top-level files, and imports between them flow one way (README "Architecture").
//!
//! Every path in every file of `src/server/` that names another part of the server
//! (`crate::server::…` or `super::…`) is resolved to the file it reaches, then checked:
//! - a room imports only the rooms and top-level files [`RULES`] allows it;
//! - nothing reaches into `server/mod.rs` for a helper (it only builds the router);
//! - no two files import each other.
//!
//! Run it alone with `cargo test --features ssr --test layout`.

#[path = "layout/modules.rs"]
mod modules;
#[path = "layout/reached.rs"]
mod reached;

use modules::{all_files, declared};
use reached::Reached;
use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};
use syn::visit::Visit;

/// Each part of the server (a room, or a top-level file) and what it may import, listed
/// so that every part imports only parts listed before it.
const RULES: &[(&str, &[&str])] = &[
    ("clock", &[]),
    ("hub", &[]),
    ("net", &[]),
    ("config", &[]),
    ("engine", &["hub", "clock"]),
    ("producers", &["hub", "engine", "config", "clock"]),
    ("presence", &["engine", "clock"]),
    ("error", &["engine"]),
    ("access", &["config", "error", "clock"]),
    (
        "app_state",
        &[
            "config",
            "hub",
            "engine",
            "producers",
            "presence",
            "access",
            "error",
            "clock",
        ],
    ),
    (
        "http",
        &[
            "app_state",
            "access",
            "producers",
            "presence",
            "hub",
            "engine",
            "net",
            "config",
            "error",
            "clock",
        ],
    ),
];

/// At most this many files directly in `src/server/` (the rest live in rooms).
const MAX_TOP_LEVEL_FILES: usize = 4;

fn server_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server")
}

/// The file a module path reaches: the longest prefix that is a file of the server.
fn file_of<'a>(path: &[String], files: &'a BTreeMap<Vec<String>, PathBuf>) -> Option<&'a PathBuf> {
    (0..=path.len()).rev().find_map(|n| files.get(&path[..n]))
}

fn part_of(module: &[String]) -> &str {
    module.first().map_or("mod.rs", String::as_str)
}

#[test]
fn imports_flow_one_way() {
    let mut all = Vec::new();
    declared(server_dir().join("mod.rs"), Vec::new(), &mut all);
    let mut on_disk = BTreeSet::new();
    all_files(&server_dir(), &mut on_disk);
    for source in &all {
        on_disk.remove(&source.file);
    }
    assert!(on_disk.is_empty(), "files no module declares: {on_disk:?}");
    // A module's file; of a `cfg` choice (`site`), either stands for both.
    let files: BTreeMap<Vec<String>, PathBuf> = all
        .iter()
        .map(|s| (s.module.clone(), s.file.clone()))
        .collect();
    let modules: BTreeSet<Vec<String>> = files.keys().cloned().collect();
    let rules: BTreeMap<&str, &[&str]> = RULES.iter().copied().collect();
    let mut problems = Vec::new();
    let mut edges = BTreeSet::new();
    for source in &all {
        let text = fs::read_to_string(&source.file).expect("a readable source file");
        let syntax = syn::parse_file(&text).expect("a file that parses");
        let mut reached = Reached {
            module: &source.module,
            inline: Vec::new(),
            children: &modules,
            paths: Vec::new(),
        };
        reached.visit_file(&syntax);
        let from = part_of(&source.module);
        let name = source
            .file
            .strip_prefix(server_dir())
            .unwrap()
            .display()
            .to_string();
        for path in reached.paths {
            let Some(target) = file_of(&path, &files) else {
                problems.push(format!(
                    "{name}: `{}` reaches server/mod.rs",
                    path.join("::")
                ));
                continue;
            };
            if target == &source.file {
                continue;
            }
            edges.insert((source.file.clone(), target.clone()));
            let to = part_of(&path);
            if from == "mod.rs" || from == to {
                continue;
            }
            match rules.get(from) {
                None => problems.push(format!("{name}: `{from}` is not a known room")),
                Some(allowed) if !allowed.contains(&to) => problems.push(format!(
                    "{name}: room `{from}` imports `{}`; it may import only {allowed:?}",
                    path.join("::")
                )),
                Some(_) => {}
            }
        }
    }
    for (a, b) in &edges {
        if a < b && edges.contains(&(b.clone(), a.clone())) {
            problems.push(format!(
                "{} and {} import each other",
                a.display(),
                b.display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "layout rules broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn rules_list_each_room_after_what_it_imports() {
    for (i, (room, allowed)) in RULES.iter().enumerate() {
        let earlier: Vec<&str> = RULES[..i].iter().map(|(r, _)| *r).collect();
        for import in *allowed {
            assert!(
                earlier.contains(import),
                "{room} may import {import}, listed after it"
            );
        }
    }
}

#[test]
fn the_server_folder_shows_its_rooms() {
    let mut top_files = Vec::new();
    for entry in fs::read_dir(server_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            assert!(
                RULES.iter().any(|(r, _)| *r == name),
                "room {name} has no rule"
            );
        } else if name != "mod" {
            assert!(
                RULES.iter().any(|(r, _)| *r == name),
                "file {name}.rs has no rule"
            );
            top_files.push(name);
        }
    }
    // mod.rs and the others.
    let files = 1 + top_files.len();
    assert!(
        files <= MAX_TOP_LEVEL_FILES,
        "src/server holds mod.rs and {top_files:?}: more than {MAX_TOP_LEVEL_FILES} files"
    );
}
