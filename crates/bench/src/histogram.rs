//! Latency histogram: `hdrhistogram` at three significant digits (0.1 %), in nanoseconds, so
//! its memory stays fixed whatever the op rate (in-process random bytes run at millions per
//! second). This file only adapts it to `Duration`.

use std::time::Duration;

/// Counts of latencies.
#[derive(Clone, Debug)]
pub(crate) struct Histogram(hdrhistogram::Histogram<u64>);

impl Histogram {
    /// An empty histogram.
    pub(crate) fn new() -> Histogram {
        // Three significant digits is within the accepted range (0..=5): cannot fail.
        Histogram(hdrhistogram::Histogram::new(3).unwrap_or_else(|_| unreachable!()))
    }

    /// Counts one latency.
    pub(crate) fn record(&mut self, latency: Duration) {
        let nanos = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        // It grows to fit (auto-resize); only a value past its largest possible range fails.
        if self.0.record(nanos).is_err() {
            self.0.saturating_record(nanos);
        }
    }

    /// Adds another histogram's counts to this one.
    pub(crate) fn merge(&mut self, other: &Histogram) {
        // Both auto-resize, so adding cannot run out of range.
        let _ = self.0.add(&other.0);
    }

    /// How many latencies were counted.
    pub(crate) fn len(&self) -> u64 {
        self.0.len()
    }

    /// The latency below which a fraction `q` (0 < q ≤ 1) of the counts fall. Zero when empty.
    pub(crate) fn quantile(&self, q: f64) -> Duration {
        Duration::from_nanos(self.0.value_at_quantile(q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_the_precision() {
        let mut histogram = Histogram::new();
        for micros in 1..=1000 {
            histogram.record(Duration::from_micros(micros));
        }
        let p50 = histogram.quantile(0.5).as_nanos() as f64;
        let p99 = histogram.quantile(0.99).as_nanos() as f64;
        assert!((p50 / 500_000.0 - 1.0).abs() < 0.002, "{p50}");
        assert!((p99 / 990_000.0 - 1.0).abs() < 0.002, "{p99}");
        assert_eq!(Histogram::new().quantile(0.5), Duration::ZERO);
    }

    #[test]
    fn merging_adds_counts() {
        let mut a = Histogram::new();
        let mut b = Histogram::new();
        a.record(Duration::from_micros(10));
        b.record(Duration::from_micros(20));
        b.record(Duration::from_micros(30));
        a.merge(&b);
        assert_eq!(a.len(), 3);
        assert!(a.quantile(1.0) >= Duration::from_micros(29));
    }
}
