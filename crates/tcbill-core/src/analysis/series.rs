//! Time series for charts: a package's balance or a usage metric, point by point.
//!
//! A month of 5-minute points is 8,640 per series and a busy package has millions of deductions,
//! far more than a chart has pixels across. [`downsample`] thins a series for drawing without
//! hiding what a reader looks for: the peak (the 95th-percentile billing and the exhaustion of a
//! package both hinge on extremes), so it keeps each bucket's lowest and highest point rather than
//! averaging them away.

use rust_decimal::Decimal;

use crate::model::time::BeijingTime;

/// One value at one instant.
pub type Point = (BeijingTime, Decimal);

/// At most `max_points` of `points` (in time order), keeping the shape a chart shows: if there
/// are more, they are cut into `max_points / 2` buckets of (nearly) equal count and each bucket keeps its
/// lowest and its highest point (the earliest of equal ones), in time order. The series' peak
/// and trough therefore always survive. `max_points` below 2 is taken as 2.
pub fn downsample(points: &[Point], max_points: usize) -> Vec<Point> {
    if points.len() <= max_points {
        return points.to_vec();
    }
    let buckets = (max_points / 2).max(1);
    let mut kept = Vec::with_capacity(buckets * 2);
    for k in 0..buckets {
        let bucket = &points[k * points.len() / buckets..(k + 1) * points.len() / buckets];
        let (mut low, mut high) = (0, 0);
        for (i, point) in bucket.iter().enumerate() {
            if point.1 < bucket[low].1 {
                low = i;
            }
            if point.1 > bucket[high].1 {
                high = i;
            }
        }
        kept.push(bucket[low.min(high)]);
        if low != high {
            kept.push(bucket[low.max(high)]);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[i64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                (
                    BeijingTime::from_utc_epoch_secs(300 * i as i64),
                    Decimal::from(v),
                )
            })
            .collect()
    }

    fn values(points: &[Point]) -> Vec<String> {
        points
            .iter()
            .map(|(t, v)| format!("{}={v}", t.utc_epoch_secs() / 300))
            .collect()
    }

    #[test]
    fn short_series_are_kept_whole() {
        let points = series(&[3, 1, 2]);
        assert_eq!(downsample(&points, 3), points);
    }

    #[test]
    fn each_bucket_keeps_its_low_and_high_in_time_order() {
        // 10 points into 4 → 2 buckets of 5: [5 1 9 2 3] and [4 4 8 0 6].
        let points = series(&[5, 1, 9, 2, 3, 4, 4, 8, 0, 6]);
        assert_eq!(
            values(&downsample(&points, 4)),
            ["1=1", "2=9", "7=8", "8=0"]
        );
    }

    #[test]
    fn a_flat_bucket_keeps_one_point_and_the_lone_spike_survives() {
        // 2016 points (a week of 5-minute points) into 2000 → 1000 buckets of 2 or 3; one spike.
        let mut raw = vec![7; 2016];
        raw[1234] = 134;
        let kept = downsample(&series(&raw), 2000);
        assert_eq!(
            kept.len(),
            1000 + 1,
            "one point per flat bucket, two where the spike is"
        );
        assert!(kept.contains(&series(&raw)[1234]));
        assert!(kept.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }
}
