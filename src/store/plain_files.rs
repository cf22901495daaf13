//! Plain files outside the crew's records: CI's summary and outputs, a calendar feed, the editor.

use super::*;

/// Reads a text file (an event payload, say).
pub fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| read_error(path, e))
}

/// Writes a text file (a calendar feed, a comment body) atomically.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    let (dir, name) = match (path.parent(), path.file_name()) {
        (Some(d), Some(n)) => (if d.as_os_str().is_empty() { Path::new(".") } else { d }, n),
        _ => return Err(Error::usage(format!("{} is not a file path", path.display()))),
    };
    write_atomic(dir, &name.to_string_lossy(), text.as_bytes())
}

/// Appends to a file, creating it: GitHub's step summary and outputs are appended to.
pub fn append_file(path: &Path, text: &str) -> Result<()> {
    let mut f =
        fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| write_error(path, e))?;
    f.write_all(text.as_bytes()).map_err(|e| write_error(path, e))
}

pub fn create_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| write_error(dir, e))
}

/// Runs `editor` on a temporary copy of `text` named `name` and returns what the user saved.
/// The command goes through the shell, as git does, so EDITOR may carry arguments
/// (`code --wait`).
pub fn edit_in_editor(editor: &str, text: &str, scratch: &str, name: &str) -> Result<String> {
    let dir = std::env::temp_dir().join(scratch);
    create_dir(&dir)?;
    let path = dir.join(name);
    let result = fs::write(&path, text).map_err(|e| write_error(&path, e)).and_then(|()| {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&path)
            .status()
            .map_err(|e| {
                Error::usage(format!("cannot start the editor `{editor}`: {e}"))
                    .help("set $EDITOR, or pass -m TEXT")
            })?;
        if !status.success() {
            return Err(Error::refused(format!(
                "the editor `{editor}` failed ({status}); nothing was written"
            )));
        }
        read_text(&path)
    });
    let _ = fs::remove_dir_all(&dir);
    result
}
