//! The draw of a "double random, one public" (双随机、一公开) inspection plan: which
//! subjects are inspected and which inspectors go to each.
//!
//! 国办发〔2015〕58号 asks for random selection of both the inspected subjects and the
//! inspectors, from a list of subjects (检查对象名录库) and a list of inspectors (执法检查人员
//! 名录库), and for the results to be made public; 国发〔2019〕5号 extends this to joint
//! inspections by several departments and asks for recusal (回避) where an inspector has
//! an interest in a subject. A case is handled by at least two officers (APL art. 42), so
//! each drawn subject gets at least two inspectors.
//!
//! The draw is a pure function of a 32-byte seed and the two pools, so that it can be
//! published and re-done by anyone: the office publishes the seed's commitment (SHA-256)
//! and the pools' hashes before the draw and the seed after it; anyone can then check the
//! commitment and re-run the draw. This module does no I/O. The same algorithm is written
//! out in `ALGORITHM.md` next to this file.
//!
//! # The algorithm
//!
//! Inputs: a 32-byte seed; a subject pool and an inspector pool (lists of ids, strings);
//! recusals, pairs (inspector id, subject id); `subject_count` (k); `inspectors_per_subject`
//! (p).
//!
//! 1. Checks, in this order: p < 2 is an error (`TooFewInspectors`). Both pools are sorted
//!    ascending by byte-wise comparison of their UTF-8 strings and duplicates are removed;
//!    k = 0 or k greater than the size of the subject pool is an error (`TooFewSubjects`).
//! 2. The random stream is ChaCha20 in D. J. Bernstein's original form: 20 rounds (10
//!    double rounds), state words 0–3 the constants "expand 32-byte k", words 4–11 the key
//!    (the 32 seed bytes, read as eight little-endian 32-bit words), words 12–13 a 64-bit
//!    block counter (low word first) starting at 0, words 14–15 a 64-bit nonce of 0; a
//!    block's output is the state after the rounds plus the initial state, word by word
//!    modulo 2^32. The keystream, block 0, block 1, …, is read as consecutive little-endian
//!    32-bit words w0, w1, w2, …. Each `next_u64` takes the next two unread words and
//!    returns `w[i] | (w[i+1] << 32)`. (This is `rand_chacha::ChaCha20Rng::from_seed(seed)`
//!    with `RngCore::next_u64`.)
//! 3. `uniform(m)`, for m ≥ 1, is a number in 0..m:
//!    `zone = u64::MAX - ((u64::MAX % m) + 1) % m`, that is 2^64 − (2^64 mod m) − 1, so that
//!    0..=zone holds a whole number of runs of m values; draw x = `next_u64` until x ≤ zone,
//!    and return x mod m. For m = 1 or a power of two, zone = 2^64 − 1: every x is accepted.
//! 4. Subjects: with s the sorted subject pool of length n, for i = 0, 1, …, k − 1:
//!    j = i + uniform(n − i), swap s[i] and s[j] (partial Fisher–Yates). The drawn subjects
//!    are s[0], …, s[k − 1], in that order.
//! 5. Inspectors: for each drawn subject, in draw order, the eligible inspectors are the
//!    sorted inspector pool without those recused from that subject (a pair (inspector,
//!    subject) in the recusals), in pool order, taken afresh from the pool for each subject.
//!    If fewer than p remain, the draw fails (`NotEnoughEligibleInspectors`, for the first
//!    such subject in draw order). Otherwise, with e the eligible list of length m, for
//!    i = 0, …, p − 1: j = i + uniform(m − i), swap e[i] and e[j]; the subject's inspectors
//!    are e[0], …, e[p − 1], e[0] being the lead. The stream continues where the previous
//!    step left it: one stream, never restarted, for the whole draw. An inspector may be
//!    drawn for several subjects.
//!
//! The result is the list of (subject id, inspector ids), in draw order.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The secret of one draw: 32 random bytes, the ChaCha20 key of the draw's random stream.
///
/// Its commitment (SHA-256) is published before the draw and the seed itself after it, so
/// that the office cannot choose a seed to get a draw it likes, and anyone can re-do the
/// draw. `Debug` shows the commitment only, so that a seed is not logged before it is
/// revealed.
#[derive(Clone, PartialEq, Eq)]
pub struct Seed([u8; 32]);

impl Seed {
    /// A fresh seed from the operating system's random source.
    pub fn generate() -> Seed {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Seed(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Seed {
        Seed(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 32 bytes as 64 lowercase hex digits (the form in which the seed is published).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A seed from 64 hex digits (either case); `None` for anything else.
    pub fn from_hex(text: &str) -> Option<Seed> {
        let bytes: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
        Some(Seed(bytes))
    }

    /// Lowercase hex SHA-256 of the 32 raw seed bytes (not of the hex text): published
    /// before the draw, it binds the office to the seed without revealing it.
    pub fn commitment(&self) -> String {
        hex::encode(Sha256::digest(self.0))
    }
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seed").field("commitment", &self.commitment()).finish()
    }
}

/// The pool as the draw sees it: sorted ascending (byte-wise) and without duplicates, so
/// that neither the order in which ids were listed nor a repeated id changes the draw.
fn normalized(ids: &[String]) -> Vec<String> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Lowercase hex SHA-256 of the pool's ids sorted ascending (byte-wise), deduplicated and
/// joined with "\n" (no trailing newline). Published with the plan, it fixes the pool the
/// draw was made from: the pool cannot be changed afterwards to explain a draw.
pub fn pool_hash(ids: &[String]) -> String {
    hex::encode(Sha256::digest(normalized(ids).join("\n")))
}

/// A published fingerprint of a pool (subjects or inspectors) at the time of the draw.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq, Eq)]
pub struct PoolSnapshot {
    /// The number of distinct ids in the pool.
    pub size: usize,
    /// `pool_hash` of the pool: SHA-256 (hex) of the sorted distinct ids joined with "\n".
    pub sha256: String,
}

impl PoolSnapshot {
    pub fn of(ids: &[String]) -> PoolSnapshot {
        let ids = normalized(ids);
        PoolSnapshot {
            size: ids.len(),
            sha256: hex::encode(Sha256::digest(ids.join("\n"))),
        }
    }
}

/// Everything a draw depends on; the same input always gives the same draw.
#[derive(Clone, Copy, Debug)]
pub struct DrawInput<'a> {
    pub seed: &'a Seed,
    /// The subject pool (检查对象名录库), ids; sorted and deduplicated by the draw itself.
    pub subjects: &'a [String],
    /// The inspector pool (执法检查人员名录库): ids of officers with valid enforcement
    /// certificates; sorted and deduplicated by the draw itself.
    pub inspectors: &'a [String],
    /// (inspector id, subject id) pairs that must never be drawn together (回避, 国发〔2019〕5号).
    pub recusals: &'a [(String, String)],
    pub subject_count: usize,
    /// At least 2 (APL art. 42).
    pub inspectors_per_subject: usize,
}

/// One drawn subject and its inspectors, the first being the lead.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq, Eq)]
pub struct DrawnSubject {
    pub subject_id: String,
    /// Distinct inspectors, in draw order; the first is the lead inspector.
    pub inspector_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    /// Fewer than two inspectors per subject were asked for (APL art. 42).
    #[error("each subject needs at least two inspectors")]
    TooFewInspectors,
    /// No subject, or more subjects than the pool holds, were asked for.
    #[error("cannot draw {wanted} subjects from a pool of {pool}")]
    TooFewSubjects { pool: usize, wanted: usize },
    /// After recusals, too few inspectors remain for a drawn subject.
    #[error("subject {subject_id} has {eligible} eligible inspectors after recusals; {wanted} are needed")]
    NotEnoughEligibleInspectors {
        subject_id: String,
        eligible: usize,
        wanted: usize,
    },
}

/// A number in 0..m from the stream, without modulo bias (see the module documentation,
/// step 3). `m` is at least 1 wherever the draw calls it; 0 gives 0.
fn uniform(rng: &mut ChaCha20Rng, m: u64) -> u64 {
    if m == 0 {
        return 0;
    }
    let zone = zone(m);
    loop {
        let x = rng.next_u64();
        if x <= zone {
            return x % m;
        }
    }
}

/// The largest accepted draw of `uniform(m)`, m ≥ 1: 2^64 − (2^64 mod m) − 1, where
/// 2^64 mod m = ((2^64 − 1) mod m + 1) mod m; (u64::MAX % m) + 1 ≤ m cannot overflow.
fn zone(m: u64) -> u64 {
    u64::MAX - ((u64::MAX % m) + 1) % m
}

/// Moves `count` randomly chosen items of `items` to its front (partial Fisher–Yates);
/// `count` must not exceed `items.len()`.
fn pick_front<T>(rng: &mut ChaCha20Rng, items: &mut [T], count: usize) {
    let n = items.len();
    for i in 0..count.min(n) {
        // uniform(n − i) < n − i, so j < n; usize fits in u64 on every supported target.
        let j = i + uniform(rng, (n - i) as u64) as usize;
        items.swap(i, j);
    }
}

/// The draw, as the module documentation describes it.
pub fn draw(input: &DrawInput) -> Result<Vec<DrawnSubject>, DrawError> {
    let per_subject = input.inspectors_per_subject;
    if per_subject < 2 {
        return Err(DrawError::TooFewInspectors);
    }
    let mut subjects = normalized(input.subjects);
    let wanted = input.subject_count;
    if wanted == 0 || wanted > subjects.len() {
        return Err(DrawError::TooFewSubjects {
            pool: subjects.len(),
            wanted,
        });
    }
    let inspectors = normalized(input.inspectors);
    let mut rng = ChaCha20Rng::from_seed(input.seed.0);
    pick_front(&mut rng, &mut subjects, wanted);
    subjects.truncate(wanted);
    let mut drawn = Vec::with_capacity(wanted);
    for subject_id in subjects {
        let mut eligible: Vec<&String> = inspectors
            .iter()
            .filter(|inspector| {
                !input
                    .recusals
                    .iter()
                    .any(|(recused, from)| recused == *inspector && *from == subject_id)
            })
            .collect();
        if eligible.len() < per_subject {
            return Err(DrawError::NotEnoughEligibleInspectors {
                subject_id,
                eligible: eligible.len(),
                wanted: per_subject,
            });
        }
        pick_front(&mut rng, &mut eligible, per_subject);
        let inspector_ids = eligible.into_iter().take(per_subject).cloned().collect();
        drawn.push(DrawnSubject {
            subject_id,
            inspector_ids,
        });
    }
    Ok(drawn)
}

/// Whether `published` is exactly the draw of `input`: same subjects, same inspectors,
/// same order. Anyone holding the revealed seed and the pools can run it.
pub fn verify(input: &DrawInput, published: &[DrawnSubject]) -> bool {
    matches!(draw(input), Ok(drawn) if drawn == published)
}

/// How many subjects a sampling ratio gives: ceil(pool × ratio_permille / 1000), capped at
/// the pool. Rounding up means a small pool with a nonzero ratio is still sampled (at least
/// one subject when pool > 0 and ratio > 0); 0 for an empty pool or a zero ratio. A ratio
/// above 1000‰ is the whole pool.
pub fn count_from_ratio(pool: usize, ratio_permille: u32) -> usize {
    let product = pool as u128 * u128::from(ratio_permille);
    let count = product.div_ceil(1000);
    // count ≤ pool whenever ratio ≤ 1000; otherwise the pool caps it.
    usize::try_from(count).map_or(pool, |count| count.min(pool))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}-{i:03}")).collect()
    }

    fn input<'a>(
        seed: &'a Seed,
        subjects: &'a [String],
        inspectors: &'a [String],
        recusals: &'a [(String, String)],
        subject_count: usize,
        inspectors_per_subject: usize,
    ) -> DrawInput<'a> {
        DrawInput {
            seed,
            subjects,
            inspectors,
            recusals,
            subject_count,
            inspectors_per_subject,
        }
    }

    /// The i-th seed of the property test: SHA-256 of the counter's decimal text.
    fn seed_number(i: u32) -> Seed {
        Seed(Sha256::digest(i.to_string()).into())
    }

    #[test]
    fn the_commitment_is_the_sha256_of_the_seed_bytes_and_hex_round_trips() {
        let seed = Seed([0xab; 32]);
        assert_eq!(seed.commitment(), hex::encode(Sha256::digest([0xab; 32])));
        assert_ne!(seed.commitment(), hex::encode(Sha256::digest(seed.to_hex())));
        assert_eq!(seed.to_hex(), "ab".repeat(32));
        assert_eq!(Seed::from_hex(&seed.to_hex()), Some(seed.clone()));
        assert_eq!(Seed::from_hex(&"AB".repeat(32)), Some(seed.clone()));
        let generated = Seed::generate();
        assert_eq!(Seed::from_hex(&generated.to_hex()), Some(generated.clone()));
        assert_ne!(generated, Seed::generate());
        for bad in [
            "",
            "ab",
            &"ab".repeat(31),
            &"ab".repeat(33),
            &format!("{}zz", "ab".repeat(31)),
            &"a".repeat(63),
        ] {
            assert_eq!(Seed::from_hex(bad), None, "{bad}");
        }
        // Debug does not reveal the seed.
        assert!(!format!("{seed:?}").contains(&seed.to_hex()));
    }

    #[test]
    fn pool_hash_ignores_order_and_duplicates() {
        let pool = vec!["b".to_string(), "a".to_string(), "c".to_string(), "a".to_string()];
        assert_eq!(pool_hash(&pool), hex::encode(Sha256::digest("a\nb\nc")));
        assert_eq!(
            PoolSnapshot::of(&pool),
            PoolSnapshot {
                size: 3,
                sha256: pool_hash(&pool)
            }
        );
        assert_eq!(pool_hash(&[]), hex::encode(Sha256::digest("")));
        // Byte-wise order: "B" < "a" < "学".
        let mixed = vec!["学".to_string(), "a".to_string(), "B".to_string()];
        assert_eq!(pool_hash(&mixed), hex::encode(Sha256::digest("B\na\n学")));
    }

    /// ChaCha20, key = 32 zero bytes, nonce = 0: blocks 0 and 1 of the keystream
    /// (draft-strombergson-chacha-test-vectors TC1; RFC 8439 A.1 test vectors #1 and #2).
    const ZERO_KEY_KEYSTREAM: &str = concat!(
        "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7",
        "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
        "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed",
        "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
    );

    #[test]
    fn the_random_stream_is_the_chacha20_keystream() {
        let expected = hex::decode(ZERO_KEY_KEYSTREAM).unwrap();
        let mut rng = ChaCha20Rng::from_seed([0; 32]);
        let mut read = Vec::new();
        for _ in 0..expected.len() / 8 {
            read.extend_from_slice(&rng.next_u64().to_le_bytes());
        }
        assert_eq!(hex::encode(&read), ZERO_KEY_KEYSTREAM);
        assert_eq!(ChaCha20Rng::from_seed([0; 32]).next_u64(), 0x903d_f1a0_ade0_b876);
        // next_u64 is w[i] | w[i+1] << 32 of the little-endian words.
        let w0 = u32::from_le_bytes([0x76, 0xb8, 0xe0, 0xad]);
        let w1 = u32::from_le_bytes([0xa0, 0xf1, 0x3d, 0x90]);
        assert_eq!(u64::from(w0) | (u64::from(w1) << 32), 0x903d_f1a0_ade0_b876);
    }

    #[test]
    fn uniform_stays_below_m_and_one_gives_zero() {
        let mut rng = ChaCha20Rng::from_seed([7; 32]);
        for _ in 0..1000 {
            assert_eq!(uniform(&mut rng, 1), 0);
        }
        for m in [2, 3, 5, 7, 10, 64, 1000, 1 << 40, (1 << 63) + 1, u64::MAX] {
            for _ in 0..200 {
                assert!(uniform(&mut rng, m) < m, "{m}");
            }
        }
        // Every value of a small range turns up.
        let mut seen = [false; 6];
        for _ in 0..600 {
            seen[uniform(&mut rng, 6) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn uniform_rejects_exactly_the_incomplete_last_run() {
        // For m = 1 and powers of two every value is accepted: one draw per call.
        for m in [1u64, 2, 4, 1 << 32, 1 << 63] {
            let mut rng = ChaCha20Rng::from_seed([3; 32]);
            let mut plain = ChaCha20Rng::from_seed([3; 32]);
            for _ in 0..100 {
                assert_eq!(uniform(&mut rng, m), plain.next_u64() % m, "{m}");
            }
        }
        // For m = 2^63 + 1 the accepted zone is 0..=2^63 (one run of m); about half the
        // draws are rejected, and each call returns the first accepted draw mod m.
        let m = (1u64 << 63) + 1;
        let mut rng = ChaCha20Rng::from_seed([4; 32]);
        let mut plain = ChaCha20Rng::from_seed([4; 32]);
        let mut rejected = 0;
        for _ in 0..200 {
            let got = uniform(&mut rng, m);
            let expected = loop {
                let x = plain.next_u64();
                if x <= 1 << 63 {
                    break x % m;
                }
                rejected += 1;
            };
            assert_eq!(got, expected);
        }
        assert!(rejected > 50, "{rejected}");
    }

    #[test]
    fn the_zone_is_the_last_whole_run_of_m() {
        for m in [1u64, 2, 4, 1 << 32, 1 << 63] {
            assert_eq!(zone(m), u64::MAX, "{m}");
        }
        // 2^64 mod 3 = 1: only u64::MAX is rejected.
        assert_eq!(zone(3), u64::MAX - 1);
        // 2^64 mod 10 = 6.
        assert_eq!(zone(10), u64::MAX - 6);
        assert_eq!(zone((1 << 63) + 1), 1 << 63);
        // 2^64 mod (2^64 − 1) = 1.
        assert_eq!(zone(u64::MAX), u64::MAX - 1);
        for m in [3u64, 6, 7, 10, 1000, 12345, (1 << 40) + 3, u64::MAX] {
            let zone = u128::from(zone(m));
            let whole_runs = (1u128 << 64) / u128::from(m) * u128::from(m);
            assert_eq!(zone + 1, whole_runs, "{m}");
        }
    }

    #[test]
    fn the_same_seed_and_pools_give_the_same_draw_and_another_seed_another() {
        let subjects = ids("subject", 50);
        let inspectors = ids("officer", 10);
        let one = Seed([1; 32]);
        let two = Seed([2; 32]);
        let first = draw(&input(&one, &subjects, &inspectors, &[], 10, 2)).unwrap();
        let again = draw(&input(&one, &subjects, &inspectors, &[], 10, 2)).unwrap();
        let other = draw(&input(&two, &subjects, &inspectors, &[], 10, 2)).unwrap();
        assert_eq!(first, again);
        assert_ne!(first, other);
        assert_eq!(first.len(), 10);
        // The order in which the pools are listed, and repeated ids, do not matter.
        let mut shuffled_subjects = subjects.clone();
        shuffled_subjects.reverse();
        shuffled_subjects.swap(3, 40);
        shuffled_subjects.push(subjects[7].clone());
        let mut shuffled_inspectors = inspectors.clone();
        shuffled_inspectors.rotate_left(4);
        shuffled_inspectors.push(inspectors[0].clone());
        let shuffled = draw(&input(&one, &shuffled_subjects, &shuffled_inspectors, &[], 10, 2)).unwrap();
        assert_eq!(first, shuffled);
    }

    #[test]
    fn the_draw_follows_the_written_algorithm() {
        // Steps 4 and 5 by hand, with the stream and uniform of the module.
        let subjects = ids("s", 8);
        let inspectors = ids("o", 5);
        let recusals = vec![("o-001".to_string(), "s-003".to_string())];
        let seed = Seed([9; 32]);
        let drawn = draw(&input(&seed, &subjects, &inspectors, &recusals, 3, 2)).unwrap();
        let mut rng = ChaCha20Rng::from_seed([9; 32]);
        let mut s = subjects.clone();
        for i in 0..3 {
            let j = i + uniform(&mut rng, (8 - i) as u64) as usize;
            s.swap(i, j);
        }
        let mut expected = Vec::new();
        for subject in &s[..3] {
            let mut e: Vec<String> = inspectors
                .iter()
                .filter(|o| !(o.as_str() == "o-001" && subject == "s-003"))
                .cloned()
                .collect();
            let m = e.len();
            for i in 0..2 {
                let j = i + uniform(&mut rng, (m - i) as u64) as usize;
                e.swap(i, j);
            }
            expected.push(DrawnSubject {
                subject_id: subject.clone(),
                inspector_ids: e[..2].to_vec(),
            });
        }
        assert_eq!(drawn, expected);
    }

    #[test]
    fn draws_over_many_seeds_keep_every_rule() {
        let subjects = ids("subject", 40);
        let inspectors = ids("officer", 8);
        // Each subject i has officer i mod 8 and (i * 3) mod 8 recused (one or two).
        let recusals: Vec<(String, String)> = (0..40)
            .flat_map(|i| {
                [
                    (inspectors[i % 8].clone(), subjects[i].clone()),
                    (inspectors[(i * 3) % 8].clone(), subjects[i].clone()),
                ]
            })
            .collect();
        let mut leads = std::collections::BTreeSet::new();
        for n in 0..500 {
            let seed = seed_number(n);
            let count = 1 + (n as usize % 40);
            let per_subject = 2 + (n as usize % 5);
            let drawn = draw(&input(&seed, &subjects, &inspectors, &recusals, count, per_subject)).unwrap();
            assert_eq!(drawn.len(), count);
            let distinct: std::collections::BTreeSet<_> = drawn.iter().map(|d| &d.subject_id).collect();
            assert_eq!(distinct.len(), count, "seed {n}: a subject drawn twice");
            for d in &drawn {
                assert!(subjects.contains(&d.subject_id), "seed {n}");
                assert_eq!(d.inspector_ids.len(), per_subject, "seed {n}");
                let distinct: std::collections::BTreeSet<_> = d.inspector_ids.iter().collect();
                assert_eq!(distinct.len(), per_subject, "seed {n}: an inspector twice");
                for inspector in &d.inspector_ids {
                    assert!(inspectors.contains(inspector), "seed {n}");
                    assert!(
                        !recusals.contains(&(inspector.clone(), d.subject_id.clone())),
                        "seed {n}: {inspector} is recused from {}",
                        d.subject_id
                    );
                }
                leads.insert(d.inspector_ids[0].clone());
            }
            assert!(verify(
                &input(&seed, &subjects, &inspectors, &recusals, count, per_subject),
                &drawn
            ));
        }
        // Every inspector leads somewhere: the lead is not always the first in the pool.
        assert_eq!(leads.len(), inspectors.len());
    }

    #[test]
    fn the_errors() {
        let seed = Seed([5; 32]);
        let subjects = ids("subject", 5);
        let inspectors = ids("officer", 3);
        for per_subject in [0, 1] {
            assert_eq!(
                draw(&input(&seed, &subjects, &inspectors, &[], 2, per_subject)),
                Err(DrawError::TooFewInspectors)
            );
        }
        assert_eq!(
            draw(&input(&seed, &subjects, &inspectors, &[], 6, 2)),
            Err(DrawError::TooFewSubjects { pool: 5, wanted: 6 })
        );
        assert_eq!(
            draw(&input(&seed, &subjects, &inspectors, &[], 0, 2)),
            Err(DrawError::TooFewSubjects { pool: 5, wanted: 0 })
        );
        // A repeated id counts once.
        let repeated = vec![subjects[0].clone(), subjects[0].clone()];
        assert_eq!(
            draw(&input(&seed, &repeated, &inspectors, &[], 2, 2)),
            Err(DrawError::TooFewSubjects { pool: 1, wanted: 2 })
        );
        // Two of the three officers are recused from subject-002: drawing all five subjects
        // reaches it, and it is short.
        let recusals = vec![
            (inspectors[0].clone(), subjects[2].clone()),
            (inspectors[2].clone(), subjects[2].clone()),
        ];
        assert_eq!(
            draw(&input(&seed, &subjects, &inspectors, &recusals, 5, 2)),
            Err(DrawError::NotEnoughEligibleInspectors {
                subject_id: subjects[2].clone(),
                eligible: 1,
                wanted: 2
            })
        );
        // Too small an inspector pool is short for the first drawn subject.
        let error = draw(&input(&seed, &subjects, &inspectors, &[], 1, 4)).unwrap_err();
        assert!(
            matches!(
                error,
                DrawError::NotEnoughEligibleInspectors {
                    eligible: 3,
                    wanted: 4,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("3 eligible"), "{error}");
    }

    #[test]
    fn count_from_ratio_rounds_up_within_the_pool() {
        assert_eq!(count_from_ratio(0, 0), 0);
        assert_eq!(count_from_ratio(0, 50), 0);
        assert_eq!(count_from_ratio(100, 0), 0);
        assert_eq!(count_from_ratio(1, 1), 1);
        assert_eq!(count_from_ratio(999, 1), 1);
        assert_eq!(count_from_ratio(1000, 1), 1);
        assert_eq!(count_from_ratio(1001, 1), 2);
        assert_eq!(count_from_ratio(100, 50), 5);
        assert_eq!(count_from_ratio(101, 50), 6);
        assert_eq!(count_from_ratio(7, 1000), 7);
        assert_eq!(count_from_ratio(7, 999), 7);
        assert_eq!(count_from_ratio(7, 1001), 7);
        assert_eq!(count_from_ratio(7, u32::MAX), 7);
        assert_eq!(count_from_ratio(usize::MAX, 1000), usize::MAX);
        assert_eq!(count_from_ratio(usize::MAX, 500), usize::MAX / 2 + 1);
    }

    #[test]
    fn verify_accepts_only_the_real_draw() {
        let seed = Seed([1; 32]);
        let subjects = ids("subject", 50);
        let inspectors = ids("officer", 10);
        let draw_input = input(&seed, &subjects, &inspectors, &[], 10, 3);
        let real = draw(&draw_input).unwrap();
        assert!(verify(&draw_input, &real));
        // The lead and the second inspector swapped.
        let mut swapped = real.clone();
        swapped[0].inspector_ids.swap(0, 1);
        assert!(!verify(&draw_input, &swapped));
        // Another inspector.
        let mut other_inspector = real.clone();
        let unused = inspectors.iter().find(|o| !real[4].inspector_ids.contains(o)).unwrap();
        other_inspector[4].inspector_ids[2] = unused.clone();
        assert!(!verify(&draw_input, &other_inspector));
        // Another subject.
        let mut other_subject = real.clone();
        let undrawn = subjects
            .iter()
            .find(|s| real.iter().all(|d| &d.subject_id != *s))
            .unwrap();
        other_subject[9].subject_id = undrawn.clone();
        assert!(!verify(&draw_input, &other_subject));
        // Two subjects in another order, a subject left out, and another seed.
        let mut reordered = real.clone();
        reordered.swap(0, 1);
        assert!(!verify(&draw_input, &reordered));
        assert!(!verify(&draw_input, &real[..9]));
        let two = Seed([2; 32]);
        assert!(!verify(&input(&two, &subjects, &inspectors, &[], 10, 3), &real));
    }
}
