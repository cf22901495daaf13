//! The repository's own templates, from the working tree or a revision.

use super::*;

/// The one sub-folder of `templates/` read too: the site's pages, named `site/NAME` as the
/// built-ins are.
const SITE: &str = "site";

/// The repository's own templates (`templates/*` under the root, and `templates/site/*` named
/// `site/*`), by name. Links and other sub-folders are skipped: a template is never read from
/// outside the root.
pub fn read_templates(root: &Path) -> Result<std::collections::BTreeMap<String, String>> {
    let dir = root.join(crate::render::DIR);
    let mut out = std::collections::BTreeMap::new();
    // read_dir follows a linked folder: a `templates` link would read outside the root.
    if is_link(&dir) {
        return Ok(out);
    }
    read_folder(&dir, "", &mut out)?;
    let site = dir.join(SITE);
    if !is_link(&site) {
        read_folder(&site, &format!("{SITE}/"), &mut out)?;
    }
    Ok(out)
}

/// The files of `dir` (none when it is missing), each named `prefix` and its file name.
fn read_folder(dir: &Path, prefix: &str, out: &mut std::collections::BTreeMap<String, String>) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => return Ok(()),
        Err(e) => return Err(read_error(dir, e)),
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file || name.starts_with('.') {
            continue;
        }
        let text = fs::read_to_string(entry.path())
            .map_err(|e| read_error(&entry.path(), e).help("templates are UTF-8 text files"))?;
        out.insert(format!("{prefix}{name}"), text);
    }
    Ok(())
}

/// The repository's own templates as they are in `rev` (the working tree, or a revision, so
/// `render --rev` and `site --rev` use the templates of the same commit as the data). Links and
/// other sub-folders are skipped, as on disk.
pub fn read_templates_at(root: &Path, rev: &Revision) -> Result<std::collections::BTreeMap<String, String>> {
    let r = match rev {
        Revision::WorkTree => return read_templates(root),
        Revision::Rev(r) => r,
    };
    let repo = open_repo(root, READ_NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let tree = revision_tree(&repo, r)?;
    let sub = root_tree(&repo, &tree, &prefix, r)?;
    let mut out = std::collections::BTreeMap::new();
    let Some(dir) = sub.get_name(crate::render::DIR).filter(|e| e.filemode() == MODE_TREE) else {
        return Ok(out);
    };
    let dir = repo.find_tree(dir.id()).map_err(|e| missing_object(crate::render::DIR, &e))?;
    read_tree(&repo, &dir, "", r, &mut out)?;
    if let Some(site) = dir.get_name(SITE).filter(|e| e.filemode() == MODE_TREE) {
        let site = repo.find_tree(site.id()).map_err(|e| missing_object(SITE, &e))?;
        read_tree(&repo, &site, &format!("{SITE}/"), r, &mut out)?;
    }
    Ok(out)
}

/// The files of `tree` at revision `r`, each named `prefix` and its file name.
fn read_tree(
    repo: &git2::Repository,
    tree: &git2::Tree,
    prefix: &str,
    r: &str,
    out: &mut std::collections::BTreeMap<String, String>,
) -> Result<()> {
    for entry in tree.iter() {
        let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
        let is_file = matches!(entry.filemode(), MODE_BLOB | MODE_BLOB_GROUP_WRITABLE | MODE_EXECUTABLE);
        if !is_file || name.starts_with('.') {
            continue;
        }
        let blob = repo.find_blob(entry.id()).map_err(|e| missing_object(&name, &e))?;
        let text = std::str::from_utf8(blob.content()).map_err(|_| {
            Error::usage(format!("{}/{prefix}{name} in {r} is not UTF-8 text", crate::render::DIR))
                .help("templates are UTF-8 text files")
        })?;
        out.insert(format!("{prefix}{name}"), text.to_string());
    }
    Ok(())
}
