//! A line of styled text as the viewer shows it: segments tagged with a tone for colouring
//! (the UI maps tones to the theme). Text from a message or from AWS enters a segment only
//! escaped, through [`Segment::untrusted`], that is through [`shown`]. The JSON
//! pretty-printer (`json_lines`) and the viewer's detail pane build these lines.

use std::borrow::Cow;

/// What a piece of a line is, for colouring (the UI maps tones to the theme).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Heading,
    Label,
    Dim,
    Warning,
    /// JSON: an object key, a string value, a number, `true`/`false`/`null`, punctuation.
    Key,
    String,
    Number,
    Literal,
    Punct,
    /// A folded span's marker: drawn as the theme's ellipsis.
    Fold,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub tone: Tone,
    pub text: String,
}

impl Segment {
    /// Text from a message or from AWS: escaped, so that it is shown, never obeyed.
    pub fn untrusted(tone: Tone, text: &str) -> Segment {
        Segment {
            tone,
            text: shown(text).into_owned(),
        }
    }

    /// squall's own words (labels, indentation): never text from a message.
    pub fn trusted(tone: Tone, text: impl Into<String>) -> Segment {
        Segment {
            tone,
            text: text.into(),
        }
    }
}

pub type DetailLine = Vec<Segment>;

/// Message text as it may be shown: the project's one escaping rule.
pub fn shown(text: &str) -> Cow<'_, str> {
    crate::domain::untrusted::escape(text)
}
