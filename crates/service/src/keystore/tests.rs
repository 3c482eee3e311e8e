use std::os::unix::fs::PermissionsExt;

use psc_psa::{AsymmetricSignature, Attributes, EccFamily, Hash, KeyType, SignHash};
use psc_wire::{AuthType, ProviderId};

use super::*;

fn app(name: &str) -> Application {
    Application {
        auth: AuthType::Direct,
        name: name.into(),
    }
}

fn record(blob: &[u8]) -> KeyRecord {
    KeyRecord {
        provider: ProviderId::MbedCrypto,
        attributes: Attributes::signing_key(
            KeyType::EccKeyPair {
                curve_family: EccFamily::SecpR1,
            },
            256,
            AsymmetricSignature::Ecdsa {
                hash: SignHash::Specific(Hash::Sha256),
            },
        ),
        blob: blob.to_vec(),
    }
}

fn create(store: &KeyStore, owner: &Application, name: &str, blob: &[u8]) {
    store.reserve(owner, name).unwrap();
    store.commit(owner, name, record(blob)).unwrap();
}

#[test]
fn a_reserved_name_is_neither_usable_nor_reusable_until_committed() {
    let store = KeyStore::in_memory().unwrap();
    let alice = app("alice");
    store.reserve(&alice, "k").unwrap();
    assert!(matches!(
        store.get(&alice, "k"),
        Err(StoreError::DoesNotExist)
    ));
    assert!(matches!(
        store.reserve(&alice, "k"),
        Err(StoreError::AlreadyExists)
    ));
    assert!(store.list(&alice).unwrap().is_empty());
    store.commit(&alice, "k", record(b"blob")).unwrap();
    assert_eq!(store.get(&alice, "k").unwrap().blob, b"blob");
    assert!(matches!(
        store.reserve(&alice, "k"),
        Err(StoreError::AlreadyExists)
    ));
}

#[test]
fn identities_are_separate_namespaces() {
    let store = KeyStore::in_memory().unwrap();
    let direct = app("1000");
    let peer = Application {
        auth: AuthType::UnixPeerCredentials,
        name: "1000".into(),
    };
    create(&store, &direct, "k", b"direct");
    assert!(matches!(
        store.get(&peer, "k"),
        Err(StoreError::DoesNotExist)
    ));
    create(&store, &peer, "k", b"peer");
    assert_eq!(store.get(&direct, "k").unwrap().blob, b"direct");
    assert_eq!(store.get(&peer, "k").unwrap().blob, b"peer");
    let mut apps = store.applications().unwrap();
    apps.sort();
    assert_eq!(apps, vec![direct, peer]);
}

#[test]
fn released_and_deleted_names_are_free_again() {
    let store = KeyStore::in_memory().unwrap();
    let alice = app("alice");
    store.reserve(&alice, "k").unwrap();
    store.release(&alice, "k").unwrap();
    create(&store, &alice, "k", b"one");
    let taken = store.begin_delete(&alice, "k", false).unwrap();
    assert_eq!(taken.blob, b"one");
    assert!(matches!(
        store.get(&alice, "k"),
        Err(StoreError::DoesNotExist)
    ));
    assert!(matches!(
        store.begin_delete(&alice, "k", false),
        Err(StoreError::DoesNotExist)
    ));
    store.finish_delete(&alice, "k").unwrap();
    assert!(store.applications().unwrap().is_empty());
    create(&store, &alice, "k", b"two");
    assert_eq!(store.get(&alice, "k").unwrap().blob, b"two");
}

#[test]
fn a_cancelled_deletion_restores_the_key() {
    let store = KeyStore::in_memory().unwrap();
    let alice = app("alice");
    create(&store, &alice, "k", b"one");
    let taken = store.begin_delete(&alice, "k", true).unwrap();
    store.cancel_delete(&alice, "k", taken).unwrap();
    assert_eq!(store.get(&alice, "k").unwrap().blob, b"one");
}

#[test]
fn listing_is_sorted_and_per_application() {
    let store = KeyStore::in_memory().unwrap();
    for name in ["b", "a", "c"] {
        create(&store, &app("alice"), name, b"x");
    }
    create(&store, &app("bob"), "z", b"x");
    let names: Vec<_> = store
        .list(&app("alice"))
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert!(store.list(&app("carol")).unwrap().is_empty());
}

#[test]
fn keys_survive_reopening_and_the_file_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store").join("keys.sqlite3");
    {
        let (store, pending) = KeyStore::open(&path).unwrap();
        assert!(pending.is_empty());
        create(&store, &app("alice"), "k", b"blob");
    }
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let dir_mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    let (store, pending) = KeyStore::open(&path).unwrap();
    assert!(pending.is_empty());
    assert_eq!(*store.get(&app("alice"), "k").unwrap(), record(b"blob"));
}

#[test]
fn interrupted_operations_are_reported_on_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.sqlite3");
    {
        let (store, _) = KeyStore::open(&path).unwrap();
        let alice = app("alice");
        store.reserve(&alice, "new").unwrap();
        store
            .record_intent(&alice, "new", &record(b"planned"))
            .unwrap();
        create(&store, &alice, "old", b"old");
        store.begin_delete(&alice, "old", true).unwrap();
        // A crash here: neither operation finished.
    }
    let (store, mut pending) = KeyStore::open(&path).unwrap();
    pending.sort_by(|a, b| a.name.cmp(&b.name));
    let summary: Vec<_> = pending
        .iter()
        .map(|p| (p.name.as_str(), p.deleting))
        .collect();
    assert_eq!(summary, [("new", false), ("old", true)]);
    // Both names stay held until the service finishes the operations.
    assert!(matches!(
        store.get(&app("alice"), "old"),
        Err(StoreError::DoesNotExist)
    ));
    assert!(matches!(
        store.reserve(&app("alice"), "new"),
        Err(StoreError::AlreadyExists)
    ));
    store.finish_delete(&app("alice"), "new").unwrap();
    store.finish_delete(&app("alice"), "old").unwrap();
    // The store is locked while open: close it before opening it again.
    drop(store);
    let (_, pending) = KeyStore::open(&path).unwrap();
    assert!(pending.is_empty());
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.sqlite3");
    drop(KeyStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE psc_meta SET value = 99 WHERE name = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    assert!(matches!(
        KeyStore::open(&path),
        Err(StoreError::SchemaTooNew {
            found: 99,
            supported: 1
        })
    ));
}

#[test]
fn concurrent_creations_and_deletions_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.sqlite3");
    {
        let (store, _) = KeyStore::open(&path).unwrap();
        std::thread::scope(|scope| {
            for t in 0..8 {
                let store = &store;
                scope.spawn(move || {
                    let owner = app(&format!("app-{t}"));
                    for k in 0..20 {
                        create(store, &owner, &format!("k{k}"), b"x");
                    }
                    for k in (0..20).step_by(2) {
                        store.begin_delete(&owner, &format!("k{k}"), false).unwrap();
                        store.finish_delete(&owner, &format!("k{k}")).unwrap();
                    }
                });
            }
        });
    }
    let (store, pending) = KeyStore::open(&path).unwrap();
    assert!(pending.is_empty());
    for t in 0..8 {
        let names: Vec<_> = store
            .list(&app(&format!("app-{t}")))
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        let mut expected: Vec<_> = (1..20).step_by(2).map(|k| format!("k{k}")).collect();
        expected.sort();
        assert_eq!(names, expected);
    }
}

#[test]
fn a_failed_batch_is_rolled_back_alone() {
    let mut db = sqlite::Database::in_memory().unwrap();
    let alice = app("alice");
    let row = |name: &str| Write::Insert(Fields::new(&alice, name, &record(b"x"), State::Ready));
    let outcomes = db.apply(&[
        vec![row("a")],
        // Fails on its second write ("a" exists): its first write must not land either.
        vec![row("b"), row("a")],
        vec![row("c")],
    ]);
    assert!(outcomes[0].is_ok());
    assert!(matches!(outcomes[1], Err(StoreError::Database(_))));
    assert!(outcomes[2].is_ok());
    let (rows, _) = db.load().unwrap();
    let mut names: Vec<_> = rows.into_iter().map(|(_, name, _)| name).collect();
    names.sort();
    assert_eq!(names, ["a", "c"]);
}

#[test]
fn a_bulk_insert_adds_every_key_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.sqlite3");
    let (store, _) = KeyStore::open(&path).unwrap();
    create(&store, &app("alice"), "taken", b"old");
    let keys = |names: &[&str]| {
        names
            .iter()
            .map(|n| (app("alice"), (*n).to_owned(), record(n.as_bytes())))
            .collect::<Vec<_>>()
    };
    assert!(matches!(
        store.insert_ready(keys(&["new", "taken"])),
        Err(StoreError::AlreadyExists)
    ));
    assert!(matches!(
        store.insert_ready(keys(&["twice", "twice"])),
        Err(StoreError::AlreadyExists)
    ));
    assert_eq!(store.list(&app("alice")).unwrap().len(), 1);
    store.insert_ready(keys(&["new", "twice"])).unwrap();
    assert_eq!(store.get(&app("alice"), "new").unwrap().blob, b"new");
    drop(store);
    let (store, _) = KeyStore::open(&path).unwrap();
    assert_eq!(store.list(&app("alice")).unwrap().len(), 3);
    assert_eq!(store.get(&app("alice"), "taken").unwrap().blob, b"old");
}

/// Issue 6 §3's store: 100,000 keys over 1,000 applications, one of them with 10. It opens,
/// every key is found, and listing an application sees its own keys only.
#[test]
fn a_store_of_100000_keys_over_1000_applications_opens_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.sqlite3");
    let mine = app("mine");
    let mut keys: Vec<_> = (0..10)
        .map(|k| (mine.clone(), format!("own-{k}"), record(b"own")))
        .collect();
    keys.extend((0..99_990).map(|k| {
        (
            app(&format!("app-{}", k % 999)),
            format!("key-{k}"),
            record(b"x"),
        )
    }));
    {
        let (store, _) = KeyStore::open(&path).unwrap();
        store.insert_ready(keys).unwrap();
    }
    let (store, pending) = KeyStore::open(&path).unwrap();
    assert!(pending.is_empty());
    assert_eq!(store.applications().unwrap().len(), 1_000);
    let listed = store.list(&mine).unwrap();
    assert_eq!(listed.len(), 10);
    assert!(listed.iter().all(|(name, _)| name.starts_with("own-")));
    for k in (0..99_990).step_by(997) {
        let owner = app(&format!("app-{}", k % 999));
        assert_eq!(store.get(&owner, &format!("key-{k}")).unwrap().blob, b"x");
    }
    assert!(matches!(
        store.get(&mine, "key-0"),
        Err(StoreError::DoesNotExist)
    ));
}
