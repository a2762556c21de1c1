//! Every decoder of mitra-pafi on arbitrary bytes: the first two bytes pick
//! the HTTP status, the rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let [a, b, body @ ..] = data {
        let status = 100 + u16::from_le_bytes([*a, *b]) % 500;
        mitra_pafi::fuzzing::decode(status, body);
    }
});
