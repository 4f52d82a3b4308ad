//! An independent implementation of the "double random, one public" draw, written from
//! `src/random_plans/ALGORITHM.md` only: its own ChaCha20 block function, its own
//! `uniform` and Fisher–Yates; no rand, no rand_chacha, none of the service's code (only
//! the tests below call the service, to compare). If the two ever disagree, the published
//! algorithm, not the service, is the arbiter.

use enforcement::random_plans::draw::{DrawInput, Seed, draw};

/// ChaCha20 (D. J. Bernstein's original: 64-bit counter in words 12–13, 64-bit nonce in
/// words 14–15), the block of `counter` under `key`, as sixteen 32-bit words.
fn chacha20_block(key: &[u8; 32], counter: u64, nonce: u64) -> [u32; 16] {
    let mut initial = [0u32; 16];
    initial[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
    for (i, chunk) in key.chunks(4).enumerate() {
        initial[4 + i] = u32::from_le_bytes(chunk.try_into().unwrap());
    }
    initial[12] = counter as u32;
    initial[13] = (counter >> 32) as u32;
    initial[14] = nonce as u32;
    initial[15] = (nonce >> 32) as u32;

    fn quarter_round(x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
        x[a] = x[a].wrapping_add(x[b]);
        x[d] = (x[d] ^ x[a]).rotate_left(16);
        x[c] = x[c].wrapping_add(x[d]);
        x[b] = (x[b] ^ x[c]).rotate_left(12);
        x[a] = x[a].wrapping_add(x[b]);
        x[d] = (x[d] ^ x[a]).rotate_left(8);
        x[c] = x[c].wrapping_add(x[d]);
        x[b] = (x[b] ^ x[c]).rotate_left(7);
    }

    let mut x = initial;
    for _ in 0..10 {
        // Column round.
        quarter_round(&mut x, 0, 4, 8, 12);
        quarter_round(&mut x, 1, 5, 9, 13);
        quarter_round(&mut x, 2, 6, 10, 14);
        quarter_round(&mut x, 3, 7, 11, 15);
        // Diagonal round.
        quarter_round(&mut x, 0, 5, 10, 15);
        quarter_round(&mut x, 1, 6, 11, 12);
        quarter_round(&mut x, 2, 7, 8, 13);
        quarter_round(&mut x, 3, 4, 9, 14);
    }
    for (word, start) in x.iter_mut().zip(initial) {
        *word = word.wrapping_add(start);
    }
    x
}

/// The keystream as consecutive 32-bit words, block after block, never restarted.
struct Stream {
    key: [u8; 32],
    next_block: u64,
    words: Vec<u32>,
}

impl Stream {
    fn new(key: [u8; 32]) -> Stream {
        Stream {
            key,
            next_block: 0,
            words: Vec::new(),
        }
    }

    fn next_word(&mut self) -> u32 {
        if self.words.is_empty() {
            let block = chacha20_block(&self.key, self.next_block, 0);
            self.next_block += 1;
            // Kept reversed so that pop() gives the words in order.
            self.words = block.iter().rev().copied().collect();
        }
        self.words.pop().unwrap()
    }

    fn next_u64(&mut self) -> u64 {
        let low = u64::from(self.next_word());
        let high = u64::from(self.next_word());
        low | (high << 32)
    }

    /// A number in 0..m: draws below the last whole run of m values in 0..2^64 are
    /// accepted, taken mod m; the rest are drawn again.
    fn uniform(&mut self, m: usize) -> usize {
        let m = m as u128;
        assert!(m >= 1);
        let accepted_below = (1u128 << 64) - (1u128 << 64) % m;
        loop {
            let x = u128::from(self.next_u64());
            if x < accepted_below {
                return (x % m) as usize;
            }
        }
    }

    /// Partial Fisher–Yates: the first `count` items of `items` after the swaps.
    fn pick(&mut self, mut items: Vec<String>, count: usize) -> Vec<String> {
        for i in 0..count {
            let j = i + self.uniform(items.len() - i);
            items.swap(i, j);
        }
        items.truncate(count);
        items
    }
}

fn sorted_distinct(ids: &[String]) -> Vec<String> {
    let mut ids = ids.to_vec();
    ids.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    ids.dedup();
    ids
}

/// The draw per ALGORITHM.md, for valid inputs (it panics where the service returns an
/// error): (subject id, inspector ids with the lead first), in draw order.
pub fn reference_draw(
    seed_hex: &str,
    subjects: &[String],
    inspectors: &[String],
    recusals: &[(String, String)],
    subject_count: usize,
    per_subject: usize,
) -> Vec<(String, Vec<String>)> {
    assert!(per_subject >= 2);
    let key: [u8; 32] = hex::decode(seed_hex).unwrap().try_into().unwrap();
    let subjects = sorted_distinct(subjects);
    let inspectors = sorted_distinct(inspectors);
    assert!(subject_count >= 1 && subject_count <= subjects.len());
    let mut stream = Stream::new(key);
    let drawn = stream.pick(subjects, subject_count);
    drawn
        .into_iter()
        .map(|subject| {
            let eligible: Vec<String> = inspectors
                .iter()
                .filter(|inspector| !recusals.iter().any(|(i, s)| i == *inspector && s == &subject))
                .cloned()
                .collect();
            assert!(eligible.len() >= per_subject);
            let chosen = stream.pick(eligible, per_subject);
            (subject, chosen)
        })
        .collect()
}

#[test]
fn the_reference_block_function_gives_the_chacha20_test_vector() {
    // Key of 32 zero bytes, nonce 0, blocks 0 and 1.
    let expected = [
        "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7\
         da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
        "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed\
         29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
    ];
    for (counter, expected) in expected.into_iter().enumerate() {
        let block = chacha20_block(&[0; 32], counter as u64, 0);
        let bytes: Vec<u8> = block.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(hex::encode(bytes), expected, "block {counter}");
    }
    assert_eq!(Stream::new([0; 32]).next_u64(), 0x903d_f1a0_ade0_b876);
}

#[test]
fn the_reference_draw_agrees_with_the_service() {
    let ids = |prefix: &str, n: usize| -> Vec<String> { (0..n).map(|i| format!("{prefix}{i}")).collect() };
    // Ids whose byte-wise order differs from numeric order, with non-ASCII ones, listed
    // out of order and with a repeat.
    let mut subjects = ids("91120104MA05K", 60);
    subjects.extend(["天津市学府餐饮有限公司", "Zeta", "alpha", "学府街道"].map(String::from));
    subjects.reverse();
    subjects.push(subjects[5].clone());
    let mut inspectors = ids("officer-", 12);
    inspectors.push("执法员甲".to_string());
    inspectors.rotate_left(5);
    let recusals: Vec<(String, String)> = subjects
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..i % 4).map(move |r| (format!("officer-{}", (i + 3 * r) % 12), s.clone())))
        .collect();
    let mut seeds = vec!["00".repeat(32), "01".repeat(32), "ff".repeat(32)];
    // A few more seeds spread over the key space.
    seeds.extend((0u8..20).map(|n| {
        (0..32u8)
            .map(|i| format!("{:02x}", i.wrapping_mul(37).wrapping_add(n.wrapping_mul(101))))
            .collect::<String>()
    }));
    let mut compared = 0;
    for seed_hex in &seeds {
        let seed = Seed::from_hex(seed_hex).unwrap();
        for (count, per_subject) in [(1, 2), (10, 2), (30, 3), (64, 2), (17, 5), (64, 9)] {
            let expected = reference_draw(seed_hex, &subjects, &inspectors, &recusals, count, per_subject);
            let input = DrawInput {
                seed: &seed,
                subjects: &subjects,
                inspectors: &inspectors,
                recusals: &recusals,
                subject_count: count,
                inspectors_per_subject: per_subject,
            };
            let drawn: Vec<(String, Vec<String>)> = draw(&input)
                .unwrap()
                .into_iter()
                .map(|d| (d.subject_id, d.inspector_ids))
                .collect();
            assert_eq!(drawn, expected, "seed {seed_hex}, {count} subjects, {per_subject} each");
            compared += 1;
        }
    }
    assert_eq!(compared, seeds.len() * 6);
}
