//! The server's module tree as rustc sees it: which file is which module.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

/// A file of the server and the module path it is compiled as (relative to `server`).
pub struct Source {
    pub file: PathBuf,
    pub module: Vec<String>,
}

/// Every file the server's module tree declares, from `server/mod.rs` down, following each
/// `mod name;` (and its `#[path]`) as rustc does. Both files of a `cfg` choice are kept.
pub fn declared(file: PathBuf, module: Vec<String>, out: &mut Vec<Source>) {
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

pub fn all_files(dir: &Path, out: &mut BTreeSet<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/server is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            all_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.insert(path);
        }
    }
}
