//! The Merkle tree of RFC 6962 §2.1 (as restated by RFC 9162 §2.1): leaves hashed as
//! SHA-256(0x00 ‖ data), interior nodes as SHA-256(0x01 ‖ left ‖ right), a tree of n leaves
//! split at the largest power of two below n. Anyone with a SHA-256 can recompute a root or
//! check an inclusion proof; the README states the leaf format.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// The hash of a leaf holding `data`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(data);
    hasher.finalize().into()
}

fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]) over leaf hashes; the empty tree's root is SHA-256 of nothing.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]): the sibling hashes from leaf `index` up to the root. `None` when the
/// index is not a leaf of the tree.
pub fn inclusion_path(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    collect_path(leaves, index, &mut path);
    Some(path)
}

fn collect_path(leaves: &[Hash], index: usize, path: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if index < k {
        collect_path(&leaves[..k], index, path);
        path.push(root(&leaves[k..]));
    } else {
        collect_path(&leaves[k..], index - k, path);
        path.push(root(&leaves[..k]));
    }
}

/// The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or `None` when the proof
/// cannot belong to a tree of `size` leaves. The caller compares it with the signed root.
pub fn root_from_inclusion(index: u64, size: u64, leaf: Hash, path: &[Hash]) -> Option<Hash> {
    if index >= size {
        return None;
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = leaf;
    for p in path {
        if sn == 0 {
            return None;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    (sn == 0).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The leaves of the certificate-transparency reference tests.
    fn reference_leaves() -> Vec<Hash> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|data| leaf_hash(&hex::decode(data).unwrap()))
        .collect()
    }

    #[test]
    fn roots_match_the_reference_vectors() {
        let expected = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let leaves = reference_leaves();
        for (n, want) in expected.iter().enumerate() {
            assert_eq!(hex::encode(root(&leaves[..=n])), *want, "tree of {} leaves", n + 1);
        }
        assert_eq!(
            hex::encode(root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn every_leaf_of_every_size_proves_its_inclusion() {
        let leaves: Vec<Hash> = (0..37u32).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for size in 1..=leaves.len() {
            let tree = &leaves[..size];
            let want = root(tree);
            for index in 0..size {
                let path = inclusion_path(tree, index).unwrap();
                assert_eq!(
                    root_from_inclusion(index as u64, size as u64, tree[index], &path),
                    Some(want),
                    "leaf {index} of {size}"
                );
            }
            assert_eq!(inclusion_path(tree, size), None);
        }
    }

    #[test]
    fn a_proof_fails_for_another_leaf_index_or_size() {
        let leaves: Vec<Hash> = (0..11u32).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let want = root(&leaves);
        let path = inclusion_path(&leaves, 6).unwrap();
        assert_ne!(root_from_inclusion(6, 11, leaves[5], &path), Some(want));
        assert_ne!(root_from_inclusion(5, 11, leaves[6], &path), Some(want));
        // A size whose tree has another shape (12 leaves share the shape of 11 at leaf 6).
        assert_ne!(root_from_inclusion(6, 7, leaves[6], &path), Some(want));
        assert_eq!(root_from_inclusion(11, 11, leaves[6], &path), None);
        let mut bent = path.clone();
        bent[0][0] ^= 1;
        assert_ne!(root_from_inclusion(6, 11, leaves[6], &bent), Some(want));
    }
}
