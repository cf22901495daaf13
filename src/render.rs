//! Templates: built-ins embedded in the binary, overridable by the repository's `templates/`.
//!
//! Rendering is pure: the repository's templates are handed in as text (the store reads them),
//! and a template can reach nothing but the data it is given — no filesystem, no network. A
//! repository's templates run with a fuel limit, so one that loops forever stops with a clear
//! error.
//!
//! User text is escaped by the template's name: `.html` for HTML, `.md` for GitHub-flavoured
//! Markdown, `.slack` for Slack mrkdwn, `.txt` for plain text (see [`escape`]). The filters
//! and chart functions templates can use are documented in `docs/render.md`.

pub mod chart;
pub mod escape;
pub mod markdown;
pub mod slack;

use crate::diagnostic::{Diagnostic, Pos};
use crate::error::{Error, Result};
use crate::report::Page;
use chrono::format::StrftimeItems;
use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, ErrorKind, State};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The folder, under the watchbill root, whose files override the built-in templates.
pub const DIR: &str = "templates";

/// Enough for any real summary; a runaway loop runs out of it in well under a second.
const FUEL: u64 = 5_000_000;

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

/// The built-in templates, by name. A name starting with `_` is a part the others include;
/// every template's first line is a `{# … #}` comment saying what it is.
pub const BUILTIN: &[(&str, &str)] = builtin![
    "handover.md",
    "review.md",
    "review.txt",
    "journal.md",
    "scoreboard.md",
    "rota.md",
    "maturity.md",
    "summary.md",
    "_journal.md",
    "_scoreboard.md",
    "_rota.md",
    "_maturity.md",
    "journal.html",
    "scoreboard.html",
    "rota.html",
    "maturity.html",
    "summary.html",
    "_layout.html",
    "_journal.html",
    "_scoreboard.html",
    "_rota.html",
    "_maturity.html",
    "journal.slack",
    "scoreboard.slack",
    "rota.slack",
    "maturity.slack",
    "summary.slack",
    "_journal.slack",
    "_scoreboard.slack",
    "_rota.slack",
    "_maturity.slack",
    "journal.txt",
    "scoreboard.txt",
    "rota.txt",
    "maturity.txt",
    "summary.txt",
    "_journal.txt",
    "_scoreboard.txt",
    "_rota.txt",
    "_maturity.txt",
    "org.md",
    "org.html",
    "org.slack",
    "quarter.md",
    "quarter.html",
    "_org.md",
    "_org.html",
    "_quarter.md",
    "_quarter.html",
    "_style.css",
    "site/_layout.html",
    "site/style.css",
    "site/index.html",
    "site/journal.html",
    "site/quarter.html",
    "site/week.html",
    "site/incident.html",
    "site/rota.html",
    "site/rota-year.html",
    "site/member.html",
    "site/scoreboard.html",
    "site/objective.html",
    "site/maturity.html",
    "site/search.html",
    "site/list.html",
    "site/review.html",
    "site/reviews.html",
    "site/org.html",
];

/// What a page is rendered to by a template (`json` needs none: it is the data itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// GitHub-flavoured Markdown (`.md`).
    Markdown,
    /// One self-contained HTML page (`.html`).
    Html,
    /// A Slack Block Kit message (`.slack` templates write mrkdwn; see [`slack`]).
    Slack,
    /// Plain text for an e-mail (`.txt`).
    Text,
}

impl Format {
    /// The extension of this format's templates.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Slack => "slack",
            Format::Text => "txt",
        }
    }
}

/// How a template's name decides the escaping of the values it prints.
fn auto_escape(name: &str) -> AutoEscape {
    match name.rsplit('.').next() {
        Some("md") => AutoEscape::Custom("markdown".into()),
        Some("slack") => AutoEscape::Custom("slack".into()),
        Some("txt") => AutoEscape::Custom("text".into()),
        _ => minijinja::default_auto_escape_callback(name),
    }
}

/// The escaper of a custom auto-escape mode.
fn escaper(mode: &AutoEscape) -> Option<fn(&str) -> String> {
    match mode {
        AutoEscape::Custom(name) => match name.as_ref() {
            "markdown" => Some(escape::markdown),
            "slack" => Some(escape::slack),
            "text" => Some(escape::text),
            _ => None,
        },
        _ => None,
    }
}

/// A template error: a value a filter or a chart function cannot use.
fn invalid(msg: impl Into<String>) -> minijinja::Error {
    minijinja::Error::new(ErrorKind::InvalidOperation, msg.into())
}

/// A chrono `strftime` format, once known to be valid.
fn checked_format(fmt: &str) -> std::result::Result<StrftimeItems<'_>, minijinja::Error> {
    let items = StrftimeItems::new(fmt);
    // An invalid specifier would make chrono's Display fail (and `to_string` panic): refuse it.
    items
        .clone()
        .parse()
        .map_err(|_| invalid(format!("{fmt:?} is not a valid time format (see chrono's strftime)")))?;
    Ok(items)
}

/// Formats an RFC 3339 time (in the crew's zone) or a `YYYY-MM-DD` date; none stays empty.
fn format_time(value: &Value, fmt: &str, tz: Tz) -> std::result::Result<Value, minijinja::Error> {
    use std::fmt::Write as _;
    if value.is_none() || value.is_undefined() {
        return Ok(Value::from(""));
    }
    let s = value.as_str().ok_or_else(|| invalid(format!("{value} is not a time")))?;
    if s.is_empty() {
        return Ok(Value::from(""));
    }
    let items = checked_format(fmt)?;
    let mut out = String::new();
    let written = if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        write!(out, "{}", t.with_timezone(&tz).format_with_items(items))
    } else if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        write!(out, "{}", d.format_with_items(items))
    } else {
        return Err(invalid(format!("{s:?} is neither an RFC 3339 time nor a YYYY-MM-DD date")));
    };
    written.map_err(|_| invalid(format!("{fmt:?} cannot format {s:?} (a time format on a date?)")))?;
    Ok(Value::from(out))
}

fn add_time_filters(env: &mut Environment<'static>, tz: Tz) {
    env.add_filter("time", move |v: Value, fmt: Option<String>| {
        format_time(&v, fmt.as_deref().unwrap_or("%a %d %b %H:%M"), tz)
    });
    env.add_filter("date", move |v: Value, fmt: Option<String>| {
        format_time(&v, fmt.as_deref().unwrap_or("%a %d %b"), tz)
    });
}

/// A chart function: the template's value read as the chart's input, the SVG out.
fn chart<T: for<'de> Deserialize<'de>>(
    v: Value,
    draw: impl Fn(&T) -> std::result::Result<String, String>,
) -> std::result::Result<Value, minijinja::Error> {
    let input = T::deserialize(v).map_err(|e| invalid(format!("cannot chart this value: {e}")))?;
    draw(&input).map(Value::from_safe_string).map_err(invalid)
}

fn add_filters(env: &mut Environment<'static>) {
    // The one formatter (src/format.rs), so a template shows numbers as the CLI does.
    env.add_filter("duration", crate::format::minutes);
    env.add_filter("num", crate::format::number);
    env.add_filter("percent", crate::format::percent);
    env.add_filter("op", |s: String| crate::format::op_text(&s));
    env.add_filter("mermaid", |s: String| Value::from_safe_string(escape::mermaid(&s)));
    env.add_filter("code", |state: &State, s: String| {
        Value::from_safe_string(match state.auto_escape() {
            AutoEscape::Html => format!("<code>{}</code>", escape::xml(&s)),
            AutoEscape::Custom(m) if m == "markdown" => escape::markdown_code(&s),
            AutoEscape::Custom(m) if m == "slack" => format!("`{}`", escape::slack(&s).replace('`', "'")),
            _ => escape::text(&s),
        })
    });
    env.add_filter("markdown", |s: String, first: Option<usize>| {
        Value::from_safe_string(markdown::to_html(&s, first.unwrap_or(3)))
    });
    env.add_filter("demote", |s: String, by: Option<usize>| {
        Value::from_safe_string(markdown::demote(&s, by.unwrap_or(1)))
    });
    env.add_filter("sparkline", |values: Vec<Value>| sparkline(&values));
    env.add_filter("format", format);
    env.add_filter("http_url", |s: String| http_url(&s));
    env.add_function("trend_chart", |v: Value| chart(v, |o: &chart::TrendInput| Ok(chart::trend(o))));
    env.add_function("incidents_chart", |v: Value, scale: Option<Value>| {
        // An optional shared scale `{incidents, restore_minutes}`: small multiples share axes.
        let scale: chart::Scale = match scale {
            Some(s) => {
                chart::Scale::deserialize(s).map_err(|e| invalid(format!("cannot chart this scale: {e}")))?
            }
            None => chart::Scale::default(),
        };
        chart(v, |w: &Vec<chart::IncidentWeek>| Ok(chart::incidents_on(w, &scale)))
    });
    env.add_function("maturity_chart", |v: Value| {
        chart(v, |m: &chart::MaturityInput| Ok(chart::maturity(m)))
    });
    env.add_function("rota_chart", |v: Value| chart(v, chart::rota));
}

/// minijinja's `format` filter, refusing first what would make it panic: minijinja 3.0.5 steps
/// through a printf key (`%(name)s`) byte by byte and panics inside a character that is not
/// ASCII (found by fuzzing; `fuzz/regressions/template/format-key-with-a-multibyte-character`).
fn format(
    state: &mut State,
    text: &Value,
    args: minijinja::value::Rest<minijinja::value::ValueOrKwargs>,
) -> std::result::Result<Value, minijinja::Error> {
    if let Some(offset) = text.as_str().and_then(non_ascii_format_key) {
        return Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("the key of the format at offset {offset} is not ASCII; write `%(name)s` keys in ASCII"),
        ));
    }
    minijinja::filters::format(state, text, args)
}

/// The byte offset of the first printf key `%(…)` (up to its `)`, or the end) holding a
/// character that is not ASCII, read as minijinja reads the format (`%%` is a literal `%`).
fn non_ascii_format_key(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'%', Some(b'%')) => i += 2,
            (b'%', Some(b'(')) => {
                let key = &bytes[i + 2..];
                let end = key.iter().position(|&b| b == b')').unwrap_or(key.len());
                if !key[..end].is_ascii() {
                    return Some(i);
                }
                i += 2 + end;
            }
            _ => i += 1,
        }
    }
    None
}

/// "▁▃▅█" from numbers, `·` for a missing one: a trend in one line of text.
pub fn sparkline(values: &[Value]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let numbers: Vec<Option<f64>> =
        values.iter().map(|v| f64::try_from(v.clone()).ok().filter(|x| x.is_finite())).collect();
    let known = numbers.iter().flatten();
    let (lo, hi) = known.fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    numbers
        .iter()
        .map(|n| match n {
            None => '·',
            // A flat line: at the bottom when it is all zeros, in the middle otherwise.
            Some(x) if hi <= lo => BARS[if *x == 0.0 { 0 } else { 3 }],
            Some(x) => BARS[(((x - lo) / (hi - lo)) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// The address if it is a web one (`http://` or `https://`), else nothing: a link in a page
/// never runs `javascript:` or opens a local file.
pub fn http_url(s: &str) -> String {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let web = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !t.chars().any(|c| c.is_whitespace() || c.is_control());
    if web {
        t.to_string()
    } else {
        String::new()
    }
}

/// Renders templates by name, a repository's own first.
pub struct Renderer {
    env: Environment<'static>,
    overrides: BTreeMap<String, String>,
}

impl Renderer {
    /// `overrides` maps template names to the repository's `templates/<name>` texts. Times are
    /// shown in UTC until [`Renderer::in_zone`].
    pub fn new(overrides: BTreeMap<String, String>) -> Renderer {
        let mut env = Environment::new();
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build() {
            env.set_syntax(syntax);
        }
        // The fuel limit is for the repository's code; the built-ins are bounded by the data.
        if !overrides.is_empty() {
            env.set_fuel(Some(FUEL));
        }
        env.set_auto_escape_callback(auto_escape);
        env.set_formatter(|out, state, value| match escaper(state.auto_escape()) {
            // No control character (an ESC in a title) reaches any output, HTML included.
            None if !value.is_safe() && value.as_str().is_some_and(|s| s.contains(char::is_control)) => {
                let cleaned = Value::from(escape::strip_controls(value.as_str().unwrap_or_default()));
                minijinja::escape_formatter(out, state, &cleaned)
            }
            None => minijinja::escape_formatter(out, state, value),
            Some(_) if value.is_safe() => {
                out.write_str(value.as_str().unwrap_or_default()).map_err(Into::into)
            }
            Some(escape) => out.write_str(&escape(&value.to_string())).map_err(Into::into),
        });
        add_filters(&mut env);
        add_time_filters(&mut env, chrono_tz::UTC);
        let user = overrides.clone();
        // One loader for every name, so a repository's file always wins over the built-in.
        env.set_loader(move |name| Ok(user.get(name).cloned().or_else(|| builtin(name).map(str::to_string))));
        Renderer { env, overrides }
    }

    /// Makes `value` known as `name` to every template (the site's links to optional pages).
    pub fn with_global<S: Serialize>(mut self, name: &'static str, value: &S) -> Renderer {
        self.env.add_global(name, Value::from(minijinja::value::Serde(value)));
        self
    }

    /// Shows times in `tz` (the crew's time zone).
    pub fn in_zone(mut self, tz: Tz) -> Renderer {
        add_time_filters(&mut self.env, tz);
        self
    }

    /// Renders `name` with `data`; a template error names the file, line and column.
    pub fn render<S: Serialize>(&self, name: &str, data: &S) -> Result<String> {
        let located = |e: minijinja::Error| self.error(name, e);
        let tmpl = self.env.get_template(name).map_err(located)?;
        tmpl.render(minijinja::value::Serde(data)).map_err(located)
    }

    /// A page in a format: its view's template (`summary.html`, …); for Slack, the Block Kit
    /// JSON message built from the template's text.
    pub fn page(&self, page: &Page, format: Format) -> Result<String> {
        self.view(page.meta.view, page, format)
    }

    /// The data of any view (`org`, `quarter`, …) in a format, by its template `VIEW.EXT`.
    pub fn view<S: Serialize>(&self, view: &str, data: &S, format: Format) -> Result<String> {
        let text = self.render(&format!("{view}.{}", format.ext()), data)?;
        match format {
            Format::Slack => serde_json::to_string_pretty(&slack::message(&text))
                .map(|s| s + "\n")
                .map_err(|e| Error::usage(format!("cannot encode the Slack message: {e}"))),
            _ => Ok(text),
        }
    }

    fn source(&self, file: &str) -> Option<&str> {
        self.overrides.get(file).map(String::as_str).or_else(|| builtin(file))
    }

    fn error(&self, name: &str, outer: minijinja::Error) -> Error {
        // An error inside an included or extended template comes wrapped in the includer's:
        // the innermost one says where the problem is.
        let mut e = &outer;
        while let Some(inner) =
            std::error::Error::source(e).and_then(|s| s.downcast_ref::<minijinja::Error>())
        {
            e = inner;
        }
        let file = e.name().unwrap_or(name).to_string();
        let user = self.overrides.contains_key(&file);
        let path = if user { format!("{DIR}/{file}") } else { format!("(built-in) {file}") };
        let column = e.range().and_then(|r| self.source(&file).map(|t| column_of(t, r.start))).unwrap_or(1);
        let pos = e.line().map(|line| Pos { line, column });
        let message = match e.kind() {
            ErrorKind::OutOfFuel => "the template ran too long (a loop that never ends?)".to_string(),
            ErrorKind::TemplateNotFound => format!("no template named {file:?}"),
            _ => e.detail().map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind())),
        };
        let d = Diagnostic::error("template", path.clone(), message.clone())
            .at(pos)
            .help("fix the template, or delete it to use the built-in (`watchbill templates show NAME`)");
        Error::problems(format!("cannot render {path}: {message}"), vec![d])
    }
}

/// The built-in template of that name.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// What a template says it is: its first `{# … #}` comment.
pub fn description(text: &str) -> Option<&str> {
    let rest = text.trim_start().strip_prefix("{#")?;
    let end = rest.find("#}")?;
    Some(rest[..end].trim().trim_start_matches('-').trim_end_matches('-').trim())
}

/// A template as `watchbill templates list` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub name: String,
    pub description: String,
    /// `built-in`, `overridden` (the repository has its own), or `repository` (only there).
    pub source: &'static str,
}

/// Every template: the built-ins in order, then the repository's other files by name.
pub fn catalogue(overrides: &BTreeMap<String, String>) -> Vec<Listed> {
    let mut out: Vec<Listed> = BUILTIN
        .iter()
        .map(|(name, text)| Listed {
            name: name.to_string(),
            description: description(text).unwrap_or_default().to_string(),
            source: if overrides.contains_key(*name) { "overridden" } else { "built-in" },
        })
        .collect();
    out.extend(overrides.iter().filter(|(n, _)| builtin(n).is_none()).map(|(name, text)| Listed {
        name: name.clone(),
        description: description(text).unwrap_or_default().to_string(),
        source: "repository",
    }));
    out
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
    fn a_format_key_that_is_not_ascii_is_an_error_not_a_panic() {
        let r = with("handover.md", "ok\n{{ '%(é)s' | format(x) }}\n");
        let e = r.render("handover.md", &serde_json::json!({"x": {"é": 1}})).unwrap_err();
        let d = &e.diagnostics[0];
        assert_eq!((d.path.as_str(), d.line), ("templates/handover.md", Some(2)), "{d:?}");
        assert!(e.message.contains("not ASCII"), "{}", e.message);
        assert_eq!(non_ascii_format_key("%%(é) %(a)s %(b"), None);
        assert_eq!(non_ascii_format_key("x %(é"), Some(2));
        assert_eq!(non_ascii_format_key("%%%(a%(é)s"), Some(2));
        let keyed = with("handover.md", "{{ '%(a)s é %%(é)' | format({'a': 1}) }}");
        assert_eq!(keyed.render("handover.md", &()).unwrap(), "1 é %(é)");
        let fine = with("handover.md", "{{ '%s é %5.1f' | format('x', 2.25) }}");
        assert_eq!(fine.render("handover.md", &()).unwrap(), "x é   2.2");
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

    #[test]
    fn every_builtin_describes_itself_and_parses() {
        let r = Renderer::new(BTreeMap::new());
        for (name, text) in BUILTIN {
            assert!(description(text).is_some_and(|d| !d.is_empty()), "{name} has no description");
            assert!(r.env.get_template(name).is_ok(), "{name} does not parse");
        }
    }

    #[test]
    fn each_format_escapes_hostile_text() {
        let hostile = "a | b <script>alert(1)</script> & <!channel> `x`\n# h";
        let data = serde_json::json!({ "t": hostile });
        let render = |name: &str| with(name, "{{ t }}").render(name, &data).unwrap();
        assert_eq!(
            render("x.md"),
            "a \\| b \\<script\\>alert(1)\\</script\\> \\& \\<!channel\\> \\`x\\` \\# h"
        );
        assert_eq!(
            render("x.html"),
            "a | b &lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &lt;!channel&gt; `x`\n# h"
        );
        assert_eq!(
            render("x.slack"),
            "a | b &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt; `x` # h"
        );
        assert_eq!(render("x.txt"), hostile);
        assert_eq!(with("x.md", "{{ t | safe }}").render("x.md", &data).unwrap(), hostile);
    }

    #[test]
    fn errors_in_included_parts_name_the_part() {
        let page = ("page.md".to_string(), "{% include '_part.md' %}".to_string());
        for (part, line) in [("line one\n  {{ 1 + }}\n", 2), ("a\nb\n{{ 'x' | time }}\n", 3)] {
            let r = Renderer::new(
                [page.clone(), ("_part.md".to_string(), part.to_string())].into_iter().collect(),
            );
            let e = r.render("page.md", &()).unwrap_err();
            let d = &e.diagnostics[0];
            assert_eq!((d.path.as_str(), d.line), ("templates/_part.md", Some(line)), "{d:?}");
        }
    }

    #[test]
    fn time_filters_use_the_zone_and_refuse_bad_formats() {
        let r =
            with("x.txt", "{{ t | time }}|{{ t | date('%Y-%m-%d') }}|{{ d | date('%d %b') }}|{{ n | time }}")
                .in_zone(chrono_tz::America::New_York);
        let data = serde_json::json!({"t": "2026-11-23T10:02:00+01:00", "d": "2026-12-25", "n": null});
        assert_eq!(r.render("x.txt", &data).unwrap(), "Mon 23 Nov 04:02|2026-11-23|25 Dec|");
        let bad = with("x.txt", "{{ t | time('%Q') }}").render("x.txt", &data).unwrap_err();
        assert!(bad.message.contains("not a valid time format"), "{}", bad.message);
        let not_time = with("x.txt", "{{ 'soon' | time }}").render("x.txt", &data).unwrap_err();
        assert!(not_time.message.contains("neither"), "{}", not_time.message);
    }

    #[test]
    fn code_spans_per_format() {
        let data = serde_json::json!({"t": "a`b|c<d>"});
        let render = |name: &str| with(name, "{{ t | code }}").render(name, &data).unwrap();
        assert_eq!(render("x.md"), "``a`b\\|c<d>``");
        assert_eq!(render("x.html"), "<code>a`b|c&lt;d&gt;</code>");
        assert_eq!(render("x.slack"), "`a'b|c&lt;d&gt;`");
    }

    #[test]
    fn sparklines_and_web_addresses() {
        assert_eq!(sparkline(&[Value::from(1), Value::from(()), Value::from(8), Value::from(4.5)]), "▁·█▅");
        assert_eq!(sparkline(&[Value::from(3), Value::from(3)]), "▄▄");
        assert_eq!(sparkline(&[Value::from(0), Value::from(0)]), "▁▁");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(http_url(" https://status.example.org/1 "), "https://status.example.org/1");
        assert_eq!(http_url("javascript:alert(1)"), "");
        assert_eq!(http_url("HTTP://x y"), "");
        assert_eq!(http_url("file:///etc/passwd"), "");
    }

    #[test]
    fn filters_survive_absurd_arguments() {
        let r = with("x.md", "{{ 1e300 | duration }}|{{ 'a\n## b' | demote(18446744073709551615) }}|{{ '# h' | markdown(18446744073709551615) }}");
        let out = r.render("x.md", &()).unwrap();
        assert_eq!(out, "|a\n###### b|<h6>h</h6>\n");
    }

    #[test]
    fn charts_refuse_values_they_cannot_draw() {
        let e = with("x.html", "{{ rota_chart(1) }}").render("x.html", &()).unwrap_err();
        assert!(e.message.contains("cannot chart"), "{}", e.message);
    }

    #[test]
    fn the_catalogue_marks_overrides_and_extras() {
        let mut o = BTreeMap::new();
        o.insert("journal.md".to_string(), "{# mine #}".to_string());
        o.insert("extra.md".to_string(), "{# an extra part #}x".to_string());
        let c = catalogue(&o);
        assert_eq!(c.iter().find(|l| l.name == "journal.md").map(|l| l.source), Some("overridden"));
        assert_eq!(c.iter().find(|l| l.name == "summary.md").map(|l| l.source), Some("built-in"));
        let extra = c.last().unwrap();
        assert_eq!(
            (extra.name.as_str(), extra.source, extra.description.as_str()),
            ("extra.md", "repository", "an extra part")
        );
    }
}
