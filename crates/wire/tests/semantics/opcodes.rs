//! docs/protocol.md §3: the opcode table's facts (codes, scope, access, published), and the
//! columns the service derives its lists from (capability, commits).

use std::collections::BTreeSet;

use psc_wire::Opcode;
use psc_wire::ops::{Access, Capability, Scope};

/// The opcodes the published Rust clients do not know.
const UNPUBLISHED: [Opcode; 2] = [Opcode::PsaMacCompute, Opcode::PsaMacVerify];

/// Opcode::ALL lists 31 operations with the codes 0x01–0x1C and 0x1E–0x20, in code order;
/// every other value (0, 0x1D, 0x21 and beyond) is undefined.
#[test]
fn opcode_codes() {
    assert_eq!(Opcode::ALL.len(), 31);
    let codes: Vec<u32> = Opcode::ALL.iter().map(|op| op.code()).collect();
    let expected: Vec<u32> = (0x01..=0x1C).chain(0x1E..=0x20).collect();
    assert_eq!(codes, expected);
    for code in 0..=0x40 {
        let defined = expected.contains(&code);
        assert_eq!(
            Opcode::from_code(code).map(Opcode::code),
            defined.then_some(code),
            "{code:#x}"
        );
    }
    assert_eq!(Opcode::from_code(u32::MAX), None);
}

/// Only the MAC operations are unpublished (unknown to parsec-interface).
#[test]
fn only_mac_opcodes_are_unpublished() {
    for &op in Opcode::ALL {
        assert_eq!(op.spec().published, !UNPUBLISHED.contains(&op), "{op:?}");
    }
    assert_eq!(
        (Opcode::PsaMacCompute.code(), Opcode::PsaMacVerify.code()),
        (0x16, 0x17)
    );
}

/// The core opcodes are exactly Ping, ListProviders, ListOpcodes, ListAuthenticators,
/// ListKeys, ListClients and DeleteClient; every other operation is addressed to a crypto
/// provider.
#[test]
fn core_opcodes() {
    let core: BTreeSet<Opcode> = Opcode::ALL
        .iter()
        .copied()
        .filter(|op| op.spec().scope == Scope::Core)
        .collect();
    let expected = BTreeSet::from([
        Opcode::Ping,
        Opcode::ListProviders,
        Opcode::ListOpcodes,
        Opcode::ListAuthenticators,
        Opcode::ListKeys,
        Opcode::ListClients,
        Opcode::DeleteClient,
    ]);
    assert_eq!(core, expected);
    let crypto = Opcode::ALL
        .iter()
        .filter(|op| op.spec().scope == Scope::Crypto)
        .count();
    assert_eq!(crypto, 24);
}

/// Access is Open exactly for Ping, ListProviders, ListOpcodes, ListAuthenticators,
/// GenerateRandom, HashCompute and HashCompare; Admin for ListClients and DeleteClient; App for
/// the 22 others.
#[test]
fn access_levels() {
    let with = |access: Access| -> BTreeSet<Opcode> {
        Opcode::ALL
            .iter()
            .copied()
            .filter(|op| op.spec().access == access)
            .collect()
    };
    let open = BTreeSet::from([
        Opcode::Ping,
        Opcode::ListProviders,
        Opcode::ListOpcodes,
        Opcode::ListAuthenticators,
        Opcode::PsaGenerateRandom,
        Opcode::PsaHashCompute,
        Opcode::PsaHashCompare,
    ]);
    assert_eq!(with(Access::Open), open);
    assert_eq!(
        with(Access::Admin),
        BTreeSet::from([Opcode::ListClients, Opcode::DeleteClient])
    );
    assert_eq!(with(Access::App).len(), 22);
    assert!(with(Access::App).contains(&Opcode::ListKeys));
}

/// Exactly the operations that create, destroy or delete keys commit to the key store's disk.
#[test]
fn committing_opcodes() {
    let commits: BTreeSet<Opcode> = Opcode::ALL
        .iter()
        .copied()
        .filter(|op| op.spec().commits)
        .collect();
    let expected = BTreeSet::from([
        Opcode::PsaGenerateKey,
        Opcode::PsaImportKey,
        Opcode::PsaDestroyKey,
        Opcode::DeleteClient,
    ]);
    assert_eq!(commits, expected);
}

/// The core provider serves exactly the core-scoped operations; CanDoCrypto is every crypto
/// provider's; the attestation operations are one capability.
#[test]
fn capabilities() {
    for &op in Opcode::ALL {
        let spec = op.spec();
        assert_eq!(
            spec.capability == Capability::Core,
            spec.scope == Scope::Core,
            "{op:?}"
        );
        assert_eq!(spec.scope, spec.capability.scope(), "{op:?}");
    }
    assert_eq!(Opcode::CanDoCrypto.spec().capability, Capability::Every);
    for op in [Opcode::AttestKey, Opcode::PrepareKeyAttestation] {
        assert_eq!(op.spec().capability, Capability::KeyAttestation, "{op:?}");
    }
}
