//! What a file's paths reach: every `crate::server::…`, `super::…`, `self::…` or child
//! module path, in `use` items, in code and in macro arguments, resolved to a module path
//! relative to `server`.

use std::collections::BTreeSet;
use syn::visit::Visit;

/// Collects the module paths (relative to `server`) that a file's paths reach.
pub struct Reached<'a> {
    pub module: &'a [String],
    /// Inline modules (`mod tests { … }`) around the current item.
    pub inline: Vec<String>,
    /// Every module of the server, to tell a child module from an outside crate.
    pub children: &'a BTreeSet<Vec<String>>,
    pub paths: Vec<Vec<String>>,
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
