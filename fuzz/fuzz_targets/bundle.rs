//! Entry bundles and hash tiles (src/log/tiles.rs), then the leaves in them.
//!
//! The first input byte picks the width (1..=128, low 7 bits) and whether the bundle
//! must be exact (high bit); the rest is the bundle.
//! - What parse_bundle reads, written back with push_entry, is exactly the
//!   prefix of the input it covers (all of it when exact), also on error.
//! - tile_hashes returns min(len / 32, width) hashes, in order.
//! - Each entry that decodes as a leaf re-encodes to exactly its bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provledger::log::tiles::{parse_bundle, push_entry, tile_hashes};
use provledger::log::Leaf;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bundle)) = data.split_first() else {
        return;
    };
    let width = u64::from(first & 0x7f) + 1;
    let exact = first & 0x80 != 0;
    let (entries, ok) = match parse_bundle(bundle, width, exact) {
        Ok(entries) => {
            assert_eq!(entries.len() as u64, width);
            (entries, true)
        }
        Err(e) => {
            assert!(
                (e.read.len() as u64) <= width,
                "read more entries than asked"
            );
            (e.read, false)
        }
    };
    let mut again = Vec::new();
    for entry in &entries {
        push_entry(&mut again, entry);
    }
    assert!(
        bundle.starts_with(&again),
        "entries are not the bundle's prefix"
    );
    if ok && exact {
        assert_eq!(again, bundle, "an exact bundle has bytes past its entries");
    }

    let hashes = tile_hashes(bundle, width);
    assert_eq!(hashes.len() as u64, (bundle.len() as u64 / 32).min(width));
    for (i, h) in hashes.iter().enumerate() {
        assert_eq!(&bundle[i * 32..i * 32 + 32], h);
    }

    for entry in &entries {
        if let Ok(leaf) = Leaf::decode(entry) {
            assert_eq!(&leaf.encode().expect("a decoded leaf re-encodes"), entry);
        }
    }
});
