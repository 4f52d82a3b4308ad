//! What a campaign covers, its sample drawn from the seed, and who reviews each file.

use super::*;

/// What a campaign covers: the kinds and procedures of case (all when empty), closed in its
/// period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    #[serde(default)]
    pub kinds: Vec<CaseKind>,
    /// Penalty procedures; an inspection has none and is in scope whatever this says.
    #[serde(default)]
    pub procedures: Vec<Procedure>,
}

/// How many files a campaign samples: a count, or a ratio of the eligible files (rounded
/// up); at least one either way.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SampleSize {
    Count {
        #[schema(minimum = 1, maximum = 100000)]
        count: u32,
    },
    Ratio {
        #[schema(exclusive_minimum = 0, maximum = 1)]
        ratio: f64,
    },
}

impl SampleSize {
    pub fn check(&self) -> Result<(), FieldError> {
        match *self {
            SampleSize::Count { count } if !(1..=100_000).contains(&count) => {
                Err(FieldError::new("sample.count", "from 1 to 100000"))
            }
            SampleSize::Ratio { ratio } if !(ratio > 0.0 && ratio <= 1.0) => {
                Err(FieldError::new("sample.ratio", "more than 0 and at most 1"))
            }
            _ => Ok(()),
        }
    }

    /// The number of files drawn from `eligible`: never more than there are, at least one.
    pub fn of(&self, eligible: usize) -> usize {
        let wanted = match *self {
            SampleSize::Count { count } => count as usize,
            SampleSize::Ratio { ratio } => (ratio * eligible as f64 - 1e-9).ceil() as usize,
        };
        wanted.max(1).min(eligible)
    }
}

/// The sample's algorithm, as the API and the README state it.
pub const SAMPLE_ALGORITHM: &str = "rank each eligible case by SHA-256 over the UTF-8 bytes of \
seed + \":\" + case id (lower-case hex, compared as text; ties by case id), take the first n";

/// The rank of a case in a campaign's sample: SHA-256 of `seed:case_id`, in hex.
pub fn sample_rank(seed: &str, case_id: &str) -> String {
    hex::encode(Sha256::digest(format!("{seed}:{case_id}").as_bytes()))
}

/// The sample: the `n` eligible cases of lowest rank, in rank order. Depends only on the
/// seed and the set of eligible ids, so anyone holding both can recompute it.
pub fn draw_sample(seed: &str, eligible: &[String], n: usize) -> Vec<String> {
    let mut ranked: Vec<(String, &String)> = eligible.iter().map(|id| (sample_rank(seed, id), id)).collect();
    ranked.sort();
    ranked.dedup_by(|a, b| a.1 == b.1);
    ranked.into_iter().take(n).map(|(_, id)| id.clone()).collect()
}

/// SHA-256 over the eligible case ids sorted and joined by `\n`: what the campaign fixed.
pub fn eligible_digest(eligible: &[String]) -> String {
    let mut sorted: Vec<&String> = eligible.iter().collect();
    sorted.sort();
    let joined: Vec<&str> = sorted.iter().map(|s| s.as_str()).collect();
    hex::encode(Sha256::digest(joined.join("\n").as_bytes()))
}

/// Assigns each sampled case, in sample order, to the reviewer with the fewest files so far
/// among those who did not handle it (ties by reviewer id). `conflicts` maps a case to the
/// users who handled it: its officers, the record's actors, its counsel. Fails with the
/// first case nobody may review.
pub fn assign_reviewers(
    sample: &[String],
    reviewers: &[String],
    conflicts: &HashMap<String, HashSet<String>>,
) -> Result<Vec<(String, String)>, String> {
    let mut reviewers: Vec<&String> = reviewers.iter().collect();
    reviewers.sort();
    reviewers.dedup();
    let mut load: BTreeMap<&String, usize> = reviewers.iter().map(|r| (*r, 0)).collect();
    let mut assigned = Vec::with_capacity(sample.len());
    for case_id in sample {
        let handled = conflicts.get(case_id);
        let chosen = reviewers
            .iter()
            .filter(|r| !handled.is_some_and(|h| h.contains(r.as_str())))
            .min_by_key(|r| (load[*r], r.as_str()))
            .ok_or_else(|| case_id.clone())?;
        *load.entry(chosen).or_default() += 1;
        assigned.push((case_id.clone(), (*chosen).clone()));
    }
    Ok(assigned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_depends_on_the_seed_and_the_set_only() {
        let eligible: Vec<String> = (0..50).map(|i| format!("case-{i:02}")).collect();
        let sample = draw_sample("2024Q3-seed", &eligible, 5);
        assert_eq!(sample.len(), 5);
        let mut reversed = eligible.clone();
        reversed.reverse();
        assert_eq!(draw_sample("2024Q3-seed", &reversed, 5), sample);
        assert_ne!(draw_sample("another seed", &eligible, 5), sample);
        // The rank is SHA-256 of "seed:id": the first sampled has the lowest.
        let lowest = eligible.iter().min_by_key(|id| sample_rank("2024Q3-seed", id)).unwrap();
        assert_eq!(&sample[0], lowest);
        // `printf 's:c' | sha256sum`
        assert_eq!(
            sample_rank("s", "c"),
            "97a9a90478de136ba53c96162c92e7139c94acc673a40198cff2d326fcb85a8e"
        );
        assert_eq!(eligible_digest(&reversed), eligible_digest(&eligible));
    }

    #[test]
    fn sample_sizes_round_up_and_take_at_least_one() {
        assert_eq!(SampleSize::Ratio { ratio: 0.1 }.of(95), 10);
        assert_eq!(SampleSize::Ratio { ratio: 0.1 }.of(90), 9);
        assert_eq!(SampleSize::Ratio { ratio: 0.01 }.of(3), 1);
        assert_eq!(SampleSize::Count { count: 10 }.of(4), 4);
        assert!(SampleSize::Ratio { ratio: 0.0 }.check().is_err());
        assert!(SampleSize::Count { count: 0 }.check().is_err());
    }

    #[test]
    fn nobody_reviews_a_case_they_handled_and_files_are_shared_out() {
        let sample: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let reviewers: Vec<String> = ["r1", "r2"].map(String::from).to_vec();
        let conflicts = HashMap::from([
            ("a".to_string(), HashSet::from(["r1".to_string()])),
            ("b".to_string(), HashSet::from(["r1".to_string()])),
        ]);
        let assigned = assign_reviewers(&sample, &reviewers, &conflicts).unwrap();
        assert_eq!(
            assigned.iter().map(|(c, r)| format!("{c}:{r}")).collect::<Vec<_>>(),
            vec!["a:r2", "b:r2", "c:r1", "d:r1"]
        );
        let all = HashMap::from([("c".to_string(), HashSet::from(["r1".to_string(), "r2".to_string()]))]);
        assert_eq!(assign_reviewers(&sample, &reviewers, &all), Err("c".to_string()));
    }
}
