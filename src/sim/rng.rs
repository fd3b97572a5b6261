//! A tiny deterministic random number generator (SplitMix64): the same seed gives the same
//! world, on every machine, with no dependency. Not for anything secret.

#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in min..=max.
    pub fn between(&mut self, min: u64, max: u64) -> u64 {
        if max <= min {
            min
        } else {
            min + self.below(max - min + 1)
        }
    }

    /// True with probability `p` (clamped to 0..=1).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p.clamp(0.0, 1.0)
    }

    /// How many events of a process averaging `mean` per interval happen in one interval:
    /// the whole part always, the fractional part by chance, so the long-run rate is exact.
    pub fn count(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 || !mean.is_finite() {
            return 0;
        }
        let whole = mean.floor();
        whole as u64 + u64::from(self.chance(mean - whole))
    }

    /// `value` scaled by a random factor in [1 - spread, 1 + spread].
    pub fn jitter(&mut self, value: f64, spread: f64) -> f64 {
        value * (1.0 + spread * (2.0 * self.unit() - 1.0))
    }

    /// A version-4-shaped UUID, as SQS and SNS write message ids.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(first, second);
        assert_ne!(
            first,
            (0..5)
                .map(|_| SplitMix64::new(8).next_u64())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn splitmix_matches_the_reference_output() {
        // The first outputs of the reference implementation for seed 1234567.
        let mut rng = SplitMix64::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn draws_stay_in_their_ranges_and_counts_keep_the_rate() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..1_000 {
            let unit = rng.unit();
            assert!((0.0..1.0).contains(&unit));
            assert!((5..=9).contains(&rng.between(5, 9)));
        }
        let total: u64 = (0..10_000).map(|_| rng.count(0.25)).sum();
        assert!((2_300..2_700).contains(&total), "{total}");
        let id = rng.uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
    }
}
