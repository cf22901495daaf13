//! Who commits: the author and committer, as git would name them.

use super::*;

/// The email git would put on a commit made in `root` (GIT_AUTHOR_EMAIL, else `user.email`), to
/// default the author of a record.
pub fn user_email(root: &Path) -> Option<String> {
    if let Some(email) = std::env::var("GIT_AUTHOR_EMAIL").ok().filter(|v| !v.trim().is_empty()) {
        return Some(email);
    }
    let config = match open_raw(root) {
        Ok(repo) => repo.config().ok(),
        Err(_) => git2::Config::open_default().ok(),
    };
    config.and_then(|c| c.get_string("user.email").ok()).filter(|v| !v.trim().is_empty())
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
    let config = repo.config().ok();
    let from_config = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    let from_env = |key: &str| std::env::var(key).ok();
    let now = chrono::Local::now();
    let now = (now.timestamp(), now.offset().local_minus_utc() / 60);
    let (author, committer) = identities(&from_env, &from_config, now)?;
    Ok(Who { author: signature(&author)?, committer: signature(&committer)? })
}

/// The author and committer as git would pick them: GIT_AUTHOR_* (then `user.*`), and
/// GIT_COMMITTER_* falling back to the author's values. Lookups are closures so the rules can be
/// tested without touching the process environment.
pub(super) fn identities(
    env: &dyn Fn(&str) -> Option<String>,
    config: &dyn Fn(&str) -> Option<String>,
    now: (i64, i32),
) -> Result<(Ident, Ident)> {
    let env = |key: &str| env(key).filter(|v| !v.trim().is_empty());
    let config = |key: &str| config(key).filter(|v| !v.trim().is_empty());
    let name = env("GIT_AUTHOR_NAME").or_else(|| config("user.name"));
    let email = env("GIT_AUTHOR_EMAIL").or_else(|| config("user.email"));
    let (Some(name), Some(email)) = (name, email) else {
        return Err(Error::usage("git does not know who you are").help(UNKNOWN_AUTHOR_HELP));
    };
    let (seconds, offset_minutes) = match env("GIT_AUTHOR_DATE") {
        Some(d) => date_from_env("GIT_AUTHOR_DATE", &d)?,
        None => now,
    };
    let author = Ident { name, email, seconds, offset_minutes };
    let (seconds, offset_minutes) = match env("GIT_COMMITTER_DATE") {
        Some(d) => date_from_env("GIT_COMMITTER_DATE", &d)?,
        None => (author.seconds, author.offset_minutes),
    };
    let committer = Ident {
        name: env("GIT_COMMITTER_NAME").unwrap_or_else(|| author.name.clone()),
        email: env("GIT_COMMITTER_EMAIL").unwrap_or_else(|| author.email.clone()),
        seconds,
        offset_minutes,
    };
    Ok((author, committer))
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
    fn env_wins_over_config_and_committer_falls_back_to_author() {
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
        assert_eq!(committer, author);
    }

    #[test]
    fn committer_vars_override_and_time_defaults_to_now() {
        let env = lookup(&[
            ("GIT_AUTHOR_NAME", "A"),
            ("GIT_AUTHOR_EMAIL", "a@example.org"),
            ("GIT_COMMITTER_NAME", "C"),
            ("GIT_COMMITTER_DATE", "@200 +0000"),
        ]);
        let (author, committer) = identities(&env, &lookup(&[]), (5, 60)).map_err(|e| e.message).unwrap();
        assert_eq!((author.seconds, author.offset_minutes), (5, 60));
        assert_eq!(
            (committer.name.as_str(), committer.email.as_str(), committer.seconds),
            ("C", "a@example.org", 200)
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
