//! `watchbill site`: the crew's static web site, as a list of pages (path, bytes).
//!
//! Pure, like the summaries it is made of: the model, "now" and the templates in, the pages
//! out; [`sync`] is the one part that touches the disk. Every page is rendered by a template
//! under `site/` (`templates/site/` in the source, overridable by the crew's repository) that
//! includes the summaries' own parts (`_journal.html`, `_scoreboard.html`, `_rota.html`,
//! `_maturity.html`, `_style.css`), so a crew's overrides apply to the site too.
//!
//! The site fetches nothing from elsewhere and runs no script: every page carries [`CSP`],
//! links are relative (it works opened from disk and served from a sub-path such as GitHub
//! Pages' `/<repo>/`), and only `--base-url` makes absolute addresses (the canonical link and
//! the calendar subscription).
//!
//! A page shows what "now" changes only where it must (the home page, the objectives, the
//! rota's tenses, the current week), so a rebuild a day later rewrites few files.
//!
//! Incremental: every page has a [`Fingerprint`] of what it is made from (the data its template
//! sees, its template and path, and a salt naming the binary and every template). Given the
//! fingerprints of the files an earlier build left intact ([`Known`], read by [`sync`]), a page
//! whose fingerprint is unchanged is not rendered again ([`Body::Kept`]).

mod data;
mod org;
pub mod sync;

use crate::error::Result;
use crate::model::Model;
use crate::render::Renderer;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

pub use data::{Body, Page};
pub use org::links as coach_links;

/// The policy of every page: nothing but the site's own style sheet and inline images.
pub const CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/// How the site is built.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Where the site is served (`https://crew.example.org/site/`), for absolute addresses.
    pub base_url: Option<String>,
    /// The `render org` page of the repository's crews, when it holds several: `org.html`.
    pub org: Option<serde_json::Value>,
    /// What else every page is made from: the binary and the templates ([`salt`]). Pages are
    /// only reused from a build with the same salt.
    pub salt: Fingerprint,
}

/// A hash of what a page is made from. Only ever compared with fingerprints made by the same
/// binary (the salt names it), so std's hasher, fast and unspecified across releases, will do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    /// The fingerprint of `bytes` under `salt`.
    pub fn of(salt: Fingerprint, bytes: &[u8]) -> Fingerprint {
        let mut h = Hashing::new(salt);
        h.write_bytes(bytes);
        h.finish()
    }

    /// As the manifest writes it: 16 hex digits.
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }

    pub fn from_hex(s: &str) -> Option<Fingerprint> {
        (s.len() == 16).then(|| u64::from_str_radix(s, 16).ok().map(Fingerprint)).flatten()
    }
}

/// A fingerprint being made, fed as a writer (so data is hashed as it is serialised, never
/// held as text).
pub(crate) struct Hashing(std::collections::hash_map::DefaultHasher);

impl Hashing {
    pub(crate) fn new(salt: Fingerprint) -> Hashing {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hasher::write_u64(&mut h, salt.0);
        Hashing(h)
    }

    pub(crate) fn write_bytes(&mut self, bytes: &[u8]) {
        // A length first, so ("ab", "c") and ("a", "bc") differ.
        std::hash::Hasher::write_usize(&mut self.0, bytes.len());
        std::hash::Hasher::write(&mut self.0, bytes);
    }

    pub(crate) fn finish(&self) -> Fingerprint {
        Fingerprint(std::hash::Hasher::finish(&self.0))
    }
}

impl std::io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::hash::Hasher::write(&mut self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The salt of a build: `binary` (the running program's bytes, or its version when they cannot
/// be read), the templates (built-in and the repository's), the time zone pages are shown in.
/// Any of them changed, every page is rendered again.
pub fn salt(binary: &[u8], overrides: &std::collections::BTreeMap<String, String>, tz: &str) -> Fingerprint {
    let mut h = Hashing::new(Fingerprint(MANIFEST_VERSION));
    h.write_bytes(binary);
    for (name, text) in crate::render::BUILTIN.iter().map(|(n, t)| (*n, *t)) {
        h.write_bytes(name.as_bytes());
        h.write_bytes(text.as_bytes());
    }
    for (name, text) in overrides {
        h.write_bytes(name.as_bytes());
        h.write_bytes(text.as_bytes());
    }
    h.write_bytes(tz.as_bytes());
    h.finish()
}

/// Bumped when what a fingerprint covers changes.
const MANIFEST_VERSION: u64 = 1;

/// The fingerprints of the pages an earlier build left in the folder, intact, by path: a page
/// with the same fingerprint now is that file.
pub type Known = std::collections::HashMap<String, Fingerprint>;

/// Every page of the site, as it stands at `now`, in path order; a page of `known` with the
/// same fingerprint is [`Body::Kept`], not rendered. `progress` is told how many pages are done
/// out of how many.
pub fn build(
    model: &Model,
    now: DateTime<FixedOffset>,
    renderer: &Renderer,
    options: &Options,
    known: &Known,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Page>> {
    let plan = data::Plan::new(model, now, options, known);
    let mut pages = plan.render(renderer, options, progress)?;
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

/// A link in the site: a path from its root, and what it shows.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub href: String,
    pub title: String,
}

/// Path segments for names from the files (services, member, objective or entry ids), in a
/// folder: a name is its own segment, lowercased, when that is a safe file name not taken yet
/// (case-insensitive disks too); else its slug and a short hash of it. So no two names share a
/// page, and no name climbs out of its folder or hides as a dot-file.
pub fn segments<'a>(names: impl IntoIterator<Item = &'a str>) -> std::collections::HashMap<String, String> {
    let mut taken = std::collections::HashSet::new();
    let mut out = std::collections::HashMap::new();
    for name in names {
        if out.contains_key(name) {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let safe = !lower.is_empty()
            && lower.len() <= 100
            && !lower.starts_with(['.', '-'])
            && lower.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'));
        let seg = if safe && !taken.contains(&lower) { lower } else { hashed(name) };
        taken.insert(seg.clone());
        out.insert(name.to_string(), seg);
    }
    out
}

/// A name's slug and a short hash of the name itself.
fn hashed(name: &str) -> String {
    let slug = crate::model::logbook::slug(name, 40);
    // FNV-1a: small, and stable across versions and platforms (std's hasher promises neither).
    let hash =
        name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let short = format!("{:08x}", hash >> 32);
    if slug.is_empty() {
        short
    } else {
        format!("{slug}-{short}")
    }
}

/// `../` as many times as `path` has folders: the way back to the site's root.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_safe_unique_file_names() {
        let names = [
            "db",
            "20261123T0800-db-slow-ab12",
            "../../etc/passwd",
            "<script>",
            "",
            ".hidden",
            "API",
            "api",
            "a/b",
            "a\nb",
            "a b",
            "a-b",
        ];
        let s = segments(names);
        assert_eq!(s["db"], "db");
        assert_eq!(s["20261123T0800-db-slow-ab12"], "20261123t0800-db-slow-ab12");
        for n in names {
            let seg = &s[n];
            assert!(
                !seg.is_empty()
                    && !seg.starts_with(['.', '-'])
                    && seg
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_')),
                "{n:?} gave {seg:?}"
            );
        }
        let unique: std::collections::HashSet<&String> = s.values().collect();
        assert_eq!(unique.len(), names.len(), "{s:?}");
        assert_eq!(segments(names), s, "the same names give the same segments");
    }

    #[test]
    fn roots_climb_back_from_every_folder() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("journal/2026-W47.html"), "../");
        assert_eq!(root_of("incidents/2026-W47/x.html"), "../../");
    }
}
