//! Secrets taken out of text before a person or a log file sees it: the `user:password@` of a
//! URL (an endpoint given as `http://user:secret@host`), and, in the debug log, the long
//! opaque tokens AWS echoes back in some errors (a receipt handle in "the receipt handle X is
//! not valid" lets whoever reads it delete that message while it is valid).

use std::borrow::Cow;

/// Shown in place of a URL's credentials.
const HIDDEN_CREDENTIALS: &str = "***";

/// A run of token characters this long is a receipt handle, a token or an encoded body, not
/// a word: queue names stop at 80 characters and a queue URL's path at about 95.
pub const LONG_TOKEN: usize = 100;

/// `text` with the `user:password@` (or `user@`) of every URL in it replaced by `***@`.
pub fn url_credentials(text: &str) -> Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let authority_start = at + 3;
        out.push_str(&rest[..authority_start]);
        let after = &rest[authority_start..];
        let authority_len = after
            .find(|c: char| "/?#\"'<>".contains(c) || c.is_whitespace())
            .unwrap_or(after.len());
        let authority = &after[..authority_len];
        match authority.rfind('@') {
            Some(user_end) => {
                out.push_str(HIDDEN_CREDENTIALS);
                out.push_str(&authority[user_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority_len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// An endpoint URL as squall shows it: `url_credentials`, and also for a value given without
/// a scheme (`user:secret@host:4566`, which squall refuses, and names in the refusal).
pub fn endpoint(value: &str) -> Cow<'_, str> {
    if value.contains("://") {
        return url_credentials(value);
    }
    let authority = value.split(['/', '?', '#']).next().unwrap_or(value);
    match authority.rfind('@') {
        Some(user_end) => Cow::Owned(format!("{HIDDEN_CREDENTIALS}{}", &value[user_end..])),
        None => Cow::Borrowed(value),
    }
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+/=_-".contains(c)
}

/// `text` with every run of at least `LONG_TOKEN` token characters (letters, digits,
/// `+/=_-`) replaced by `<N chars hidden>`.
pub fn long_tokens(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut run_start = None;
    let mut copied_to = 0;
    let chars = text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')));
    for (i, c) in chars {
        match (is_token_char(c), run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(start)) => {
                run_start = None;
                // Token characters are ASCII: bytes are characters.
                if i - start >= LONG_TOKEN {
                    let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                    out.push_str(&text[copied_to..start]);
                    out.push_str(&format!("<{} chars hidden>", i - start));
                    copied_to = i;
                }
            }
            _ => {}
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&text[copied_to..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(text),
    }
}

/// What may go into the debug log: no URL credentials, no long opaque tokens.
pub fn for_log(text: &str) -> Cow<'_, str> {
    match long_tokens(text) {
        Cow::Borrowed(text) => url_credentials(text),
        Cow::Owned(text) => Cow::Owned(url_credentials(&text).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_credentials_are_hidden_and_the_rest_stays() {
        assert_eq!(
            url_credentials("http://user:secret@127.0.0.1:4566/path?q=1"),
            "http://***@127.0.0.1:4566/path?q=1"
        );
        assert_eq!(
            url_credentials("cannot reach \"https://admin@proxy:8080\" nor ftp://a:b@c/d"),
            "cannot reach \"https://***@proxy:8080\" nor ftp://***@c/d"
        );
        assert_eq!(
            url_credentials("http://u:p%40ss@host"),
            "http://***@host",
            "an encoded @ is part of the password"
        );
        for plain in [
            "http://localhost:4566",
            "https://sqs.us-east-1.amazonaws.com/000000000000/orders",
            "mail me at ops@example.com",
            "https://host/path@not-userinfo",
        ] {
            assert_eq!(url_credentials(plain), plain);
        }
    }

    #[test]
    fn an_endpoint_without_a_scheme_loses_its_credentials_too() {
        assert_eq!(endpoint("ops:pw@localhost:4566/x"), "***@localhost:4566/x");
        assert_eq!(
            endpoint("http://ops:pw@localhost:4566"),
            "http://***@localhost:4566"
        );
        assert_eq!(endpoint("localhost:4566"), "localhost:4566");
    }

    #[test]
    fn long_tokens_are_hidden_words_and_urls_stay() {
        let handle = "AQEB".repeat(40);
        let line = format!("ReceiptHandleIsInvalid: the receipt handle \"{handle}\" is not valid");
        assert_eq!(
            long_tokens(&line),
            "ReceiptHandleIsInvalid: the receipt handle \"<160 chars hidden>\" is not valid"
        );
        let url = format!(
            "https://sqs.us-east-1.amazonaws.com/000000000000/{}",
            "q".repeat(80)
        );
        assert_eq!(long_tokens(&url), url.as_str());
        assert_eq!(long_tokens(&"x".repeat(99)), "x".repeat(99));
        assert_eq!(long_tokens(&"x".repeat(100)), "<100 chars hidden>");
    }

    #[test]
    fn for_log_does_both() {
        let text = format!("http://u:pw@h {}", "Z".repeat(120));
        assert_eq!(for_log(&text), "http://***@h <120 chars hidden>");
    }
}
