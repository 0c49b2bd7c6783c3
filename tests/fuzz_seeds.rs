//! The fuzz target's properties over its seed corpus and our samples, plus
//! a bounded, deterministic mutation pass (truncations, byte flips, delimiter
//! swaps), so the ordinary test run catches what fuzzing would.

mod common;

use edigate::fuzzing::{exercise, exercise_cxml, exercise_edifact, exercise_translation};

fn seeds() -> Vec<Vec<u8>> {
    let dirs = [
        common::project_dir().join("fuzz/corpus/x12_validate"),
        common::project_dir().join("samples/x12"),
        common::project_dir().join("fuzz/corpus/edifact_validate"),
        common::project_dir().join("samples/edifact"),
        common::project_dir().join("fuzz/corpus/cxml_read"),
        common::project_dir().join("fuzz/corpus/translate"),
    ];
    let files: Vec<_> = dirs
        .iter()
        .flat_map(|d| common::files_under(d))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "edi" || e == "xml" || e == "txt" || e == "html")
        })
        .collect();
    assert!(files.len() >= 40, "only {} seed files", files.len());
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[test]
fn seeds_hold_the_invariants() {
    for seed in seeds() {
        exercise(&seed);
        exercise_edifact(&seed);
        exercise_cxml(&seed);
        exercise_translation(&seed);
    }
}

#[test]
fn mutated_seeds_hold_the_invariants() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const INTERESTING: &[u8] = b"*~:^>|+?'<>/=&;\"\n\r\x00\xffISAGSTEUNABHZ0123456789 ";
    for seed in seeds() {
        for _ in 0..60 {
            let mut data = seed.clone();
            match next() % 4 {
                0 => data.truncate((next() as usize) % (data.len() + 1)),
                1 => {
                    for _ in 0..1 + next() % 4 {
                        let i = (next() as usize) % data.len().max(1);
                        if let Some(b) = data.get_mut(i) {
                            *b = INTERESTING[(next() as usize) % INTERESTING.len()];
                        }
                    }
                }
                2 => {
                    let i = (next() as usize) % (data.len() + 1);
                    data.insert(i, INTERESTING[(next() as usize) % INTERESTING.len()]);
                }
                _ => {
                    let i = (next() as usize) % data.len().max(1);
                    let j = (next() as usize) % data.len().max(1);
                    if i < j {
                        data.drain(i..j);
                    }
                }
            }
            exercise(&data);
            exercise_edifact(&data);
            exercise_cxml(&data);
            exercise_translation(&data);
        }
    }
}
