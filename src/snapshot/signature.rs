//! Signed snapshots (docs/snapshot.md#signature): who built these bytes, for a page that does not
//! trust every hop between it and the server.
//!
//! A snapshot's checksum catches damage, not intent: a CDN, a caching proxy or anyone else on the
//! way can rewrite a snapshot and its checksum alike. A server that signs what it serves (Ed25519)
//! lets a page that knows the server's public key open only the bytes that server built.
//!
//! The signature is a trailer, not part of the snapshot format. A signed file is the unsigned
//! bytes followed by an 80-byte *signature block*:
//!
//! ```text
//! offset from the block's start
//!      0    64  the Ed25519 signature of every byte before the block
//!     64     8  key id: the first 8 bytes of the SHA-256 of the signer's 32-byte public key
//!     72     8  magic: "TXLSIGN1"
//! ```
//!
//! A trailer because the signature then covers the bytes exactly as they are: nothing is zeroed or
//! rewritten to check it, the snapshot's own header and checksum stay what the builder wrote, and
//! the same scheme signs any byte string (a later snapshot difference will be signed the same
//! way). The key id lets a verifier say "signed by another key" — a rotated key, a page
//! configured for another server — rather than "altered". Ed25519 signs deterministically, so
//! signing equal bytes with one key gives equal files, and a server's signed snapshot of a class
//! is as cacheable as its unsigned one.
//!
//! Two halves, by where they run:
//!
//! - everywhere, the browser build included: [`split`], which finds a block by its magic and
//!   length alone. The opener uses it ([`Snapshot::open`](super::Snapshot::open)) to accept a
//!   signed file without verifying it: the page verifies with WebCrypto before the bytes reach
//!   the engine, so the browser build, a kilobyte or two under its size budget, carries no
//!   Ed25519 code.
//! - with the `builder` feature: keys ([`SigningKey`], [`PublicKey`]), [`sign`] and [`verify`].
//!   Verifying natively is for whoever holds a public key (`tongxunlu inspect --public-key`).
//!
//! A valid signature proves who built the bytes, not that the builder had no bug: the opener
//! checks a signed snapshot exactly as it checks an unsigned one.

use std::path::PathBuf;

use super::format::{hex, u32_at};

/// The last eight bytes of a signed file.
pub const SIGNATURE_MAGIC: [u8; 8] = *b"TXLSIGN1";
/// The length of a signature block: signature, key id, magic.
pub const BLOCK_LEN: usize = SIGNATURE_LEN + KEY_ID_LEN + SIGNATURE_MAGIC.len();
/// The length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
/// The length of a key id.
pub const KEY_ID_LEN: usize = 8;

/// Where a snapshot's header gives its total length (docs/snapshot.md#layout-format-version-7;
/// `check_header` in container.rs reads the same field).
const SNAPSHOT_LENGTH_AT: usize = 12;

/// Which key signed: the first 8 bytes of the SHA-256 of its 32-byte public key. Shown in
/// lower-case hexadecimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; KEY_ID_LEN]);

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

/// The signature block at the end of a signed file, as read (not verified).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureBlock {
    /// The Ed25519 signature of every byte before the block.
    pub signature: [u8; SIGNATURE_LEN],
    /// Which key claims to have signed.
    pub key_id: KeyId,
}

/// Why a signed file is refused, or a key cannot be had. Only [`SignatureError::TruncatedBlock`]
/// can come from [`split`]; the others are of the `builder` feature's keys, [`sign`] and
/// [`verify`].
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// The bytes end in [`SIGNATURE_MAGIC`] but are shorter than a block.
    #[error(
        "malformed signature block: the bytes end in TXLSIGN1 but are only {len} long, less than a block ({BLOCK_LEN})"
    )]
    TruncatedBlock {
        /// The length of the bytes.
        len: usize,
    },
    /// No signature block at the end, where a key says one must be.
    #[error("not signed: no signature block at the end (a key is given, so only signed files are accepted)")]
    Missing,
    /// A block of a key other than the one given: another server's, or a key rotated since.
    #[error("signed by another key (key id {found}; the key given has id {expected})")]
    OtherKey {
        /// The id of the key given.
        expected: KeyId,
        /// The id in the block.
        found: KeyId,
    },
    /// The block names the key given, but its signature is not that key's signature of the
    /// bytes: they, or the block, were altered after signing.
    #[error("invalid signature: the bytes were altered after they were signed")]
    Invalid,
    /// A public key that is not one (not base64 of 32 bytes, not a point of the curve, or a weak
    /// key that would verify forgeries).
    #[error("not an Ed25519 public key: {detail}")]
    NotAPublicKey {
        /// What is wrong with it.
        detail: &'static str,
    },
    /// A key file that cannot be read or written.
    #[error("{}: {source}", path.display())]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A key file that does not hold an Ed25519 private key in PKCS#8 PEM.
    #[error("{}: not an Ed25519 private key in PKCS#8 PEM (what `tongxunlu keygen` and `openssl genpkey -algorithm ed25519` write): {detail}", path.display())]
    KeyFormat {
        /// The key file.
        path: PathBuf,
        /// What the PEM or PKCS#8 decoder said.
        detail: String,
    },
}

/// Splits `bytes` into what was signed and its signature block, if it has one: a block is the
/// last [`BLOCK_LEN`] bytes when they end in [`SIGNATURE_MAGIC`]. Bytes that do not end in the
/// magic are returned whole, with no block; bytes that end in it but are shorter than a block are
/// [`SignatureError::TruncatedBlock`]. Nothing is verified.
pub fn split(bytes: &[u8]) -> Result<(&[u8], Option<SignatureBlock>), SignatureError> {
    if !bytes.ends_with(&SIGNATURE_MAGIC) {
        return Ok((bytes, None));
    }
    let Some(body_len) = bytes.len().checked_sub(BLOCK_LEN) else {
        return Err(SignatureError::TruncatedBlock { len: bytes.len() });
    };
    let (body, block) = bytes.split_at(body_len);
    let (signature, rest) = block.split_at(SIGNATURE_LEN);
    let block = SignatureBlock {
        signature: signature.try_into().expect("the block's length is checked"),
        key_id: KeyId(rest[..KEY_ID_LEN].try_into().expect("the block's length is checked")),
    };
    Ok((body, Some(block)))
}

/// How many bytes of `file`, a snapshot signed or not, are the snapshot: the total length its
/// header gives when exactly one signature block follows that, else the whole file, for the
/// opener's checks to judge (a block that is cut, garbled or followed by more bytes is then
/// "unexpected bytes after its end"). Decided by the header's length, not by the magic alone,
/// so that an unsigned snapshot that happens to end in `TXLSIGN1` still opens.
pub(crate) fn snapshot_len(file: &[u8]) -> usize {
    let declared = file.get(SNAPSHOT_LENGTH_AT..SNAPSHOT_LENGTH_AT + 4).map(|b| u32_at(b, 0) as usize);
    match (declared, split(file)) {
        (Some(declared), Ok((body, Some(_)))) if body.len() == declared => declared,
        _ => file.len(),
    }
}

#[cfg(feature = "builder")]
pub use keys::{sign, verify, PublicKey, SigningKey};

/// Keys, signing and verifying: native (and the Node build), never the browser's.
#[cfg(feature = "builder")]
mod keys {
    use std::path::Path;

    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
    use ed25519_dalek::pkcs8::spki::der::zeroize::Zeroizing;
    use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, KeypairBytes};
    use ed25519_dalek::{Signature, Signer, VerifyingKey, PUBLIC_KEY_LENGTH};
    use sha2::{Digest, Sha256};

    use super::*;

    /// An Ed25519 private key, the server's. Its `Debug` shows the key id, never the key.
    pub struct SigningKey {
        key: ed25519_dalek::SigningKey,
    }

    impl std::fmt::Debug for SigningKey {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "SigningKey(key id {})", self.public_key().key_id())
        }
    }

    impl SigningKey {
        /// The key whose 32-byte secret (RFC 8032's seed) is `seed`: a fresh key from 32 random
        /// bytes, or a known one in tests.
        pub fn from_seed(seed: [u8; 32]) -> SigningKey {
            SigningKey { key: ed25519_dalek::SigningKey::from_bytes(&seed) }
        }

        /// Reads a private key from a PKCS#8 PEM file (`-----BEGIN PRIVATE KEY-----`), as
        /// [`SigningKey::write_new_pem_file`] and `openssl genpkey -algorithm ed25519` write it.
        pub fn read_pem_file(path: &Path) -> Result<SigningKey, SignatureError> {
            let text = Zeroizing::new(
                std::fs::read_to_string(path)
                    .map_err(|source| SignatureError::KeyFile { path: path.to_owned(), source })?,
            );
            ed25519_dalek::SigningKey::from_pkcs8_pem(&text)
                .map(|key| SigningKey { key })
                .map_err(|e| SignatureError::KeyFormat { path: path.to_owned(), detail: e.to_string() })
        }

        /// Writes the key to a new file as PKCS#8 PEM — the same bytes `openssl genpkey
        /// -algorithm ed25519` writes for it — readable by its owner only (mode 0600 on Unix).
        /// An existing file is never overwritten: losing a signing key is not undone.
        pub fn write_new_pem_file(&self, path: &Path) -> Result<(), SignatureError> {
            use std::io::Write as _;

            // The RFC 8410 form openssl writes (version 1, no public key), not version 2 with the
            // public key that `EncodePrivateKey for SigningKey` would give.
            let pem = KeypairBytes { secret_key: self.key.to_bytes(), public_key: None }
                .to_pkcs8_pem(LineEnding::LF)
                .expect("a 32-byte key always encodes");
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let file_error = |source| SignatureError::KeyFile { path: path.to_owned(), source };
            let mut file = options.open(path).map_err(file_error)?;
            file.write_all(pem.as_bytes()).and_then(|()| file.sync_all()).map_err(file_error)
        }

        /// The public key that verifies this key's signatures.
        pub fn public_key(&self) -> PublicKey {
            PublicKey { key: self.key.verifying_key() }
        }
    }

    /// An Ed25519 public key: what a page is configured with to accept only its server's
    /// snapshots. Written as the standard base64 of its 32 bytes (44 characters).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct PublicKey {
        key: VerifyingKey,
    }

    impl PublicKey {
        /// The key from its 32 bytes (RFC 8032's encoding). A weak key — of small order, for
        /// which signatures can be forged — is refused.
        pub fn from_bytes(bytes: &[u8; PUBLIC_KEY_LENGTH]) -> Result<PublicKey, SignatureError> {
            let key = VerifyingKey::from_bytes(bytes)
                .map_err(|_| SignatureError::NotAPublicKey { detail: "the 32 bytes are not a point of the curve" })?;
            if key.is_weak() {
                return Err(SignatureError::NotAPublicKey { detail: "a weak key (of small order)" });
            }
            Ok(PublicKey { key })
        }

        /// The key from the standard base64 of its 32 bytes (as `tongxunlu keygen` prints it
        /// and a page's `signingKey` holds it); spaces around it are ignored.
        pub fn from_base64(text: &str) -> Result<PublicKey, SignatureError> {
            let bytes = STANDARD
                .decode(text.trim())
                .map_err(|_| SignatureError::NotAPublicKey { detail: "not standard base64" })?;
            let bytes: [u8; PUBLIC_KEY_LENGTH] = bytes
                .try_into()
                .map_err(|_| SignatureError::NotAPublicKey { detail: "base64 of 32 bytes expected" })?;
            PublicKey::from_bytes(&bytes)
        }

        /// The key's 32 bytes.
        pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LENGTH] {
            self.key.to_bytes()
        }

        /// The standard base64 of the key's 32 bytes, with padding: 44 characters.
        pub fn to_base64(&self) -> String {
            STANDARD.encode(self.key.as_bytes())
        }

        /// The key id a signature block of this key carries.
        pub fn key_id(&self) -> KeyId {
            let digest = Sha256::digest(self.key.as_bytes());
            KeyId(digest[..KEY_ID_LEN].try_into().expect("SHA-256 is 32 bytes"))
        }
    }

    /// `body` followed by its signature block: `key`'s signature of `body`, the key's id and the
    /// magic. Deterministic: equal bytes and key, equal output.
    pub fn sign(body: &[u8], key: &SigningKey) -> Vec<u8> {
        let signature = key.key.sign(body);
        let mut signed = Vec::with_capacity(body.len() + BLOCK_LEN);
        signed.extend_from_slice(body);
        signed.extend_from_slice(&signature.to_bytes());
        signed.extend_from_slice(&key.public_key().key_id().0);
        signed.extend_from_slice(&SIGNATURE_MAGIC);
        signed
    }

    /// What `key` signed in `bytes`: the bytes before the signature block, once the block is
    /// there, names `key` and holds its valid signature of them. Refused otherwise, the key id
    /// checked first so that another key's signature is told apart from an alteration.
    ///
    /// The check is [`VerifyingKey::verify_strict`]: RFC 8032's, refusing also signatures with a
    /// point of small order, which no honest signer makes, so that no second valid signature of
    /// the bytes can be made from a first.
    pub fn verify<'b>(bytes: &'b [u8], key: &PublicKey) -> Result<&'b [u8], SignatureError> {
        let (body, block) = split(bytes)?;
        let block = block.ok_or(SignatureError::Missing)?;
        let expected = key.key_id();
        if block.key_id != expected {
            return Err(SignatureError::OtherKey { expected, found: block.key_id });
        }
        key.key.verify_strict(body, &Signature::from_bytes(&block.signature)).map_err(|_| SignatureError::Invalid)?;
        Ok(body)
    }
}
