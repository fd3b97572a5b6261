//! The small part of CloudWatch metric math the simulated world answers: numbers, the ids
//! of other queries, `+ - * /` and parentheses, applied point by point. A point exists
//! where every series the expression names has one; a division by zero gives no point.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Id(String),
    Op(char),
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if "+-*/()".contains(c) {
            out.push(Token::Op(c));
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let number = word.parse().map_err(|_| format!("bad number {word}"))?;
            out.push(Token::Number(number));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Id(chars[start..i].iter().collect()));
        } else {
            return Err(format!("unsupported character {c:?} in {text:?}"));
        }
    }
    Ok(out)
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Number(f64),
    Id(String),
    Binary(Box<Expr>, char, Box<Expr>),
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.atom()?;
        while let Some(Token::Op(op @ ('*' | '/'))) = self.peek().cloned() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.atom()?));
        }
        Ok(left)
    }

    fn atom(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Token::Number(n)) => Ok(Expr::Number(n)),
            Some(Token::Id(id)) => Ok(Expr::Id(id)),
            Some(Token::Op('(')) => {
                let inner = self.sum()?;
                match self.next() {
                    Some(Token::Op(')')) => Ok(inner),
                    _ => Err("missing )".to_string()),
                }
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

fn parse(text: &str) -> Result<Expr, String> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
    };
    let expr = parser.sum()?;
    if parser.at != parser.tokens.len() {
        return Err(format!("trailing input in {text:?}"));
    }
    Ok(expr)
}

fn ids(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Number(_) => {}
        Expr::Id(id) => out.push(id.clone()),
        Expr::Binary(l, _, r) => {
            ids(l, out);
            ids(r, out);
        }
    }
}

fn value_at(expr: &Expr, t: i64, series: &BTreeMap<String, BTreeMap<i64, f64>>) -> Option<f64> {
    match expr {
        Expr::Number(n) => Some(*n),
        Expr::Id(id) => series.get(id)?.get(&t).copied(),
        Expr::Binary(l, op, r) => {
            let (a, b) = (value_at(l, t, series)?, value_at(r, t, series)?);
            let v = match op {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                _ => a / b,
            };
            v.is_finite().then_some(v)
        }
    }
}

/// The expression's points over `series` (id → time → value), oldest first. An id that
/// names no series is an error, as CloudWatch's validation would say.
pub fn evaluate(
    text: &str,
    series: &BTreeMap<String, BTreeMap<i64, f64>>,
) -> Result<Vec<(i64, f64)>, String> {
    let expr = parse(text)?;
    let mut named = Vec::new();
    ids(&expr, &mut named);
    let mut times: Option<Vec<i64>> = None;
    for id in &named {
        let points = series
            .get(id)
            .ok_or_else(|| format!("{id} names no query in this call"))?;
        times = Some(match times {
            None => points.keys().copied().collect(),
            Some(t) => t.into_iter().filter(|t| points.contains_key(t)).collect(),
        });
    }
    let Some(times) = times else {
        return Err(format!("{text:?} names no metric"));
    };
    Ok(times
        .into_iter()
        .filter_map(|t| value_at(&expr, t, series).map(|v| (t, v)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rate_is_pointwise_with_precedence_and_skips_division_by_zero() {
        let series = BTreeMap::from([
            (
                "e".to_string(),
                BTreeMap::from([(0, 1.0), (60, 0.0), (120, 2.0)]),
            ),
            (
                "i".to_string(),
                BTreeMap::from([(0, 4.0), (60, 0.0), (180, 5.0)]),
            ),
        ]);
        assert_eq!(evaluate("100*e/i", &series), Ok(vec![(0, 25.0)]));
        assert_eq!(evaluate("(e+i)*2", &series), Ok(vec![(0, 10.0), (60, 0.0)]));
        assert!(evaluate("x/i", &series).is_err());
        assert!(evaluate("e/", &series).is_err());
    }
}
