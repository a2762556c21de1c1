//! JSON pointer tokens (RFC 6901): the one escape and unescape of the
//! workspace. The masking, unknown-field and decode-error reports of this
//! crate, the `mitra` CLI, `mitra-spec` and xtask all use these two
//! functions. (This file uses nothing else of the crate, so that tools
//! that do not depend on it can compile it with `#[path]`.)

/// `token` escaped for a JSON pointer: `~` as `~0`, `/` as `~1`.
///
/// ```
/// assert_eq!(mitra_core::pointer::escape("a/b~c"), "a~1b~0c");
/// ```
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer's `token` as the key it names: `~1` as `/`, then `~0`
/// as `~` (in that order, so that `~01` is `~1`).
///
/// ```
/// assert_eq!(mitra_core::pointer::unescape("a~1b~0c"), "a/b~c");
/// assert_eq!(mitra_core::pointer::unescape("~01"), "~1");
/// ```
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_the_round_trip() {
        for key in ["", "a", "a/b", "~", "~1", "~0/~1", "/~/"] {
            assert_eq!(unescape(&escape(key)), key, "{key:?}");
        }
    }
}
