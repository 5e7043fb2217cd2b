//! Accent- and case-insensitive search terms.
//!
//! MongoDB-compatible servers here have no `$text` index, so search is served by
//! an ordinary multikey index over `searchTerms`: every word of the indexed text,
//! folded to ASCII lower case, is stored with all its prefixes. A query matches
//! when each of its words is one of those terms (`$all`), so `jo sil` finds
//! "João da Silva" by exact index lookups, with no collection scan.

use deunicode::deunicode;
use std::collections::BTreeSet;

/// Longer prefixes add index entries without making searches more selective.
const MAX_PREFIX: usize = 24;

/// Folds accents and case: "João" -> "joao".
pub fn fold(text: &str) -> String {
    deunicode(text).to_lowercase()
}

/// The folded alphanumeric words of `text`.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every prefix (1..=MAX_PREFIX chars) of every word of every text.
pub fn terms<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out = BTreeSet::new();
    for text in texts {
        for word in words(text) {
            for end in 1..=word.len().min(MAX_PREFIX) {
                out.insert(word[..end].to_string());
            }
        }
    }
    out.into_iter().collect()
}

/// The words of a query, each clipped to the longest indexed prefix.
pub fn query_words(query: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    words(query)
        .into_iter()
        .map(|w| w.chars().take(MAX_PREFIX).collect::<String>())
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

/// Phone numbers are searched by their digits only.
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(fold("João DA Silva"), "joao da silva");
    }

    #[test]
    fn a_prefix_of_each_word_is_a_term() {
        let t = terms(["João da Silva"]);
        for w in ["j", "jo", "joao", "da", "s", "sil", "silva"] {
            assert!(t.contains(&w.to_string()), "{w}");
        }
        assert!(!t.contains(&"ilva".to_string()));
    }

    #[test]
    fn queries_split_like_indexed_text() {
        assert_eq!(query_words("Jo  SIL"), vec!["jo", "sil"]);
        assert_eq!(query_words("P-001"), vec!["p", "001"]);
    }
}
