//! The coach's pages of the site: the quarterly review pack of each of the crew's last quarters
//! (`quarters/`, what `render quarter` shows), and, in a repository of several crews, the crews
//! side by side (`org.html`, what `render org` shows). Pure like the rest of the site: the org
//! page's data comes in [`Options::org`], made by the shell that read the other crews.

use super::data::Plan;
use super::{Link, Options, Page};
use crate::error::Result;
use crate::model::Model;
use crate::render::Renderer;
use crate::report::quarter::{self, Quarter};
use chrono::{DateTime, FixedOffset};
use serde_json::{json, Value};

/// How many quarters get a pack, the current one included: two years, enough for the trend
/// of each (four quarters) and the year before it, without a page per quarter of a decade.
pub const QUARTERS: usize = 8;

/// The links the home page lists for these pages (the global `coach` of every template).
pub fn links(options: &Options) -> Vec<Link> {
    let mut out = vec![Link { href: "quarters/index.html".into(), title: "Quarterly reviews".into() }];
    if options.org.is_some() {
        out.push(Link { href: "org.html".into(), title: "Every crew of the repository".into() });
    }
    out
}

/// The quarters with a pack, newest first: from the quarter of the crew's first record (a
/// rota week, an entry, a handover) to the one holding `now`, at most [`QUARTERS`].
pub(super) fn quarters(model: &Model, now: DateTime<FixedOffset>) -> Vec<Quarter> {
    let schedule = &model.settings.schedule;
    let current = Quarter::of(schedule.local_date(&now));
    let first = model
        .rota
        .keys()
        .chain(model.handovers.keys())
        .chain(model.entries.iter().map(|e| &e.week))
        .min()
        .map_or(current, |w| Quarter::of(w.monday()))
        .min(current);
    (0..QUARTERS as i32).map(|n| current.plus(-n)).take_while(|q| *q >= first).collect()
}

fn quarter_href(q: Quarter) -> String {
    format!("quarters/{}.html", q.to_string().to_ascii_lowercase())
}

/// The pack of quarter `i` of `all` (as [`quarters`] gives them) and how the index lists it.
/// Framed, fingerprinted and kept from an earlier build as every other page is, by `plan`.
pub(super) fn pack(
    plan: &Plan,
    model: &Model,
    all: &[Quarter],
    i: usize,
    now: DateTime<FixedOffset>,
    r: &Renderer,
) -> Result<(Page, Value)> {
    let Some(q) = all.get(i).copied() else {
        return Err(crate::error::Error::usage(format!("no quarter {i} among {}", all.len())));
    };
    let page = quarter::build_with(model, q, now, &plan.readings);
    let pack = &page.quarter;
    let listed = json!({
        "href": quarter_href(q),
        "name": pack.name,
        "last_day": pack.last_day,
        "complete": pack.complete,
        "troughs": pack.troughs,
        "incidents": pack.incidents.total,
        "late": pack.actions.late.len(),
        "assessed": pack.maturity.assessment.is_some(),
    });
    let link = |q: Quarter| json!({"href": quarter_href(q), "title": q.to_string()});
    let mut data = serde_json::to_value(&page).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut data {
        // Newest first: the one before is next in the list, the one after is before it.
        m.insert("prev".into(), all.get(i + 1).map_or(Value::Null, |q| link(*q)));
        m.insert("next".into(), i.checked_sub(1).map_or(Value::Null, |j| link(all[j])));
    }
    Ok((plan.page(r, quarter_href(q), "review.html", &data)?, listed))
}

/// The index of the packs (`listed`, newest first, as [`pack`] lists them), and the org page
/// when there are several crews.
pub(super) fn index(plan: &Plan, listed: Vec<Value>, r: &Renderer, options: &Options) -> Result<Vec<Page>> {
    let mut out =
        vec![plan.page(r, "quarters/index.html".into(), "reviews.html", &json!({"quarters": listed}))?];
    if let Some(org) = &options.org {
        out.push(plan.page(r, "org.html".into(), "org.html", org)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_go_back_to_the_first_record_and_no_further_than_two_years() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        let empty = crate::model::load(Vec::new()).model;
        let names = |m: &Model| quarters(m, now).iter().map(|q| q.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&empty), ["2026-Q4"], "a crew without records has this quarter's");
        let files = crate::example::files(now);
        let raw: Vec<crate::model::RawFile> = files
            .into_iter()
            .map(|(path, text)| crate::model::RawFile { path, bytes: text.into_bytes() })
            .collect();
        let mut example = crate::model::load(raw).model;
        let first = example.rota.keys().next().copied().unwrap();
        let got = names(&example);
        assert_eq!(got.first().map(String::as_str), Some("2026-Q4"));
        assert_eq!(got.last(), Some(&Quarter::of(first.monday()).to_string()), "back to the first rota week");
        assert!(got.windows(2).all(|w| w[0] > w[1]), "newest first: {got:?}");
        // A week rostered years ago: two years of packs, not one per quarter since then.
        let week = example.rota[&first].clone();
        example.rota.insert("2019-W02".parse().unwrap(), week);
        let got = names(&example);
        assert_eq!((got.len(), got.last().map(String::as_str)), (QUARTERS, Some("2025-Q1")), "{got:?}");
    }
}
