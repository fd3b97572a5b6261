//! CloudWatch Logs filter patterns, so that the service does the matching and only what
//! matches comes back: quoted terms, all of them (`"a" "b"`) or any (`?"a" ?"b"`).

/// A term as a filter pattern can hold it: quoted (ids hold `-`, which unquoted would mean
/// "not"). A double quote cannot be put inside a quoted term.
pub fn quoted(term: &str) -> Result<String, String> {
    if term.is_empty() {
        return Err("an empty search term".to_string());
    }
    if term.contains('"') {
        return Err(format!(
            "{term:?} holds a double quote, which a CloudWatch Logs filter pattern term cannot"
        ));
    }
    Ok(format!("\"{term}\""))
}

/// Events holding any one of `terms`.
pub fn any_of<'a>(terms: impl IntoIterator<Item = &'a str>) -> Result<String, String> {
    let quoted: Vec<String> = terms
        .into_iter()
        .map(|t| quoted(t).map(|q| format!("?{q}")))
        .collect::<Result<_, _>>()?;
    Ok(quoted.join(" "))
}

/// Events that may report a failure (the runtimes' levels, Lambda's timeout line); the
/// engine keeps those whose parsed level or kind says so.
pub fn errors() -> String {
    "?ERROR ?FATAL ?CRITICAL ?\"Task timed out\"".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_quoted_and_a_quote_is_refused() {
        assert_eq!(quoted("a-b").expect("term"), "\"a-b\"");
        assert!(quoted("say \"hi\"").is_err());
        assert!(quoted("").is_err());
        assert_eq!(any_of(["m-1", "m-2"]).expect("any"), "?\"m-1\" ?\"m-2\"");
    }
}
