//! Fuzzing the decoders with proptest: arbitrary bytes, and mutations of the
//! vendor's real example bodies (the spec's examples and the fixtures), fed
//! to every response decoder and error parser (`fuzzing::decode`). Nothing
//! may panic. A longer run than CI's 256 cases:
//! `PROPTEST_CASES=50000 cargo test --release -p mitra-pos-indonesia --test fuzz_decoders`

mitra_testkit::decoder_fuzz_properties!(mitra_pos_indonesia, "pos-indonesia");
