//! The master key's check value: HMAC-SHA-256 under the master key of a fixed label. The
//! service records it in the key store when the key is first used and compares it at every
//! start and reload, so a store is never served under another master key. It reveals nothing
//! of the key (a MAC of a constant) and cannot be used to seal or open anything.

use aws_lc_rs::hmac;

use crate::master_key::MasterKeyBytes;

/// The constant the check value authenticates; names its purpose and version.
const LABEL: &[u8] = b"psc master key check value v1";

/// The check value of `key`.
pub(crate) fn of(key: &MasterKeyBytes) -> Vec<u8> {
    let mac = hmac::Key::new(hmac::HMAC_SHA256, key.as_ref());
    hmac::sign(&mac, LABEL).as_ref().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

    #[test]
    fn the_value_depends_on_the_key() {
        let a = of(&Zeroizing::new([1; 32]));
        assert_eq!(a, of(&Zeroizing::new([1; 32])));
        assert_ne!(a, of(&Zeroizing::new([2; 32])));
        assert_eq!(a.len(), 32);
    }
}
