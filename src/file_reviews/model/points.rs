//! Points, kept in tenths.

use super::*;

/// A number of points, kept in tenths so that a half point adds up exactly. Travels as a
/// JSON number with at most one decimal (`2.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(i64);

impl Points {
    pub const ZERO: Points = Points(0);

    pub fn whole(points: i64) -> Points {
        Points(points * 10)
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    pub fn from_tenths(tenths: i64) -> Points {
        Points(tenths)
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10.0
    }

    /// `value` as points, if it is finite, not negative, at most 10,000 and has at most one
    /// decimal.
    pub fn parse(value: f64) -> Option<Points> {
        if !value.is_finite() || !(0.0..=10_000.0).contains(&value) {
            return None;
        }
        let tenths = (value * 10.0).round();
        ((value * 10.0 - tenths).abs() < 1e-6).then_some(Points(tenths as i64))
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        Points(self.0 + other.0)
    }
}

impl std::ops::Sub for Points {
    type Output = Points;
    fn sub(self, other: Points) -> Points {
        Points(self.0 - other.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl std::fmt::Display for Points {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 % 10 == 0 {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, (self.0 % 10).abs())
        }
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 10 == 0 {
            serializer.serialize_i64(self.0 / 10)
        } else {
            serializer.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Points, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Points::parse(value)
            .ok_or_else(|| serde::de::Error::custom("points are a number from 0 to 10000 with at most one decimal"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_travel_with_one_decimal() {
        assert_eq!(Points::parse(2.5), Some(Points::from_tenths(25)));
        assert_eq!(Points::parse(2.55), None);
        assert_eq!(Points::parse(-1.0), None);
        assert_eq!(serde_json::to_string(&Points::whole(3)).unwrap(), "3");
        assert_eq!(serde_json::to_string(&Points::from_tenths(25)).unwrap(), "2.5");
    }
}
