//! Identifiers that name records and files.
//!
//! An id ends up in file names (`surveys/2026-Q3/<member>.toml`, `objectives/<id>.toml`), so the
//! type refuses anything that could escape a folder or confuse a case-insensitive filesystem:
//! only lowercase ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit, no `..`,
//! at most 64 characters. Once constructed, an id is safe to join to a path.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// The time that begins a logbook entry's or a check-in's id (`20261123T1002`): the crew's local
/// wall clock, whatever offset the time was typed with, so ids read and sort alike for everyone.
pub fn local_stamp(t: &chrono::DateTime<chrono::FixedOffset>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%Y%m%dT%H%M").to_string()
}

/// The longest id accepted; long enough for `jean-baptiste.de-la-fontaine`, short enough for a path.
pub const MAX_ID_LEN: usize = 64;

/// Why a string is not a valid id, in words a user can act on.
pub fn id_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("an id cannot be empty".into());
    }
    if s.len() > MAX_ID_LEN {
        return Some(format!("an id has at most {MAX_ID_LEN} characters, this one has {}", s.len()));
    }
    if let Some(c) =
        s.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')))
    {
        let shown = if c.is_control() || c.is_whitespace() { format!("{:?}", c) } else { format!("'{c}'") };
        return Some(format!(
            "{shown} is not allowed in an id (use lowercase letters, digits, '-', '_' or '.')"
        ));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("an id must start with a letter or a digit".into());
    }
    if s.contains("..") {
        return Some("an id cannot contain '..'".into());
    }
    None
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// What this kind of id names, for messages.
            pub const WHAT: &'static str = $what;

            pub fn new(s: &str) -> Result<Self, String> {
                match id_problem(s) {
                    None => Ok(Self(s.to_owned())),
                    Some(why) => Err(format!("invalid {} id {:?}: {}", $what, s, why)),
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::new(s)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A crew member, e.g. `alice`.
    MemberId,
    "member"
);
id_type!(
    /// A product team, e.g. `certif`.
    TeamId,
    "team"
);
id_type!(
    /// An objective, e.g. `restore-under-10-min`; also its file name.
    ObjectiveId,
    "objective"
);
id_type!(
    /// An axis of the maturity matrix, e.g. `stability`.
    AxisId,
    "axis"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_ids() {
        for ok in ["alice", "jean-pierre", "a.b_c", "team2", "2fa"] {
            assert!(MemberId::new(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_ids_that_could_escape_or_confuse() {
        for bad in ["", "../x", "a/b", "a..b", "Alice", "a b", "a\tb", "a\u{7}", ".hidden", "-x", "é", "a\\b"]
        {
            assert!(MemberId::new(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(MemberId::new(&"a".repeat(65)).is_err());
    }

    #[test]
    fn error_names_the_kind_and_the_reason() {
        let e = ObjectiveId::new("../etc").unwrap_err();
        assert!(e.contains("objective"), "{e}");
        assert!(e.contains("'/'"), "{e}");
    }
}
