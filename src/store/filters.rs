//! git's line-end filters, so the working tree holds what `git checkout` would write and the
//! commit holds what `git add` would store: `text`/`eol` attributes and `core.autocrlf` /
//! `core.eol`, as git's convert.c applies them. The clean side (working tree to git) is
//! libgit2's own filter, through a blob writer given the path; the smudge side (git to working
//! tree) is git's rule below, which libgit2 does not expose. An edit keeps its file's byte-order
//! mark and line ends ([`keep_style`]), so it changes only the lines it means to.

use super::*;

/// The blob git would store for `bytes` at `repo_path` (`git add`'s clean filter).
pub(super) fn cleaned(repo: &Repository, repo_path: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let what = || git_error(format!("cannot store {repo_path} in git"));
    // The filter's attribute lookup reads git's index without our locks (attributes may come
    // from the index), and another writer may be replacing it: an index libgit2 could not
    // read is read again, a few times, before it counts as broken.
    let mut attempt = 0;
    let id = loop {
        match blob_through_filter(repo, repo_path, bytes) {
            Ok(id) => break id,
            Err(e) if e.class() == git2::ErrorClass::Index && attempt < 10 => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(10));
                if let Ok(mut index) = repo.index() {
                    let _ = index.read(true);
                }
            }
            Err(e) => return Err(what()(e)),
        }
    };
    let blob = repo.find_blob(id).map_err(what())?;
    Ok(blob.content().to_vec())
}

fn blob_through_filter(
    repo: &Repository,
    repo_path: &str,
    bytes: &[u8],
) -> std::result::Result<Oid, git2::Error> {
    let mut writer = repo.blob_writer(Some(Path::new(repo_path)))?;
    writer.write_all(bytes).map_err(|e| git2::Error::from_str(&e.to_string()))?;
    writer.commit()
}

/// The change set as git would store it: contents and bases through the clean filter, so
/// comparisons with the branch and the index are of like with like.
pub(super) fn cleaned_set(repo: &Repository, prefix: &str, set: &ChangeSet) -> Result<ChangeSet> {
    let mut changes = Vec::with_capacity(set.changes.len());
    for c in &set.changes {
        let repo_path = in_repo(prefix, &c.path);
        let base = match &c.base {
            Base::Absent => Base::Absent,
            Base::Bytes(b) => Base::Bytes(cleaned(repo, &repo_path, b)?),
            Base::Moved { from, bytes } => {
                Base::Moved { from: from.clone(), bytes: cleaned(repo, &in_repo(prefix, from), bytes)? }
            }
        };
        changes.push(FileWrite {
            path: c.path.clone(),
            contents: cleaned(repo, &repo_path, &c.contents)?,
            base,
        });
    }
    Ok(ChangeSet { message: set.message.clone(), changes })
}

/// How git converts line ends of a path on checkout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Eol {
    /// Written as stored.
    AsIs,
    /// LF becomes CRLF (always, for `text`).
    Crlf,
    /// LF becomes CRLF when the blob looks like text and holds no CR (`text=auto`).
    AutoCrlf,
}

/// git's checkout conversion for `repo_path`: the `text` and `eol` attributes, then
/// `core.autocrlf`, then `core.eol` (convert.c's `convert_attrs` and `text_eol_is_crlf`).
pub(super) fn checkout_eol(repo: &Repository, config: &GitConfig, repo_path: &str) -> Result<Eol> {
    use git2::AttrValue;
    let attr = |name: &str| -> Result<AttrValue<'_>> {
        let flags = git2::AttrCheckFlags::FILE_THEN_INDEX;
        repo.get_attr(Path::new(repo_path), name, flags)
            .map(AttrValue::from_string)
            .map_err(git_error(format!("cannot read the attributes of {repo_path}")))
    };
    let autocrlf = config.get("core.autocrlf").map(|v| v.trim().to_ascii_lowercase());
    let autocrlf_true = matches!(autocrlf.as_deref(), Some("true" | "yes" | "on" | "1"));
    let autocrlf_input = autocrlf.as_deref() == Some("input");
    let crlf_by_config = autocrlf_true
        || (!autocrlf_input && config.get("core.eol").is_some_and(|v| v.trim().eq_ignore_ascii_case("crlf")));
    let eol = match attr("eol")? {
        AttrValue::String("crlf") => Some(true),
        AttrValue::String("lf") => Some(false),
        _ => None,
    };
    // `text` set (always text) or `text=auto` (text when it looks like text).
    let auto = match attr("text")? {
        AttrValue::False => return Ok(Eol::AsIs),
        AttrValue::True => Some(false),
        AttrValue::String("auto") => Some(true),
        _ => None,
    };
    let when = |crlf: bool, auto: bool| match (crlf, auto) {
        (false, _) => Eol::AsIs,
        (true, false) => Eol::Crlf,
        (true, true) => Eol::AutoCrlf,
    };
    Ok(match (auto, eol) {
        // An `eol` attribute implies `text` when `text` says nothing.
        (None, Some(crlf)) => when(crlf, false),
        (Some(auto), Some(crlf)) => when(crlf, auto),
        (Some(auto), None) => when(crlf_by_config, auto),
        // Nothing said: core.autocrlf=true is text=auto with CRLF.
        (None, None) => when(autocrlf_true, true),
    })
}

/// The bytes checkout writes for `blob` under `eol`.
pub(super) fn smudged(blob: &[u8], eol: Eol) -> Vec<u8> {
    let convert = match eol {
        Eol::AsIs => false,
        Eol::Crlf => true,
        // git's auto: binary (a NUL) or a blob already holding CR is left alone.
        Eol::AutoCrlf => !blob.contains(&0) && !blob.contains(&b'\r'),
    };
    if !convert {
        return blob.to_vec();
    }
    to_crlf(blob)
}

/// Every lone LF as CRLF.
fn to_crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 20);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `new` in the style of `base`, the file it was computed from: the base's byte-order mark,
/// and CRLF line ends when the base's lines all end so (a `toml_edit` edit keeps the untouched
/// lines' CRLF but writes LF on the ones it touches: the diff must be those lines only).
pub(super) fn keep_style(base: &[u8], new: Vec<u8>) -> Vec<u8> {
    let mut new = new;
    if base.starts_with(BOM) && !new.starts_with(BOM) {
        new.splice(0..0, BOM.iter().copied());
    }
    let lines = base.iter().filter(|&&b| b == b'\n').count();
    let crlf = base.windows(2).filter(|w| w == b"\r\n").count();
    if lines > 0 && crlf == lines {
        return to_crlf(&new);
    }
    new
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_keeps_crlf_and_the_bom() {
        let base = b"\xEF\xBB\xBFa = 1\r\nb = 2\r\n".to_vec();
        assert_eq!(
            keep_style(&base, b"a = 1\r\nb = 3\n".to_vec()),
            b"\xEF\xBB\xBFa = 1\r\nb = 3\r\n".to_vec()
        );
        assert_eq!(keep_style(b"a\nb\r\n", b"a\nc\n".to_vec()), b"a\nc\n".to_vec(), "mixed stays as made");
    }

    #[test]
    fn auto_leaves_binary_and_crlf_blobs_alone() {
        assert_eq!(smudged(b"a\nb\n", Eol::AutoCrlf), b"a\r\nb\r\n");
        assert_eq!(smudged(b"a\r\nb\n", Eol::AutoCrlf), b"a\r\nb\n");
        assert_eq!(smudged(b"a\0\n", Eol::AutoCrlf), b"a\0\n");
        assert_eq!(smudged(b"a\r\nb\n", Eol::Crlf), b"a\r\nb\r\n");
    }
}
