//! Signing snapshots from the command line (src/snapshot/signature.rs): `tongxunlu keygen`
//! (docs/cli.md#keygen) writes a new key where only its owner can read it and prints its public
//! key for the page's configuration; `snapshot` and `serve` sign with such a key.

use std::path::Path;

use tongxunlu::snapshot::signature::{self, SigningKey};

use super::{Error, Result};

pub(super) fn keygen_command(output: &Path) -> Result<()> {
    // An Ed25519 key is 32 random bytes (RFC 8032's seed); the OS's source, as for the demo's
    // token secret.
    let mut seed = [0; 32];
    getrandom::fill(&mut seed).map_err(Error::Random)?;
    let key = SigningKey::from_seed(seed);
    key.write_new_pem_file(output)?;
    let public = key.public_key();
    eprintln!(
        "wrote {}: a new Ed25519 signing key (PKCS#8 PEM, readable by its owner only), key id {}; its public key, \
         for the page's signingKey (`serve --signing-key` sets it):",
        output.display(),
        public.key_id()
    );
    println!("{}", public.to_base64());
    Ok(())
}

/// `snapshot` signed with `key`, or as it is without one.
pub(super) fn signed(snapshot: Vec<u8>, key: Option<&SigningKey>) -> Vec<u8> {
    match key {
        Some(key) => signature::sign(&snapshot, key),
        None => snapshot,
    }
}
