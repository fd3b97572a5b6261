//! Numbers as an on-call engineer reads them: `1.2k`, `3m12s`, `250ms`, `4.5%`, and
//! sparklines in block characters or plain ASCII.

use super::catalog::Unit;

/// `999`, `1.2k`, `45k`, `3.4M`; fractions keep one decimal below 10.
pub fn count(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e9 {
        (v / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let whole = scaled.fract() == 0.0
        || scaled.abs() >= 100.0
        || (scaled.abs() >= 10.0 && suffix.is_empty());
    let text = if whole {
        format!("{scaled:.0}")
    } else {
        format!("{scaled:.1}")
    };
    format!("{text}{suffix}")
}

/// `45s`, `3m12s`, `2h05m`, `3d4h`.
pub fn seconds(v: f64) -> String {
    let s = v.max(0.0).round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        3600..=86_399 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// `12ms`, `850ms`, `1.2s`, then as seconds.
pub fn milliseconds(v: f64) -> String {
    if v < 1000.0 {
        format!("{}ms", v.round() as i64)
    } else if v < 60_000.0 {
        format!("{:.1}s", v / 1000.0)
    } else {
        seconds(v / 1000.0)
    }
}

pub fn value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Count => count(v),
        Unit::Seconds => seconds(v),
        Unit::Milliseconds => milliseconds(v),
        Unit::Percent => format!("{}%", count(v)),
    }
}

/// A signed change: `+1.2k`, `-3m12s`, `±0`.
pub fn change(unit: Unit, delta: f64) -> String {
    if delta == 0.0 {
        return "±0".to_string();
    }
    let sign = if delta > 0.0 { "+" } else { "-" };
    format!("{sign}{}", value(unit, delta.abs()))
}

const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII: [char; 8] = ['_', '.', '-', '~', '=', '+', '*', '#'];

/// One character per value, scaled from zero (or the lowest value below zero) to the
/// highest; a gap is a space.
pub fn sparkline(values: &[Option<f64>], ascii: bool) -> String {
    let levels = if ascii { &ASCII } else { &BLOCKS };
    let present = values.iter().flatten().copied();
    let lo = present.clone().fold(0.0_f64, f64::min);
    let hi = present.fold(f64::MIN, f64::max);
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if hi <= lo => levels[0],
            Some(v) => {
                let i = ((v - lo) / (hi - lo) * 7.0).round() as usize;
                levels[i.min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanised_numbers_and_durations() {
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1234.0), "1.2k");
        assert_eq!(count(45_000.0), "45k");
        assert_eq!(count(3_400_000.0), "3.4M");
        assert_eq!(count(2.5), "2.5");
        assert_eq!(count(12.4), "12");
        assert_eq!(seconds(192.0), "3m12s");
        assert_eq!(seconds(7500.0), "2h05m");
        assert_eq!(milliseconds(850.2), "850ms");
        assert_eq!(milliseconds(1234.0), "1.2s");
        assert_eq!(value(Unit::Percent, 25.0), "25%");
        assert_eq!(change(Unit::Count, -1500.0), "-1.5k");
        assert_eq!(change(Unit::Count, 0.0), "±0");
    }

    #[test]
    fn sparklines_keep_gaps_and_fall_back_to_ascii() {
        let values = [Some(0.0), Some(7.0), None, Some(3.5)];
        assert_eq!(sparkline(&values, false), "▁█ ▅");
        assert_eq!(sparkline(&values, true), "_# =");
        assert_eq!(sparkline(&[Some(4.0), Some(4.0)], false), "██");
        assert_eq!(sparkline(&[Some(0.0), Some(0.0)], false), "▁▁");
        assert!(sparkline(&[Some(1.0)], true).is_ascii());
    }
}
