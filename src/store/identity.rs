//! Who commits: the author and committer, as git would name them.

use super::*;

/// The email git would put on a commit made in `root` (as `git var GIT_AUTHOR_IDENT` gives it),
/// to default the author of a record.
pub fn user_email(root: &Path) -> Option<String> {
    git_email(root).ok().flatten()
}

/// [`user_email`], or why git's configuration cannot be read (a broken file is named, never
/// taken for a missing identity).
pub fn git_email(root: &Path) -> Result<Option<String>> {
    let repo = match open_raw(root) {
        Ok(repo) => Some(repo),
        Err(e) if e.code() == ErrorCode::NotFound => None,
        // SHA-256, reftable, another owner: say so, not "git has no user.email".
        Err(e) => return Err(open_error(root, &e, NOT_A_REPO_HELP)),
    };
    let config = GitConfig::open(repo.as_ref())?;
    let from_env = |key: &str| std::env::var(key).ok();
    let from_config = |key: &str| config.get(key);
    Ok(person(&from_env, &from_config, "AUTHOR", "author").1)
}

/// The editor git would open in `root`: `GIT_EDITOR`, `core.editor`, `VISUAL` (unless the
/// terminal is dumb), `EDITOR`, then `vi`, in git's order.
pub fn editor(root: &Path) -> String {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let repo = open_raw(root).ok();
    let configured =
        || GitConfig::open(repo.as_ref()).ok()?.get("core.editor").filter(|v| !v.trim().is_empty());
    let dumb = env("TERM").is_none_or(|t| t == "dumb");
    env("GIT_EDITOR")
        .or_else(configured)
        .or_else(|| if dumb { None } else { env("VISUAL") })
        .or_else(|| env("EDITOR"))
        .unwrap_or_else(|| "vi".to_string())
}

/// The author and committer of a commit.
pub(super) struct Who {
    pub(super) author: Signature<'static>,
    pub(super) committer: Signature<'static>,
}

/// A name, email and time, before libgit2 checks them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Ident {
    pub(super) name: String,
    pub(super) email: String,
    pub(super) seconds: i64,
    pub(super) offset_minutes: i32,
}

pub(super) fn signatures(repo: &Repository) -> Result<Who> {
    let config = GitConfig::open(Some(repo))?;
    let from_config = |key: &str| config.get(key);
    let from_env = |key: &str| std::env::var(key).ok();
    let now = chrono::Local::now();
    let now = (now.timestamp(), now.offset().local_minus_utc() / 60);
    let (author, committer) = identities(&from_env, &from_config, now)?;
    Ok(Who { author: signature(&author)?, committer: signature(&committer)? })
}

/// The author and committer as git picks them, each on its own: `GIT_AUTHOR_*`, then
/// `author.name`/`author.email`, then `user.*`, then `EMAIL`; the committer likewise with
/// `GIT_COMMITTER_*` and `committer.*` (so the configured user stays the committer when only
/// `GIT_AUTHOR_*` is set). Each date is its variable's, else now. Lookups are closures so the
/// rules can be tested without touching the process environment.
pub(super) fn identities(
    env: &dyn Fn(&str) -> Option<String>,
    config: &dyn Fn(&str) -> Option<String>,
    now: (i64, i32),
) -> Result<(Ident, Ident)> {
    Ok((ident(env, config, "AUTHOR", "author", now)?, ident(env, config, "COMMITTER", "committer", now)?))
}

/// A person's name and email: `GIT_<ROLE>_NAME`, `<role>.name`, `user.name` (and the same for
/// the email, then `EMAIL`).
fn person(
    env: &dyn Fn(&str) -> Option<String>,
    config: &dyn Fn(&str) -> Option<String>,
    role: &str,
    section: &str,
) -> (Option<String>, Option<String>) {
    let env = |key: &str| env(key).filter(|v| !v.trim().is_empty());
    let config = |key: &str| config(key).filter(|v| !v.trim().is_empty());
    let name = env(&format!("GIT_{role}_NAME"))
        .or_else(|| config(&format!("{section}.name")))
        .or_else(|| config("user.name"));
    let email = env(&format!("GIT_{role}_EMAIL"))
        .or_else(|| config(&format!("{section}.email")))
        .or_else(|| config("user.email"))
        .or_else(|| env("EMAIL"));
    (name, email)
}

fn ident(
    env: &dyn Fn(&str) -> Option<String>,
    config: &dyn Fn(&str) -> Option<String>,
    role: &str,
    section: &str,
    now: (i64, i32),
) -> Result<Ident> {
    let (Some(name), Some(email)) = person(env, config, role, section) else {
        return Err(Error::usage("git does not know who you are").help(UNKNOWN_AUTHOR_HELP));
    };
    let var = format!("GIT_{role}_DATE");
    let (seconds, offset_minutes) = match env(&var).filter(|v| !v.trim().is_empty()) {
        Some(d) => date_from_env(&var, &d)?,
        None => now,
    };
    Ok(Ident { name, email, seconds, offset_minutes })
}

pub(super) fn date_from_env(var: &str, value: &str) -> Result<(i64, i32)> {
    parse_git_date(value).ok_or_else(|| {
        Error::usage(format!("{var}={value:?} is not a date watchbill can read")).help(format!(
            "use `@1795424520 +0100`, `2026-11-23T10:02:00+01:00` or an RFC 2822 date, or unset {var}"
        ))
    })
}

/// Seconds since the epoch and the UTC offset in minutes, from the date forms git users set most:
/// `@<seconds> <+hhmm>`, `<seconds> <+hhmm>`, RFC 3339 / ISO 8601 and RFC 2822.
pub(super) fn parse_git_date(value: &str) -> Option<(i64, i32)> {
    let value = value.trim();
    if let Some(raw) = parse_raw_date(value.strip_prefix('@').unwrap_or(value)) {
        return Some(raw);
    }
    let parsed = chrono::DateTime::parse_from_rfc3339(value)
        .or_else(|_| chrono::DateTime::parse_from_rfc2822(value))
        .or_else(|_| chrono::DateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S %z"))
        .or_else(|_| chrono::DateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%z"))
        .ok()?;
    Some((parsed.timestamp(), parsed.offset().local_minus_utc() / 60))
}

pub(super) fn parse_raw_date(value: &str) -> Option<(i64, i32)> {
    let mut parts = value.split_whitespace();
    let seconds = parts.next()?.parse::<i64>().ok()?;
    let offset = match parts.next() {
        Some(tz) => parse_offset(tz)?,
        None => 0,
    };
    parts.next().is_none().then_some((seconds, offset))
}

/// `+hhmm` or `-hhmm` as minutes east of UTC.
pub(super) fn parse_offset(tz: &str) -> Option<i32> {
    let (sign, digits) = match tz.split_at_checked(1)? {
        ("+", d) => (1, d),
        ("-", d) => (-1, d),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    (minutes < 60).then_some(sign * (hours * 60 + minutes))
}

pub(super) fn signature(who: &Ident) -> Result<Signature<'static>> {
    Signature::new(&who.name, &who.email, &git2::Time::new(who.seconds, who.offset_minutes)).map_err(|e| {
        Error::usage(format!("git cannot use the identity {} <{}>: {}", who.name, who.email, e.message()))
            .help("check `git config user.name` and `git config user.email` (or GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn git_dates_in_the_common_forms() {
        assert_eq!(parse_git_date("@1795424520 +0100"), Some((1795424520, 60)));
        assert_eq!(parse_git_date("1795424520 -0230"), Some((1795424520, -150)));
        assert_eq!(parse_git_date("@1795424520"), Some((1795424520, 0)));
        let rfc3339 = parse_git_date("2026-11-23T10:02:00+01:00");
        assert_eq!(rfc3339, Some((1795424520, 60)));
        assert_eq!(parse_git_date("Mon, 23 Nov 2026 10:02:00 +0100"), rfc3339);
        assert_eq!(parse_git_date("2026-11-23 10:02:00 +0100"), rfc3339);
        assert_eq!(parse_git_date("yesterday"), None);
        assert_eq!(parse_git_date("1795424520 +01"), None);
        assert_eq!(parse_git_date("1795424520 +0100 extra"), None);
    }

    #[test]
    fn env_wins_over_config_and_the_committer_stays_the_configured_user() {
        let env = lookup(&[("GIT_AUTHOR_NAME", "Env Name"), ("GIT_AUTHOR_DATE", "@100 +0200")]);
        let config = lookup(&[("user.name", "Config Name"), ("user.email", "c@example.org")]);
        let (author, committer) = identities(&env, &config, (5, 0)).map_err(|e| e.message).unwrap();
        assert_eq!(
            author,
            Ident {
                name: "Env Name".into(),
                email: "c@example.org".into(),
                seconds: 100,
                offset_minutes: 120
            }
        );
        assert_eq!(
            committer,
            Ident {
                name: "Config Name".into(),
                email: "c@example.org".into(),
                seconds: 5,
                offset_minutes: 0
            }
        );
    }

    #[test]
    fn committer_vars_override_and_time_defaults_to_now() {
        let env = lookup(&[
            ("GIT_AUTHOR_NAME", "A"),
            ("GIT_AUTHOR_EMAIL", "a@example.org"),
            ("GIT_COMMITTER_NAME", "C"),
            ("GIT_COMMITTER_DATE", "@200 +0000"),
        ]);
        let config = lookup(&[("committer.email", "c@example.org")]);
        let (author, committer) = identities(&env, &config, (5, 60)).map_err(|e| e.message).unwrap();
        assert_eq!((author.seconds, author.offset_minutes), (5, 60));
        assert_eq!(
            (committer.name.as_str(), committer.email.as_str(), committer.seconds),
            ("C", "c@example.org", 200)
        );
    }

    #[test]
    fn nobody_known_is_a_usage_error() {
        let env = lookup(&[("GIT_AUTHOR_NAME", "  "), ("GIT_AUTHOR_EMAIL", "")]);
        let err = identities(&env, &lookup(&[("user.name", "Only Name")]), (0, 0))
            .err()
            .map(|e| (e.exit, e.message, e.help));
        assert_eq!(
            err,
            Some((
                Exit::Usage,
                "git does not know who you are".to_string(),
                Some(UNKNOWN_AUTHOR_HELP.to_string())
            ))
        );
    }

    #[test]
    fn bad_date_names_the_variable() {
        let env =
            lookup(&[("GIT_AUTHOR_NAME", "A"), ("GIT_AUTHOR_EMAIL", "a@x"), ("GIT_AUTHOR_DATE", "soon")]);
        let err = identities(&env, &lookup(&[]), (0, 0)).err().map(|e| e.message).unwrap_or_default();
        assert!(err.contains("GIT_AUTHOR_DATE"), "{err}");
    }
}
