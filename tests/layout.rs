//! The server's layout, checked: `src/server/` is a handful of rooms (folders) and
//! top-level files, and imports between them flow one way (README "Architecture").
//!
//! Every path in every file of `src/server/` that names another part of the server
//! (`crate::server::…` or `super::…`) is resolved to the file it reaches, then checked:
//! - a room imports only the rooms and top-level files [`RULES`] allows it;
//! - nothing reaches into `server/mod.rs` for a helper (it only builds the router);
//! - no two files import each other.
//!
//! Run it alone with `cargo test --test layout`.

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
    ("error", &["engine"]),
    ("access", &["config", "error", "clock"]),
    (
        "app_state",
        &[
            "config",
            "hub",
            "engine",
            "producers",
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

/// A file of the server and the module path it is compiled as (relative to `server`).
struct Source {
    file: PathBuf,
    module: Vec<String>,
}

/// Every file the server's module tree declares, from `server/mod.rs` down, following each
/// `mod name;` (and its `#[path]`) as rustc does. Both files of a `cfg` choice are kept.
fn declared(file: PathBuf, module: Vec<String>, out: &mut Vec<Source>) {
    let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let syntax = syn::parse_file(&text).expect("a file that parses");
    let dir = file.parent().expect("a file in a folder").to_owned();
    let is_mod_rs = file.file_name().is_some_and(|n| n == "mod.rs");
    for item in &syntax.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.content.is_some() {
            continue;
        }
        let name = m.ident.to_string();
        let child = match path_attribute(&m.attrs) {
            Some(path) => dir.join(path),
            None => {
                let base = if is_mod_rs {
                    dir.clone()
                } else {
                    dir.join(file.file_stem().expect("a file name"))
                };
                let flat = base.join(format!("{name}.rs"));
                if flat.exists() {
                    flat
                } else {
                    base.join(&name).join("mod.rs")
                }
            }
        };
        let mut path = module.clone();
        path.push(name);
        declared(child, path, out);
    }
    out.push(Source { file, module });
}

fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn all_files(dir: &Path, out: &mut BTreeSet<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/server is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            all_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.insert(path);
        }
    }
}

/// Collects the module paths (relative to `server`) that a file's paths reach.
struct Reached<'a> {
    module: &'a [String],
    /// Inline modules (`mod tests { … }`) around the current item.
    inline: Vec<String>,
    /// Every module of the server, to tell a child module from an outside crate.
    children: &'a BTreeSet<Vec<String>>,
    paths: Vec<Vec<String>>,
}

impl Reached<'_> {
    fn here(&self) -> Vec<String> {
        let mut here = self.module.to_vec();
        here.extend(self.inline.iter().cloned());
        here
    }

    /// Resolves `segments` as written; keeps it if it lands in the server.
    fn note(&mut self, segments: Vec<String>) {
        let resolved = match segments.first().map(String::as_str) {
            Some("crate") if segments.get(1).is_some_and(|s| s == "server") => {
                segments[2..].to_vec()
            }
            Some("super") => {
                let mut base = self.here();
                let mut rest = segments.as_slice();
                while rest.first().is_some_and(|s| s == "super") {
                    if base.pop().is_none() {
                        return; // Leaves the server: `crate::…` by another name.
                    }
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                base
            }
            Some("self") => [self.here(), segments[1..].to_vec()].concat(),
            // A child module, named from its parent (`use drive::drive;` in `jobs/mod.rs`).
            Some(first)
                if self
                    .children
                    .contains(&[self.here(), vec![first.to_owned()]].concat()) =>
            {
                [self.here(), segments].concat()
            }
            _ => return,
        };
        self.paths.push(resolved);
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) if n.ident == "self" => self.note(prefix.clone()),
            syn::UseTree::Name(n) => {
                self.note([prefix.clone(), vec![n.ident.to_string()]].concat())
            }
            syn::UseTree::Rename(r) => {
                self.note([prefix.clone(), vec![r.ident.to_string()]].concat())
            }
            syn::UseTree::Glob(_) => self.note(prefix.clone()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(prefix, t)),
        }
    }
}

impl<'ast> Visit<'ast> for Reached<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.note(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }

    /// Macro arguments are tokens, not syntax: paths in them are read off the tokens.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let mut tokens = Vec::new();
        flatten(mac.tokens.clone(), &mut tokens);
        let mut i = 0;
        while i < tokens.len() {
            let mut path = vec![tokens[i].clone()];
            while tokens.get(i + 1).is_some_and(|t| t == "::") && tokens.get(i + 2).is_some() {
                path.push(tokens[i + 2].clone());
                i += 2;
            }
            if path.len() > 1 {
                self.note(path);
            }
            i += 1;
        }
        syn::visit::visit_macro(self, mac);
    }

    /// `pub(super)` names who may see an item, not what the item uses.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_some() {
            self.inline.push(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.inline.pop();
        }
    }
}

/// A macro's tokens as words, with `::` kept as one.
fn flatten(stream: proc_macro2::TokenStream, out: &mut Vec<String>) {
    let mut colon = false;
    for token in stream {
        match token {
            proc_macro2::TokenTree::Group(g) => flatten(g.stream(), out),
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' => {
                if colon {
                    out.push("::".into());
                }
                colon = !colon && p.spacing() == proc_macro2::Spacing::Joint;
            }
            other => {
                colon = false;
                out.push(other.to_string());
            }
        }
    }
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
