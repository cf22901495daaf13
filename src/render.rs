//! Templates: built-ins embedded in the binary, overridable by the repository's `templates/`.
//!
//! Rendering is pure: the repository's templates are handed in as text (the store reads them),
//! and a template can reach nothing but the data it is given — no filesystem, no network — and
//! runs with a fuel limit, so a user template that loops forever stops with a clear error.

use crate::diagnostic::{Diagnostic, Pos};
use crate::error::{Error, Result};
use minijinja::Environment;
use serde::Serialize;
use std::collections::BTreeMap;

/// The folder, under the watchbill root, whose files override the built-in templates.
pub const DIR: &str = "templates";

/// Enough for any real summary; a runaway loop runs out of it in well under a second.
const FUEL: u64 = 5_000_000;

/// The built-in templates, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("handover.md", include_str!("../templates/handover.md")),
    ("review.md", include_str!("../templates/review.md")),
];

/// Renders templates by name, a repository's own first.
pub struct Renderer {
    env: Environment<'static>,
    overrides: BTreeMap<String, String>,
}

impl Renderer {
    /// `overrides` maps template names to the repository's `templates/<name>` texts.
    pub fn new(overrides: BTreeMap<String, String>) -> Renderer {
        let mut env = Environment::new();
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build() {
            env.set_syntax(syntax);
        }
        env.set_fuel(Some(FUEL));
        let user = overrides.clone();
        // One loader for every name, so a repository's file always wins over the built-in.
        env.set_loader(move |name| {
            Ok(user
                .get(name)
                .cloned()
                .or_else(|| BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string())))
        });
        Renderer { env, overrides }
    }

    /// Renders `name` with `data`; a template error names the file, line and column.
    pub fn render<S: Serialize>(&self, name: &str, data: &S) -> Result<String> {
        let located = |e: minijinja::Error| self.error(name, e);
        let tmpl = self.env.get_template(name).map_err(located)?;
        tmpl.render(minijinja::value::Serde(data)).map_err(located)
    }

    fn error(&self, name: &str, e: minijinja::Error) -> Error {
        let file = e.name().unwrap_or(name).to_string();
        let user = self.overrides.contains_key(&file);
        let path = if user { format!("{DIR}/{file}") } else { format!("(built-in) {file}") };
        let column =
            e.range().and_then(|r| self.overrides.get(&file).map(|t| column_of(t, r.start))).unwrap_or(1);
        let pos = e.line().map(|line| Pos { line, column });
        let message = match e.kind() {
            minijinja::ErrorKind::OutOfFuel => {
                "the template ran too long (a loop that never ends?)".to_string()
            }
            _ => e.detail().map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind())),
        };
        let d = Diagnostic::error("template", path.clone(), message.clone())
            .at(pos)
            .help("fix the template, or delete it to use the built-in (`watchbill templates show NAME`)");
        Error::problems(format!("cannot render {path}: {message}"), vec![d])
    }
}

fn column_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text.get(line_start..offset).map_or(1, |s| s.chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &str, text: &str) -> Renderer {
        Renderer::new([(name.to_string(), text.to_string())].into_iter().collect())
    }

    #[test]
    fn a_repository_template_overrides_the_builtin() {
        let r = with("handover.md", "mine: {{ x }}\n");
        assert_eq!(r.render("handover.md", &serde_json::json!({"x": 1})).unwrap(), "mine: 1\n");
    }

    #[test]
    fn a_broken_template_is_located() {
        let r = with("handover.md", "ok\n{% for x in %}\n");
        let e = r.render("handover.md", &()).unwrap_err();
        let d = &e.diagnostics[0];
        assert_eq!(d.path, "templates/handover.md");
        assert_eq!(d.line, Some(2), "{d:?}");
    }

    #[test]
    fn an_endless_template_runs_out_of_fuel() {
        let r = with(
            "handover.md",
            "{% for i in range(10000) %}{% for j in range(10000) %}{{ i }}{% endfor %}{% endfor %}",
        );
        let e = r.render("handover.md", &()).unwrap_err();
        assert!(e.message.contains("ran too long"), "{}", e.message);
    }
}
