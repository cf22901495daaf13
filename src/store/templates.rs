//! The repository's own templates, from the working tree or a revision.

use super::*;

/// The repository's own templates (`templates/*` under the root), by file name. Links and
/// sub-folders are skipped: a template is never read from outside the root.
pub fn read_templates(root: &Path) -> Result<std::collections::BTreeMap<String, String>> {
    let dir = root.join(crate::render::DIR);
    let mut out = std::collections::BTreeMap::new();
    // read_dir follows a linked folder: a `templates` link would read outside the root.
    if is_link(&dir) {
        return Ok(out);
    }
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(read_error(&dir, e)),
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file || name.starts_with('.') {
            continue;
        }
        let text = fs::read_to_string(entry.path())
            .map_err(|e| read_error(&entry.path(), e).help("templates are UTF-8 text files"))?;
        out.insert(name, text);
    }
    Ok(out)
}

/// The repository's own templates as they are in `rev` (the working tree, or a revision, so
/// `render --rev` uses the templates of the same commit as the data). Links and sub-folders are
/// skipped, as on disk.
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
    for entry in dir.iter() {
        let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
        let is_file = matches!(entry.filemode(), MODE_BLOB | MODE_BLOB_GROUP_WRITABLE | MODE_EXECUTABLE);
        if !is_file || name.starts_with('.') {
            continue;
        }
        let blob = repo.find_blob(entry.id()).map_err(|e| missing_object(&name, &e))?;
        let text = std::str::from_utf8(blob.content()).map_err(|_| {
            Error::usage(format!("{}/{name} in {r} is not UTF-8 text", crate::render::DIR))
                .help("templates are UTF-8 text files")
        })?;
        out.insert(name, text.to_string());
    }
    Ok(out)
}
