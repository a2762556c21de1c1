//! Fuzzing the decoders with proptest: arbitrary bytes, and mutations of the
//! vendor's real example bodies (the spec's examples and the fixtures), fed
//! to every response decoder and error parser (`fuzzing::decode`). Nothing
//! may panic. A longer run than CI's 256 cases:
//! `PROPTEST_CASES=50000 cargo test --release -p mitra-pafi --test fuzz_decoders`

use std::sync::OnceLock;

use mitra_testkit::fuzz;
use proptest::prelude::*;

fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = env!("CARGO_MANIFEST_DIR");
        let fixtures = [
            "tests/fixtures",
            "tests/fixtures/posindonesia",
            "tests/fixtures/wso2",
        ]
        .map(|d| format!("{dir}/{d}"));
        fuzz::seeds(&format!("{dir}/../../specs/pafi.yaml"), &fixtures)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz::cases()))]

    #[test]
    fn arbitrary_bytes_never_panic(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        mitra_pafi::fuzzing::decode(status, &body);
    }

    #[test]
    fn mutated_examples_never_panic(
        status in proptest::sample::select(vec![200u16, 201, 400, 401, 403, 404, 422, 429, 500, 502, 503]),
        seed in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        truncate_at in proptest::option::of(any::<usize>()),
    ) {
        mitra_pafi::fuzzing::decode(status, &fuzz::mutate(seed.get::<Vec<u8>>(seeds()), &edits, truncate_at));
    }
}
