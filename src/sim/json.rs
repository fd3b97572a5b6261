//! JSON written by hand for the two texts the world writes by the thousand (message
//! bodies and SNS envelopes): the shape is fixed, and writing it directly is many times
//! cheaper than going through `serde_json` in an unoptimised test build, where laying
//! out the demo's 12,000 messages would otherwise take seconds.

/// Appends `text` as a JSON string literal (quotes, escapes for `"`, `\` and control
/// characters, as RFC 8259 requires; everything else as is).
pub(super) fn push_string(out: &mut String, text: &str) {
    out.push('"');
    // Copy runs of plain text whole: every byte that needs escaping is ASCII, so the
    // slices always fall on character boundaries.
    let mut run_start = 0;
    for (i, &byte) in text.as_bytes().iter().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[run_start..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{byte:04x}"));
        } else {
            out.push_str(escape);
        }
        run_start = i + 1;
    }
    out.push_str(&text[run_start..]);
    out.push('"');
}

/// A JSON object written field by field, compact (`{"a":"b"}`) or the way SNS lays out
/// its envelope (`{\n  "Type" : "Notification",\n  ...\n}`).
pub(super) struct ObjectWriter {
    out: String,
    pretty: bool,
    empty: bool,
}

impl ObjectWriter {
    pub fn compact() -> ObjectWriter {
        ObjectWriter {
            out: String::from("{"),
            pretty: false,
            empty: true,
        }
    }

    pub fn sns_style() -> ObjectWriter {
        ObjectWriter {
            pretty: true,
            ..ObjectWriter::compact()
        }
    }

    /// Keys are always plain names, written without scanning.
    fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        if self.pretty {
            self.out.push_str("\n  ");
        }
        self.out.push('"');
        self.out.push_str(key);
        self.out.push('"');
        self.out.push_str(if self.pretty { " : " } else { ":" });
    }

    pub fn string(&mut self, key: &str, value: &str) -> &mut ObjectWriter {
        self.key(key);
        push_string(&mut self.out, value);
        self
    }

    /// A string known to need no escaping (ids, ARNs, base64, timestamps), written
    /// without scanning it.
    pub fn plain(&mut self, key: &str, value: &str) -> &mut ObjectWriter {
        self.key(key);
        self.out.push('"');
        self.out.push_str(value);
        self.out.push('"');
        self
    }

    /// A value already written as JSON (a number, a nested object).
    pub fn raw(&mut self, key: &str, json: &str) -> &mut ObjectWriter {
        self.key(key);
        self.out.push_str(json);
        self
    }

    pub fn finish(&mut self) -> String {
        if self.pretty && !self.empty {
            self.out.push('\n');
        }
        self.out.push('}');
        std::mem::take(&mut self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_a_json_parser() {
        let nasty = "quote \" backslash \\ newline \n tab \t esc \u{1b}[2J bell \u{7} é ✓ 🚀";
        let mut out = String::new();
        push_string(&mut out, nasty);
        let parsed: String = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(parsed, nasty);
        assert!(
            !out.contains('\u{1b}'),
            "control characters are escaped: {out}"
        );
    }

    #[test]
    fn objects_compact_and_sns_style() {
        let compact = ObjectWriter::compact()
            .plain("a", "x")
            .raw("n", "5")
            .finish();
        assert_eq!(compact, r#"{"a":"x","n":5}"#);
        let pretty = ObjectWriter::sns_style()
            .string("Type", "Notification")
            .raw(
                "MessageAttributes",
                r#"{"k":{"Type":"String","Value":"v"}}"#,
            )
            .finish();
        assert_eq!(
            pretty,
            "{\n  \"Type\" : \"Notification\",\n  \"MessageAttributes\" : {\"k\":{\"Type\":\"String\",\"Value\":\"v\"}}\n}"
        );
        let value: serde_json::Value = serde_json::from_str(&pretty).expect("valid JSON");
        assert_eq!(value["MessageAttributes"]["k"]["Value"], "v");
    }
}
