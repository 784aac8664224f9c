//! Viewer tokens: how `tongxunlu serve` knows who is asking for a snapshot (docs/visibility.md, docs/cli.md).
//!
//! The host app's back end already knows who is signed in (WeChat Work OAuth, its own session);
//! it proves that to the directory server with a short-lived token signed with a secret the two
//! share. The server then never needs a session store or a database:
//!
//! ```text
//! token = base64url(userid) "." expiry "." base64url(HMAC-SHA256(secret, base64url(userid) "." expiry))
//! ```
//!
//! `expiry` is in Unix seconds (decimal), base64url has no padding. The MAC covers the two first
//! parts exactly as they appear in the token, so no re-encoding ambiguity can let an altered
//! token through: a token is accepted only if its signature, compared in constant time, matches.
//! The secret is at least [`Secret::MIN_LEN`] bytes — the length of the MAC's output, below which
//! a guessed key is easier than a forged MAC.
//!
//! ```
//! use tongxunlu::token::{issue, verify, Secret, TokenError};
//!
//! let secret = Secret::new(b"0123456789abcdef0123456789abcdef".to_vec())?;
//! let token = issue(&secret, "staff001", 1_900_000_000);
//! assert_eq!(verify(&secret, &token, 1_800_000_000)?, "staff001");
//! assert_eq!(verify(&secret, &token, 1_900_000_000), Err(TokenError::Expired { expired_at: 1_900_000_000 }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The environment variable that holds the shared secret (the raw bytes of its value).
pub const SECRET_ENV: &str = "TONGXUNLU_SECRET";

/// The key tokens are signed with. Its `Debug` never shows the bytes.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

/// Why no secret could be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Fewer than [`Secret::MIN_LEN`] bytes.
    #[error("{source_name}: the secret is {len} bytes; at least {min} are needed (e.g. `openssl rand -hex 32`)", min = Secret::MIN_LEN)]
    TooShort {
        /// Where the secret came from: a file's path, [`SECRET_ENV`], or `the secret`.
        source_name: String,
        /// Its length in bytes.
        len: usize,
    },
    /// A secret that is text of more than one line, or longer than any secret is: most likely the
    /// wrong file (`--secret-file /etc/passwd`, a key in PEM).
    #[error("{source_name}: {problem} — is this the right file? A secret is one line of at most {max} bytes (e.g. `openssl rand -hex 32`)", max = Secret::MAX_LEN)]
    NotASecret {
        /// Where the secret came from.
        source_name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A secret too predictable to sign with: a repeated character or word, a placeholder.
    #[error("{source_name}: the secret is too predictable (about {bits} bits of randomness; at least {min} are needed): make one with `openssl rand -hex 32`", min = Secret::MIN_BITS)]
    Predictable {
        /// Where the secret came from.
        source_name: String,
        /// Its estimated randomness ([`Secret::estimated_bits`]).
        bits: u32,
    },
    /// The secret file could not be read.
    #[error("{}: {source}", path.display())]
    Unreadable {
        /// The secret file.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// Neither a secret file nor [`SECRET_ENV`] was given.
    #[error("no secret: set {SECRET_ENV} or pass --secret-file PATH")]
    Missing,
    /// The operating system gave no random bytes for [`Secret::random`].
    #[error("the operating system's random source failed: {0}")]
    Random(#[source] getrandom::Error),
}

impl Secret {
    /// The shortest secret accepted: 32 bytes, the size of an HMAC-SHA256 output.
    pub const MIN_LEN: usize = 32;
    /// The longest secret accepted: far more than any secret needs.
    pub const MAX_LEN: usize = 1024;
    /// The least randomness accepted, as [`Secret::estimated_bits`] sees it: 112 bits, the
    /// least strength NIST allows a key; what `openssl rand -hex 32` makes has about 240.
    pub const MIN_BITS: u32 = 112;

    /// A secret from its bytes; fewer than [`Secret::MIN_LEN`] are refused.
    pub fn new(bytes: Vec<u8>) -> Result<Secret, SecretError> {
        Secret::checked(bytes, "the secret")
    }

    fn checked(bytes: Vec<u8>, source_name: &str) -> Result<Secret, SecretError> {
        let source_name = source_name.to_owned();
        if bytes.len() < Secret::MIN_LEN {
            return Err(SecretError::TooShort { source_name, len: bytes.len() });
        }
        if bytes.len() > Secret::MAX_LEN {
            let problem = format!("the secret is {} bytes", bytes.len());
            return Err(SecretError::NotASecret { source_name, problem });
        }
        // Text of several lines (random bytes may hold a line break's byte, and are no text).
        let text =
            std::str::from_utf8(&bytes).is_ok_and(|t| !t.chars().any(|c| c.is_control() && c != '\n' && c != '\r'));
        if text && (bytes.contains(&b'\n') || bytes.contains(&b'\r')) {
            let problem = "the secret holds a line break".to_owned();
            return Err(SecretError::NotASecret { source_name, problem });
        }
        let bits = Secret::estimated_bits(&bytes);
        if bits < Secret::MIN_BITS {
            return Err(SecretError::Predictable { source_name, bits });
        }
        Ok(Secret(bytes))
    }

    /// An estimate of the randomness in `bytes`, in bits: their length times the Shannon entropy
    /// of their byte frequencies. It cannot see every pattern (the alphabet in order scores well)
    /// and is a guard against mistakes, not a measure of strength: a repeated character scores
    /// nothing, a word repeated to length little, a random hex string of 64 characters about 240.
    pub fn estimated_bits(bytes: &[u8]) -> u32 {
        let mut counts = [0u32; 256];
        for &b in bytes {
            counts[usize::from(b)] += 1;
        }
        let n = bytes.len() as f64;
        let per_byte: f64 = counts
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| {
                let p = f64::from(c) / n;
                -p * p.log2()
            })
            .sum();
        (per_byte * n) as u32
    }

    /// The secret from `file` if one is named, else from [`SECRET_ENV`]; `None` when neither is
    /// there. A file's trailing line break is not part of the secret (`echo … > file` adds one).
    pub fn configured(file: Option<&Path>) -> Result<Option<Secret>, SecretError> {
        if let Some(path) = file {
            let mut bytes =
                std::fs::read(path).map_err(|source| SecretError::Unreadable { path: path.to_owned(), source })?;
            for ending in [&b"\n"[..], b"\r"] {
                if bytes.ends_with(ending) {
                    bytes.pop();
                }
            }
            return Secret::checked(bytes, &path.display().to_string()).map(Some);
        }
        match std::env::var_os(SECRET_ENV) {
            Some(value) => Secret::checked(value.into_encoded_bytes(), SECRET_ENV).map(Some),
            None => Ok(None),
        }
    }

    /// A fresh random secret from the operating system, for a demo that has none configured.
    pub fn random() -> Result<Secret, SecretError> {
        let mut bytes = vec![0; Secret::MIN_LEN];
        getrandom::fill(&mut bytes).map_err(SecretError::Random)?;
        Ok(Secret(bytes))
    }

    fn mac(&self, signed: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(signed.as_bytes());
        mac
    }
}

/// Why a token is refused. None of these reveal which part of a forged token was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The token is not of the documented form.
    #[error("malformed token: {0}")]
    Malformed(Malformation),
    /// The signature is not the secret's MAC of the token: forged, altered, or another secret's.
    #[error("the token's signature does not match")]
    BadSignature,
    /// The token was valid until `expired_at`.
    #[error("the token expired at {expired_at} (Unix seconds)")]
    Expired {
        /// The token's expiry, in Unix seconds.
        expired_at: u64,
    },
}

/// What is wrong with the form of a [`TokenError::Malformed`] token.
///
/// Only the first two can be seen in a token this crate did not sign: the others are checked
/// after the signature, and guard against a careless signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Malformation {
    /// Not `userid.expiry.signature`.
    #[error("expected three parts")]
    Parts,
    /// The signature is not unpadded base64url.
    #[error("signature is not base64url")]
    SignatureEncoding,
    /// The expiry is not a decimal number.
    #[error("expiry is not a decimal number")]
    ExpiryNotDecimal,
    /// The expiry does not fit in 64 bits.
    #[error("expiry is out of range")]
    ExpiryOutOfRange,
    /// The userid is not unpadded base64url.
    #[error("userid is not base64url")]
    UseridEncoding,
    /// The userid's bytes are not UTF-8.
    #[error("userid is not UTF-8")]
    UseridNotUtf8,
    /// The userid is empty.
    #[error("userid is empty")]
    UseridEmpty,
}

/// A token that proves `userid` until `expires` (Unix seconds).
pub fn issue(secret: &Secret, userid: &str, expires: u64) -> String {
    let signed = format!("{}.{expires}", URL_SAFE_NO_PAD.encode(userid));
    let signature = URL_SAFE_NO_PAD.encode(secret.mac(&signed).finalize().into_bytes());
    format!("{signed}.{signature}")
}

/// The userid a token proves at time `now` (Unix seconds), or why it proves nothing.
///
/// The signature is checked before anything it covers is believed, so a forged token is
/// "bad signature" whatever its claimed expiry; a token is expired from its expiry second on.
pub fn verify(secret: &Secret, token: &str, now: u64) -> Result<String, TokenError> {
    let (signed, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed(Malformation::Parts))?;
    let (userid, expires) = signed.split_once('.').ok_or(TokenError::Malformed(Malformation::Parts))?;
    // The strict decoder refuses padding and non-zero trailing bits, so each signature has one
    // spelling.
    let signature =
        URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Malformed(Malformation::SignatureEncoding))?;
    secret.mac(signed).verify_slice(&signature).map_err(|_| TokenError::BadSignature)?;

    // Only tokens this code issued get here, so these checks guard against a careless signer.
    if expires.is_empty() || !expires.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TokenError::Malformed(Malformation::ExpiryNotDecimal));
    }
    let expires: u64 = expires.parse().map_err(|_| TokenError::Malformed(Malformation::ExpiryOutOfRange))?;
    let userid = URL_SAFE_NO_PAD.decode(userid).map_err(|_| TokenError::Malformed(Malformation::UseridEncoding))?;
    let userid = String::from_utf8(userid).map_err(|_| TokenError::Malformed(Malformation::UseridNotUtf8))?;
    if userid.is_empty() {
        return Err(TokenError::Malformed(Malformation::UseridEmpty));
    }
    if now >= expires {
        return Err(TokenError::Expired { expired_at: expires });
    }
    Ok(userid)
}

/// The current time in Unix seconds (0 if the clock is before 1970, which expires every token).
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn secret() -> Secret {
        Secret::new(b"an example secret of 32+ bytes..".to_vec()).unwrap()
    }

    #[test]
    fn the_format_is_the_documented_one() {
        // The signature as OpenSSL computes it, so that any back end can sign the same way:
        // printf 'c3RhZmYwMDE.1900000000' | openssl dgst -sha256 -hmac 'an example secret of 32+ bytes..' -binary | basenc --base64url
        assert_eq!(
            issue(&secret(), "staff001", 1_900_000_000),
            "c3RhZmYwMDE.1900000000.P2pzMBnN-DQZ81IAttQFv1O0VkTHm9M3XFBt-OyD_yA"
        );
    }

    #[test]
    fn a_valid_token_names_its_user_until_it_expires() {
        let token = issue(&secret(), "张三.zhang", 100);
        assert_eq!(verify(&secret(), &token, 99).unwrap(), "张三.zhang");
        assert_eq!(verify(&secret(), &token, 100), Err(TokenError::Expired { expired_at: 100 }));
        assert_eq!(verify(&secret(), &token, u64::MAX), Err(TokenError::Expired { expired_at: 100 }));
    }

    #[test]
    fn another_secret_refuses_it() {
        let token = issue(&secret(), "staff001", 100);
        let other = Secret::new(b"another example secret, 32 bytes".to_vec()).unwrap();
        assert_eq!(verify(&other, &token, 0), Err(TokenError::BadSignature));
    }

    #[test]
    fn a_forged_claim_is_a_bad_signature_even_when_it_claims_the_past() {
        let token = issue(&secret(), "staff001", 100);
        let signature = token.rsplit('.').next().unwrap();
        let forged = format!("{}.100.{signature}", URL_SAFE_NO_PAD.encode("exec001"));
        assert_eq!(verify(&secret(), &forged, 0), Err(TokenError::BadSignature));
        let later = format!("{}.999.{signature}", URL_SAFE_NO_PAD.encode("staff001"));
        assert_eq!(verify(&secret(), &later, 500), Err(TokenError::BadSignature));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for token in ["", "abc", "a.b", "a.1.!!!", "a.1.AAA=", "..", "a.1.b.c"] {
            assert!(
                matches!(verify(&secret(), token, 0), Err(TokenError::Malformed(_) | TokenError::BadSignature)),
                "{token:?}"
            );
        }
        assert_eq!(verify(&secret(), "", 0), Err(TokenError::Malformed(Malformation::Parts)));
    }

    #[test]
    fn a_signed_but_careless_claim_is_still_refused() {
        // What a back end that signs by hand could get wrong: every one is signed correctly.
        let sign =
            |signed: &str| format!("{signed}.{}", URL_SAFE_NO_PAD.encode(secret().mac(signed).finalize().into_bytes()));
        assert_eq!(
            verify(&secret(), &sign("c3RhZmYwMDE.-1"), 0),
            Err(TokenError::Malformed(Malformation::ExpiryNotDecimal))
        );
        assert_eq!(
            verify(&secret(), &sign("c3RhZmYwMDE.99999999999999999999"), 0),
            Err(TokenError::Malformed(Malformation::ExpiryOutOfRange))
        );
        assert_eq!(
            verify(&secret(), &sign("c3RhZmYwMDE=.5"), 0),
            Err(TokenError::Malformed(Malformation::UseridEncoding))
        );
        assert_eq!(verify(&secret(), &sign("_w.5"), 0), Err(TokenError::Malformed(Malformation::UseridNotUtf8)));
        assert_eq!(verify(&secret(), &sign(".5"), 0), Err(TokenError::Malformed(Malformation::UseridEmpty)));
    }

    #[test]
    fn short_secrets_are_refused_with_a_clear_error() {
        let err = Secret::new(vec![7; 31]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the secret: the secret is 31 bytes; at least 32 are needed (e.g. `openssl rand -hex 32`)"
        );
        assert!(Secret::new((32..64).collect()).is_ok());
        assert_eq!(format!("{:?}", Secret::new((32..72).collect()).unwrap()), "Secret(40 bytes)");
    }

    #[test]
    fn predictable_secrets_and_files_that_are_not_secrets_are_refused() {
        for (weak, bits) in [
            (vec![b'a'; 40], 0),
            (b"passwordpasswordpasswordpassword".to_vec(), 88),
            (b"changeme-changeme-changeme-changeme".to_vec(), 102),
        ] {
            let err = Secret::new(weak.clone()).unwrap_err().to_string();
            assert!(err.starts_with(&format!("the secret: the secret is too predictable (about {bits} bits")), "{err}");
        }
        let passwd = b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
        let err = Secret::new(passwd.to_vec()).unwrap_err().to_string();
        assert!(err.contains("the secret holds a line break — is this the right file?"), "{err}");
        let err = Secret::new((0..2000).map(|i| (i * 7 % 251) as u8).collect()).unwrap_err().to_string();
        assert!(err.contains("the secret is 2000 bytes — is this the right file?"), "{err}");
        // What the documentation suggests, and random bytes, pass.
        let hex: String = (0..32).map(|i| format!("{:02x}", (i * 89 + 17) % 256)).collect();
        assert!(Secret::estimated_bits(hex.as_bytes()) > 200, "{}", Secret::estimated_bits(hex.as_bytes()));
        assert!(Secret::new(hex.into_bytes()).is_ok());
        for _ in 0..200 {
            assert!(Secret::new(Secret::random().unwrap().0).is_ok());
        }
        // Random bytes that happen to hold a line break's byte are still a secret.
        let binary: Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(37).wrapping_add(3)).chain([b'\n', 0xff]).collect();
        assert!(Secret::new(binary).is_ok());
    }

    #[test]
    fn a_secret_file_loses_its_line_break_and_must_still_be_long_enough() {
        let dir = std::env::temp_dir().join(format!("tongxunlu-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        let text = "3f1c9a7be05d42e8b6a1c4f09d7e23b5";
        std::fs::write(&file, format!("{text}\r\n")).unwrap();
        let from_file = Secret::configured(Some(&file)).unwrap().unwrap();
        let by_hand = Secret::new(text.as_bytes().to_vec()).unwrap();
        assert_eq!(verify(&by_hand, &issue(&from_file, "a", 10), 0).unwrap(), "a");

        std::fs::write(&file, format!("{}\n", &text[..31])).unwrap();
        let err = Secret::configured(Some(&file)).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}: the secret is 31 bytes", file.display())), "{err}");
        let missing = dir.join("missing");
        assert!(Secret::configured(Some(&missing))
            .unwrap_err()
            .to_string()
            .starts_with(&missing.display().to_string()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn random_secrets_differ() {
        let (a, b) = (Secret::random().unwrap(), Secret::random().unwrap());
        assert_ne!(a.0, b.0);
        assert_eq!(a.0.len(), Secret::MIN_LEN);
    }

    proptest! {
        #[test]
        fn round_trip(userid in "\\PC{1,40}", expires in 1u64..=u64::MAX, before in any::<u64>()) {
            let now = before % expires;
            let token = issue(&secret(), &userid, expires);
            prop_assert_eq!(verify(&secret(), &token, now), Ok(userid));
        }

        #[test]
        fn any_change_to_any_byte_is_refused(userid in "[a-z0-9_.@-]{1,20}|\\PC{1,8}", at in any::<prop::sample::Index>(), to in any::<u8>()) {
            let token = issue(&secret(), &userid, u64::MAX);
            let mut bytes = token.clone().into_bytes();
            let at = at.index(bytes.len());
            prop_assume!(bytes[at] != to);
            bytes[at] = to;
            // A changed byte may no longer be UTF-8; a server would see it as some other string.
            let tampered = String::from_utf8_lossy(&bytes);
            prop_assert!(verify(&secret(), &tampered, 0).is_err(), "{} accepted as {}", tampered, token);
        }

        #[test]
        fn cut_or_extended_tokens_are_refused(userid in "[a-z0-9]{1,20}", keep in any::<prop::sample::Index>(), extra in "[A-Za-z0-9_.-]{1,4}") {
            let token = issue(&secret(), &userid, u64::MAX);
            let cut = &token[..keep.index(token.len())];
            prop_assert!(verify(&secret(), cut, 0).is_err());
            let extended = format!("{token}{extra}");
            prop_assert!(verify(&secret(), &extended, 0).is_err());
        }
    }
}
