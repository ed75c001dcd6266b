//! The text layer of the extractor: paragraphs, sentences (sentencex),
//! word tokens and quotations paired across paragraphs. All offsets here
//! are byte offsets into the article text.

/// Abbreviations whose final period belongs to the word.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gen", "col", "lt", "capt", "prof", "st", "jr", "sr",
    "inc", "corp", "ltd", "co", "gov", "sgt", "det", "insp", "supt", "maj", "adm", "cmdr", "supt",
    "no", "vs", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "rev",
    "hon", "messrs",
];

/// A word or punctuation mark.
#[derive(Clone, Debug)]
pub struct Token {
    /// Byte offset of its first byte.
    pub start: usize,
    /// Byte offset after its last byte.
    pub end: usize,
    /// Lower case, with ’ written as '.
    pub lower: String,
    /// A word (letters or digits), not punctuation.
    pub word: bool,
    /// Starts with an upper-case letter.
    pub cap: bool,
}

/// A quotation: the marks and the words between them.
#[derive(Clone, Debug)]
pub struct Quote {
    /// Byte offset of the opening mark.
    pub open: usize,
    /// Byte offset of the closing mark, or of the end of the last
    /// paragraph for a quotation never closed.
    pub close: usize,
    /// Start of the quoted words.
    pub inner_start: usize,
    /// End of the quoted words (trailing comma and spaces left out).
    pub inner_end: usize,
    /// It runs over more than one paragraph.
    pub multi_paragraph: bool,
}

/// A sentence of a paragraph.
#[derive(Clone, Debug)]
pub struct Sentence {
    /// Byte offset of its first non-space character.
    pub start: usize,
    /// Byte offset after its last non-space character.
    pub end: usize,
    /// Its tokens: indexes into the token list.
    pub tokens: std::ops::Range<usize>,
    /// The index of its paragraph.
    pub paragraph: usize,
}

/// The article, prepared.
#[derive(Debug)]
pub struct Prepared<'a> {
    /// The text.
    pub text: &'a str,
    /// Paragraphs: byte ranges of non-empty lines.
    pub paragraphs: Vec<(usize, usize)>,
    /// Sentences, in order.
    pub sentences: Vec<Sentence>,
    /// Tokens, in order.
    pub tokens: Vec<Token>,
    /// Quotations, in order.
    pub quotes: Vec<Quote>,
}

fn is_open(c: char) -> bool {
    matches!(c, '“' | '«' | '„')
}
fn is_close(c: char) -> bool {
    matches!(c, '”' | '»')
}

/// Whether `c` is a quotation mark (curly, straight or guillemet).
pub fn is_quote_mark(c: char) -> bool {
    is_open(c) || is_close(c) || c == '"'
}

impl<'a> Prepared<'a> {
    /// Splits `text` into paragraphs, sentences and tokens and pairs its
    /// quotation marks.
    pub fn new(text: &'a str) -> Prepared<'a> {
        let mut paragraphs = Vec::new();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_end();
            let lead = trimmed.len() - trimmed.trim_start().len();
            if !trimmed.trim().is_empty() {
                paragraphs.push((at + lead, at + trimmed.len()));
            }
            at += line.len();
        }
        let tokens = tokenize(text);
        let quotes = pair_quotes(text, &paragraphs);
        let mut sentences = Vec::new();
        let mut t = 0;
        for (pi, &(ps, pe)) in paragraphs.iter().enumerate() {
            let para = &text[ps..pe];
            for s in sentencex::segment("en", para) {
                let off = s.as_ptr() as usize - para.as_ptr() as usize;
                let trimmed = s.trim();
                if trimmed.is_empty() {
                    continue;
                }
                let lead = s.len() - s.trim_start().len();
                let start = ps + off + lead;
                let end = start + trimmed.len();
                while t < tokens.len() && tokens[t].start < start {
                    t += 1;
                }
                let first = t;
                while t < tokens.len() && tokens[t].end <= end {
                    t += 1;
                }
                sentences.push(Sentence {
                    start,
                    end,
                    tokens: first..t,
                    paragraph: pi,
                });
            }
        }
        Prepared {
            text,
            paragraphs,
            sentences,
            tokens,
            quotes,
        }
    }

    /// The text of token `i`.
    pub fn tok(&self, i: usize) -> &'a str {
        &self.text[self.tokens[i].start..self.tokens[i].end]
    }

    /// The quotation whose marks enclose byte `at` (marks included).
    pub fn quote_at(&self, at: usize) -> Option<usize> {
        let i = self.quotes.partition_point(|q| q.open <= at);
        if i == 0 {
            return None;
        }
        let q = &self.quotes[i - 1];
        (at <= q.close).then_some(i - 1)
    }
}

/// Words (letters, digits, inner apostrophes, hyphens and periods) and
/// single punctuation marks.
fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let bytes = text.as_bytes();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if d.is_alphanumeric() {
                    end = j + d.len_utf8();
                    it.next();
                    continue;
                }
                // An inner mark joins two word characters: U.S, Kabul-based, Pakistan’s, 3.5.
                if matches!(d, '.' | '\'' | '’' | '-' | '‑' | '&')
                    && text[j + d.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(|n| n.is_alphanumeric())
                {
                    it.next();
                    continue;
                }
                break;
            }
            // A final period that belongs to the word: U.S., Mr., a single initial.
            if bytes.get(end) == Some(&b'.') {
                let w = &text[i..end];
                let lower = w.to_lowercase();
                let single = w.chars().count() == 1 && w.chars().all(|c| c.is_uppercase());
                if w.contains('.') || single || ABBREVIATIONS.contains(&lower.as_str()) {
                    end += 1;
                    it.next();
                }
            }
            let w = &text[i..end];
            out.push(Token {
                start: i,
                end,
                lower: w.to_lowercase().replace('’', "'"),
                word: true,
                cap: c.is_uppercase(),
            });
        } else {
            let end = i + c.len_utf8();
            out.push(Token {
                start: i,
                end,
                lower: c.to_string(),
                word: false,
                cap: false,
            });
        }
    }
    out
}

/// Whether a straight quotation mark at byte `i` opens (by what is before
/// and after it).
fn straight_opens(text: &str, i: usize) -> bool {
    let before = text[..i].chars().next_back();
    let after = text[i + 1..].chars().next();
    let before_ok = before.is_none_or(|c| c.is_whitespace() || "([{—–-:".contains(c));
    before_ok && after.is_some_and(|c| !c.is_whitespace())
}

/// Pairs quotation marks, paragraph by paragraph. A quotation still open
/// at the end of a paragraph continues into the next one when that one
/// starts with an opening mark (the convention for a quotation of several
/// paragraphs); otherwise it ends with its paragraph.
fn pair_quotes(text: &str, paragraphs: &[(usize, usize)]) -> Vec<Quote> {
    let mut quotes = Vec::new();
    // (byte of the opening mark, curly?, multi-paragraph?)
    let mut open: Option<(usize, bool, bool)> = None;
    for (pi, &(ps, pe)) in paragraphs.iter().enumerate() {
        let para = &text[ps..pe];
        let mut first = true;
        for (j, c) in para.char_indices() {
            let at = ps + j;
            let starts_para = first;
            first = false;
            if !is_quote_mark(c) {
                continue;
            }
            match open {
                // The opening mark that repeats a quotation carried over.
                Some((_, _, true)) if starts_para && (is_open(c) || c == '"') => {}
                None => {
                    if is_open(c) || (c == '"' && straight_opens(text, at)) {
                        open = Some((at, c != '"', false));
                    }
                }
                Some((o, curly, multi)) => {
                    let closes = if curly { is_close(c) } else { c == '"' };
                    if closes {
                        quotes.push(make_quote(text, o, at, multi));
                        open = None;
                    } else if curly && is_open(c) {
                        // A second opening mark: the first was never closed.
                        quotes.push(make_quote(text, o, previous_end(text, at), multi));
                        open = Some((at, true, false));
                    }
                }
            }
        }
        if let Some((o, curly, _)) = open {
            let next_opens = paragraphs.get(pi + 1).is_some_and(|&(ns, _)| {
                text[ns..]
                    .chars()
                    .next()
                    .is_some_and(|c| is_open(c) || c == '"')
            });
            if next_opens {
                open = Some((o, curly, true));
            } else {
                quotes.push(make_quote(text, o, pe, pi > 0 && o < ps));
                open = None;
            }
        }
    }
    quotes
}

fn previous_end(text: &str, at: usize) -> usize {
    text[..at].trim_end().len()
}

fn make_quote(text: &str, open: usize, close: usize, multi: bool) -> Quote {
    let mark = text[open..].chars().next().map_or(1, char::len_utf8);
    let inner_start = open + mark;
    let mut inner = &text[inner_start..close.max(inner_start)];
    inner = inner.trim_end().trim_end_matches(',').trim_end();
    let lead = inner.len() - inner.trim_start().len();
    Quote {
        open,
        close,
        inner_start: inner_start + lead,
        inner_end: inner_start + inner.len(),
        multi_paragraph: multi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_survive_abbreviations() {
        let t = "Mr. Smith arrived on Jan. 3 in the U.S. capital. He said the U.S. would act.";
        let p = Prepared::new(t);
        let s: Vec<&str> = p.sentences.iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(
            s,
            [
                "Mr. Smith arrived on Jan. 3 in the U.S. capital.",
                "He said the U.S. would act."
            ]
        );
        assert_eq!(p.tok(0), "Mr.");
        assert!(p.tokens.iter().any(|k| k.lower == "u.s."));
    }

    #[test]
    fn quotes_pair_across_paragraphs() {
        let t = "“First part,” he said. “Second part runs on\n\n“and ends here.”\n\n\"Straight one,\" she said.";
        let p = Prepared::new(t);
        let inner: Vec<&str> = p
            .quotes
            .iter()
            .map(|q| &t[q.inner_start..q.inner_end])
            .collect();
        assert_eq!(
            inner,
            [
                "First part",
                "Second part runs on\n\n“and ends here.",
                "Straight one"
            ]
        );
        assert!(p.quotes[1].multi_paragraph);
        assert!(!p.quotes[0].multi_paragraph);
    }

    #[test]
    fn an_unclosed_quote_ends_with_its_paragraph() {
        let t = "He said “it is over.\n\nThen he left.";
        let p = Prepared::new(t);
        assert_eq!(p.quotes.len(), 1);
        assert_eq!(
            &t[p.quotes[0].inner_start..p.quotes[0].inner_end],
            "it is over."
        );
    }
}
