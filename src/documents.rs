//! Parsed TOML documents kept between runs (issue 20): the half of the parse cache that lives in
//! the core, because the core does the parsing.
//!
//! Parsing a record is mostly parsing its TOML: turning the text into a tree of keys and values,
//! each with its byte span (about nine tenths of the time; building the typed record from the
//! tree is the rest). A [`Tree`] is that tree ([`toml::de::DeTable`]) in a compact form that is
//! rebuilt in a few microseconds, and the record is then built from it by the very code a fresh
//! parse runs (toml's own deserializer over the same tree), so spans, dates, ids, defaults and
//! every check after the parse are exactly those of a fresh parse: nothing about the records is
//! stored, only their text's parse.
//!
//! `store` keeps the trees in its cache by blob id and hands them here before the model parses
//! ([`remember`]); [`crate::parse::Source::parse`] asks for one by the file's text ([`tree_for`]).
//! The table is keyed by the text itself, compared in full on every hit, so a tree can only ever
//! be used for the text it was made from: handing one in can make a parse faster, never
//! different. A document whose tree fails to rebuild or to deserialize is parsed from its text,
//! so errors are always toml's own, with their places.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, RwLock};
use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

/// A TOML document's parse, encoded (see [`encode`]).
pub type Tree = Vec<u8>;

/// Bytes shared with whoever handed them in, not copied: a buffer and a range of it (the store
/// hands in slices of the cache files it loaded).
pub type Shared = (Arc<Vec<u8>>, Range<usize>);

/// Bytes of their own, as [`Shared`].
pub fn shared(bytes: Vec<u8>) -> Shared {
    let range = 0..bytes.len();
    (Arc::new(bytes), range)
}

/// A document handed in: the whole text of its file, where its TOML lies, and the TOML's tree.
struct Document {
    text: Shared,
    toml: (usize, usize),
    tree: Shared,
}

impl Document {
    fn text(&self) -> Option<&[u8]> {
        self.text.0.get(self.text.1.clone())
    }

    fn tree(&self) -> Option<&[u8]> {
        self.tree.0.get(self.tree.1.clone())
    }
}

/// The documents handed in by this process, by a hash of their file's text. Empty unless the
/// cache is on (`--no-cache` never hands any in), and then a lookup costs nothing.
static DOCUMENTS: RwLock<Option<HashMap<u64, Arc<Document>>>> = RwLock::new(None);

fn text_hash(text: &str) -> u64 {
    quick_hash(text.as_bytes())
}

/// A fast 64-bit hash of bytes, eight at a time (a multiply-rotate mix, as FxHash): to find a
/// document, whose text is then compared in full, and to find a damaged cache file. Not for
/// anything an adversary controls: whoever can write `.git` can change anything anyway.
pub fn quick_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    let mut h = mix(0, bytes.len() as u64);
    for c in &mut chunks {
        h = mix(h, u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
    }
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = mix(h, u64::from_le_bytes(last));
    // Final avalanche (splitmix64), so every input bit reaches every output bit.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Hands in the tree of the TOML at `toml` in a file's `text` (its bytes as the model reads
/// them, a byte-order mark left out), for its next parse.
pub fn remember(text: Shared, toml: (usize, usize), tree: Shared) {
    let doc = Document { text, toml, tree };
    let Some(hash) = doc.text().map(quick_hash) else { return };
    if let Ok(mut table) = DOCUMENTS.write() {
        table.get_or_insert_with(HashMap::new).insert(hash, Arc::new(doc));
    }
}

/// Deserializes `T` from the tree handed in for this exact text and TOML range, if there is one
/// and it deserializes; `None` means: parse the text.
pub fn tree_for<T: serde::de::DeserializeOwned>(text: &str, toml: (usize, usize)) -> Option<T> {
    let doc = {
        let table = DOCUMENTS.read().ok()?;
        let doc = table.as_ref()?.get(&text_hash(text))?;
        (doc.toml == toml && doc.text() == Some(text.as_bytes())).then(|| Arc::clone(doc))?
    };
    let root = decode(doc.tree()?)?;
    T::deserialize(toml::de::Deserializer::from(root)).ok()
}

/// Where the TOML of a file lies in its text, as the model's loaders read it: the front matter
/// of a Markdown file (between its first two `+++` lines), or all of any other. A guess that
/// turns out wrong is only a miss: [`tree_for`] checks the range.
pub fn toml_range(path: &str, text: &str) -> Option<(usize, usize)> {
    if path.ends_with(".md") {
        crate::parse::front_matter(path, text).ok().map(|(src, _)| src.toml)
    } else {
        Some((0, text.len()))
    }
}

/// The tree of `toml`, or `None` when it does not parse (a file with an error is parsed each
/// time, so its diagnostics are toml's own) or holds what the encoding cannot rebuild exactly.
pub fn encode(toml: &str) -> Option<Tree> {
    let root = DeTable::parse(toml).ok()?;
    let mut out = Vec::with_capacity(toml.len());
    let span = root.span();
    put_span(&mut out, &span);
    put_table(&mut out, root.get_ref(), 0)?;
    Some(out)
}

/// Nesting deeper than this is not encoded (toml's parser refuses far less deep documents).
const MAX_DEPTH: usize = 128;

const STRING: u8 = 0;
const INTEGER: u8 = 1;
const FLOAT: u8 = 2;
const BOOLEAN: u8 = 3;
const DATETIME: u8 = 4;
const ARRAY: u8 = 5;
const TABLE: u8 = 6;

fn put_u32(out: &mut Vec<u8>, n: usize) -> Option<()> {
    out.extend(u32::try_from(n).ok()?.to_le_bytes());
    Some(())
}

fn put_span(out: &mut Vec<u8>, span: &Range<usize>) -> Option<()> {
    put_u32(out, span.start)?;
    put_u32(out, span.end)
}

fn put_str(out: &mut Vec<u8>, s: &str) -> Option<()> {
    put_u32(out, s.len())?;
    out.extend(s.as_bytes());
    Some(())
}

fn put_table(out: &mut Vec<u8>, table: &DeTable<'_>, depth: usize) -> Option<()> {
    put_u32(out, table.len())?;
    for (key, value) in table.iter() {
        put_span(out, &key.span())?;
        put_str(out, key.get_ref())?;
        put_value(out, value, depth + 1)?;
    }
    Some(())
}

/// The literal an integer is rebuilt from, by toml's own parser.
fn integer_literal(inner: &str, radix: u32) -> Option<String> {
    let prefix = match radix {
        10 => "",
        16 => "0x",
        8 => "0o",
        2 => "0b",
        _ => return None,
    };
    Some(format!("{prefix}{inner}"))
}

fn put_value(out: &mut Vec<u8>, value: &Spanned<DeValue<'_>>, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    let tag_at = out.len();
    out.push(0);
    put_span(out, &value.span())?;
    out[tag_at] = match value.get_ref() {
        DeValue::String(s) => {
            put_str(out, s)?;
            STRING
        }
        DeValue::Integer(i) => {
            let literal = integer_literal(i.as_str(), i.radix())?;
            // Rebuilt by parsing the literal: only encoded when that gives the same integer.
            match DeValue::parse(&literal).ok()?.get_ref() {
                DeValue::Integer(j) if j.as_str() == i.as_str() && j.radix() == i.radix() => {}
                _ => return None,
            }
            put_str(out, &literal)?;
            INTEGER
        }
        DeValue::Float(f) => {
            match DeValue::parse(f.as_str()).ok()?.get_ref() {
                DeValue::Float(g) if g.as_str() == f.as_str() => {}
                _ => return None,
            }
            put_str(out, f.as_str())?;
            FLOAT
        }
        DeValue::Boolean(b) => {
            out.push(u8::from(*b));
            BOOLEAN
        }
        DeValue::Datetime(d) => {
            put_datetime(out, d);
            DATETIME
        }
        DeValue::Array(items) => {
            put_u32(out, items.len())?;
            for item in items.iter() {
                put_value(out, item, depth + 1)?;
            }
            ARRAY
        }
        DeValue::Table(t) => {
            put_table(out, t, depth)?;
            TABLE
        }
    };
    Some(())
}

fn put_datetime(out: &mut Vec<u8>, d: &toml::value::Datetime) {
    use toml::value::Offset;
    let flags = u8::from(d.date.is_some())
        | u8::from(d.time.is_some()) << 1
        | u8::from(d.offset.is_some()) << 2
        | u8::from(d.time.is_some_and(|t| t.second.is_some())) << 3
        | u8::from(d.time.is_some_and(|t| t.nanosecond.is_some())) << 4
        | u8::from(matches!(d.offset, Some(Offset::Z))) << 5;
    out.push(flags);
    if let Some(date) = d.date {
        out.extend(date.year.to_le_bytes());
        out.extend([date.month, date.day]);
    }
    if let Some(time) = d.time {
        out.extend([time.hour, time.minute, time.second.unwrap_or(0)]);
        out.extend(time.nanosecond.unwrap_or(0).to_le_bytes());
    }
    if let Some(Offset::Custom { minutes }) = d.offset {
        out.extend(minutes.to_le_bytes());
    }
}

/// Reads an encoded tree back; borrowed strings point into `bytes`.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.bytes.get(..n)?, self.bytes.get(n..)?);
        self.bytes = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }

    fn span(&mut self) -> Option<Range<usize>> {
        Some(self.u32()?..self.u32()?)
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn table(&mut self, depth: usize) -> Option<DeTable<'a>> {
        let n = self.u32()?;
        let mut table = DeTable::new();
        for _ in 0..n {
            let span = self.span()?;
            let key = Spanned::new(span, Cow::Borrowed(self.str()?));
            let value = self.value(depth + 1)?;
            table.insert(key, value);
        }
        Some(table)
    }

    fn value(&mut self, depth: usize) -> Option<Spanned<DeValue<'a>>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let tag = self.u8()?;
        let span = self.span()?;
        let value = match tag {
            STRING => DeValue::String(Cow::Borrowed(self.str()?)),
            INTEGER | FLOAT => {
                let literal = self.str()?;
                let parsed = DeValue::parse(literal).ok()?.into_inner();
                match (tag, &parsed) {
                    (INTEGER, DeValue::Integer(_)) | (FLOAT, DeValue::Float(_)) => parsed,
                    _ => return None,
                }
            }
            BOOLEAN => DeValue::Boolean(self.u8()? != 0),
            DATETIME => DeValue::Datetime(self.datetime()?),
            ARRAY => {
                let n = self.u32()?;
                let mut items = DeArray::new();
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                DeValue::Array(items)
            }
            TABLE => DeValue::Table(self.table(depth)?),
            _ => return None,
        };
        Some(Spanned::new(span, value))
    }

    fn datetime(&mut self) -> Option<toml::value::Datetime> {
        use toml::value::{Date, Datetime, Offset, Time};
        let flags = self.u8()?;
        let date = if flags & 1 != 0 {
            let year = self.u16()?;
            Some(Date { year, month: self.u8()?, day: self.u8()? })
        } else {
            None
        };
        let time = if flags & 2 != 0 {
            let (hour, minute, second) = (self.u8()?, self.u8()?, self.u8()?);
            let nanosecond = self.u32()? as u32;
            Some(Time {
                hour,
                minute,
                second: (flags & 8 != 0).then_some(second),
                nanosecond: (flags & 16 != 0).then_some(nanosecond),
            })
        } else {
            None
        };
        let offset = match (flags & 4 != 0, flags & 32 != 0) {
            (false, _) => None,
            (true, true) => Some(Offset::Z),
            (true, false) => Some(Offset::Custom { minutes: self.u16()? as i16 }),
        };
        Some(Datetime { date, time, offset })
    }
}

/// The document an encoded tree holds, or `None` if the bytes are not one.
fn decode(bytes: &[u8]) -> Option<Spanned<DeTable<'_>>> {
    let mut r = Reader { bytes };
    let span = r.span()?;
    let table = r.table(0)?;
    r.bytes.is_empty().then(|| Spanned::new(span, table))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree rebuilt from its encoding is the tree the parser gave, spans included.
    fn round_trips(toml: &str) {
        let tree = encode(toml).unwrap_or_else(|| panic!("encodes: {toml}"));
        let parsed = DeTable::parse(toml).expect("parses");
        assert_eq!(format!("{:?}", decode(&tree).expect("decodes")), format!("{parsed:?}"), "{toml}");
    }

    #[test]
    fn every_kind_of_value_round_trips() {
        round_trips("");
        round_trips("a = \"x\\ty\"\nb = 'lit'\nc = \"\"\"\nmulti\n\"\"\"\n");
        round_trips(
            "i = 42\nn = -17\nh = 0xDEAD_beef\no = 0o755\nb = 0b1010\nbig = 9_223_372_036_854_775_807\n",
        );
        round_trips("f = 3.14\ne = -1e-10\ninf = inf\nninf = -inf\nnan = nan\nx = 6.02E+23\n");
        round_trips("t = true\nf = false\n");
        round_trips(
            "odt = 2026-11-23T10:02:00+01:00\nz = 2026-11-23T10:02:00.123456Z\nldt = 2026-11-23T10:02\nd = 2026-11-23\nt = 07:32:00.5\nneg = 1979-05-27T00:32:00-07:45\n",
        );
        round_trips(
            "a = [1, [2, 'x'], {k = 3}]\n[[t]]\nx = 1\n[[t]]\nx = 2\n[s.u]\nv = 'é🦀'\n\"quoted key\" = 1\n",
        );
    }

    #[test]
    fn records_read_from_a_tree_equal_records_read_from_the_text() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").expect("a time");
        for (path, text) in crate::example::files(now) {
            let Some(toml) = toml_range(&path, &text) else { continue };
            let tree = encode(&text[toml.0..toml.1]).expect("the example parses");
            let fresh = crate::model::load(vec![crate::model::RawFile {
                path: path.clone(),
                bytes: text.clone().into(),
            }]);
            remember(shared(text.clone().into_bytes()), toml, shared(tree));
            let cached =
                crate::model::load(vec![crate::model::RawFile { path: path.clone(), bytes: text.into() }]);
            assert_eq!(format!("{:?}", cached.model), format!("{:?}", fresh.model), "{path}");
            assert_eq!(format!("{:?}", cached.diagnostics), format!("{:?}", fresh.diagnostics), "{path}");
        }
    }

    #[test]
    fn a_tree_is_never_used_for_another_text_or_range() {
        let text = "planted_tree = 1\n";
        remember(
            shared(text.into()),
            (0, text.len()),
            shared(encode("planted_tree = 2\n").expect("encodes")),
        );
        #[derive(serde::Deserialize)]
        struct A {
            planted_tree: i64,
        }
        // The same text: the (wrong, planted) tree is what is read, proving it is used...
        assert_eq!(tree_for::<A>(text, (0, text.len())).map(|v| v.planted_tree), Some(2));
        // ...but never for another range of it, nor for any other text.
        assert!(tree_for::<A>(text, (0, 3)).is_none());
        assert!(tree_for::<A>("planted_tree = 1\n ", (0, 18)).is_none());
        assert!(decode(b"garbage").is_none() && decode(&[]).is_none());
    }
}
