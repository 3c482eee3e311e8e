//! The master key file: created 0600 in a 0700 directory, reused, and refused when unsafe.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;
use psc_provider_api::ProviderError;
use psc_provider_software::{OpenError, SoftwareProvider};
use psc_psa::Hash;

fn write_key_file(path: &Path, len: usize, mode: u32) -> TestResult {
    fs::write(path, vec![0x42; len])?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[test]
fn created_0600_in_a_new_0700_directory_and_reused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let key_dir = dir.path().join("state").join("keys");
    let path = key_dir.join("master.key");
    let provider = SoftwareProvider::open(&path)?;

    let meta = fs::metadata(&path)?;
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(meta.len(), 32);
    assert_eq!(fs::metadata(&key_dir)?.permissions().mode() & 0o777, 0o700);
    assert_eq!(
        fs::read_dir(&key_dir)?.count(),
        1,
        "no temporary file left behind"
    );
    let bytes = fs::read(&path)?;

    let alg = ecdsa(Hash::Sha256);
    let key = generate_p256(&provider, alg);
    let hash = [7u8; 32];
    let signature = sign(&provider, &key, alg, &hash)?;
    drop(provider);

    let reopened = SoftwareProvider::open(&path)?;
    assert_eq!(
        fs::read(&path)?,
        bytes,
        "the existing key is reused, not replaced"
    );
    verify(&reopened, &key, alg, &hash, &signature)?;
    sign(&reopened, &key, alg, &hash)?;
    Ok(())
}

#[test]
fn group_or_other_access_is_refused_with_the_fix() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("master.key");
    for mode in [0o640, 0o604, 0o620, 0o602, 0o644, 0o666, 0o610] {
        write_key_file(&path, 32, mode)?;
        let err = SoftwareProvider::open(&path).expect_err("unsafe mode refused");
        let OpenError::Permissions {
            path: named,
            mode: seen,
        } = &err
        else {
            panic!("mode {mode:o}: expected Permissions, got {err:?}");
        };
        assert_eq!(named, &path);
        assert_eq!(*seen, mode);
        let message = err.to_string();
        assert!(
            message.contains(&format!("chmod 600 {}", path.display())),
            "{message}"
        );
    }
    // Owner-only modes are accepted.
    for mode in [0o600, 0o400] {
        write_key_file(&path, 32, mode)?;
        SoftwareProvider::open(&path)?;
    }
    Ok(())
}

#[test]
fn a_key_file_of_the_wrong_size_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("master.key");
    for len in [0, 16, 31, 33, 64] {
        write_key_file(&path, len, 0o600)?;
        let err = SoftwareProvider::open(&path).expect_err("wrong size refused");
        assert!(
            matches!(&err, OpenError::WrongSize { path: p, len: l } if p == &path && *l == len as u64),
            "{err:?}"
        );
        assert!(err.to_string().contains(&path.display().to_string()));
    }
    Ok(())
}

#[test]
fn a_directory_in_place_of_the_key_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("master.key");
    fs::create_dir(&path)?;
    fs::set_permissions(&path, fs::Permissions::from_mode(0o700))?;
    let err = SoftwareProvider::open(&path).expect_err("a directory is not a key");
    assert!(matches!(err, OpenError::NotAFile { .. }), "{err:?}");
    Ok(())
}

#[test]
fn keys_sealed_under_another_master_key_do_not_open() -> TestResult {
    let (first, _dir1) = provider();
    let (second, _dir2) = provider();
    let key = generate_p256(&first, ecdsa(Hash::Sha256));
    let err = sign(&second, &key, ecdsa(Hash::Sha256), &[1; 32]).expect_err("other host key");
    assert!(matches!(err, ProviderError::CorruptKey(_)), "{err:?}");
    Ok(())
}

#[test]
fn debug_output_never_shows_the_master_key() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("master.key");
    let provider = SoftwareProvider::open(&path)?;
    let shown = format!("{provider:?}");
    let key_hex = hex::encode(fs::read(&path)?);
    assert!(!shown.contains(&key_hex), "{shown}");
    assert!(shown.contains("redacted"), "{shown}");
    Ok(())
}
