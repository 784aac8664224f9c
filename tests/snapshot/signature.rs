//! Signed snapshots (docs/snapshot.md#signature, src/snapshot/signature.rs): the block is the
//! documented 80 bytes and its signature is RFC 8032's Ed25519 (checked against the RFC's test
//! vectors and, where it is installed, against openssl); any one byte changed, in the snapshot or
//! in its block, is refused by `verify`, another key's signature is told apart from an
//! alteration; the opener takes a well-formed block off a signed file and reads the same records,
//! and refuses a damaged block as bytes after the end; key files are the PKCS#8 PEM openssl
//! reads and writes, and their errors name the file.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use proptest::prelude::*;
use sha2::{Digest, Sha256};
use tongxunlu::snapshot::signature::{
    self, KeyId, PublicKey, SignatureError, SigningKey, BLOCK_LEN, SIGNATURE_LEN, SIGNATURE_MAGIC,
};
use tongxunlu::snapshot::{Snapshot, SnapshotError};

use super::assemble::*;
use super::*;
use crate::util::workdir;

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// RFC 8032 §7.1, tests 1 and 2: (secret key, public key, message, signature).
const RFC8032: [(&str, &str, &str, &str); 2] = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
];

/// RFC 8410 §10.3: an Ed25519 private key as PKCS#8 PEM ...
const RFC8410_PRIVATE_KEY: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
";
/// ... and §10.1 its public key: the last 32 bytes of `MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=`.
const RFC8410_PUBLIC_KEY: &str = "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=";

fn key(n: u8) -> SigningKey {
    SigningKey::from_seed([n; 32])
}

/// The key id by its definition: the first 8 bytes of the SHA-256 of the public key.
fn key_id_of(public: &[u8]) -> KeyId {
    KeyId(Sha256::digest(public)[..8].try_into().unwrap())
}

/// The first base snapshot signed with [`key`]`(1)`, built once for the property below.
fn signed_base() -> &'static Vec<u8> {
    static SIGNED: OnceLock<Vec<u8>> = OnceLock::new();
    SIGNED.get_or_init(|| signature::sign(&base(0).bytes, &key(1)))
}

#[test]
fn signing_appends_the_documented_block_with_rfc_8032_signatures() {
    for (seed, public, message, expected) in RFC8032 {
        let key = SigningKey::from_seed(unhex(seed).try_into().unwrap());
        assert_eq!(key.public_key().to_bytes().to_vec(), unhex(public));
        let message = unhex(message);
        let signed = signature::sign(&message, &key);
        let mut block = unhex(expected);
        block.extend_from_slice(&Sha256::digest(unhex(public))[..8]);
        block.extend_from_slice(b"TXLSIGN1");
        assert_eq!(signed, [message.clone(), block].concat(), "{seed}");
        assert_eq!(signature::sign(&message, &key), signed, "deterministic");
        assert_eq!(signature::verify(&signed, &key.public_key()).unwrap(), &message[..]);
        let (body, block) = signature::split(&signed).unwrap();
        assert_eq!(body, &message[..]);
        assert_eq!(block.unwrap().key_id, key_id_of(&unhex(public)));
        assert_eq!(block.unwrap().signature.to_vec(), unhex(expected));
    }
    assert_eq!(BLOCK_LEN, 80);
    assert_eq!(SIGNATURE_MAGIC, *b"TXLSIGN1");
}

#[test]
fn a_signed_snapshot_verifies_and_opens_to_the_same_records() {
    let key = key(1);
    for b in bases() {
        let signed = signature::sign(&b.bytes, &key);
        assert_eq!(signed.len(), b.bytes.len() + BLOCK_LEN);
        assert_eq!(signature::verify(&signed, &key.public_key()).unwrap(), &b.bytes[..], "{}", b.what);
        let opened = Snapshot::open(signed.clone()).unwrap_or_else(|e| panic!("{}: {e}", b.what));
        assert_eq!(opened.as_bytes(), &b.bytes[..], "{}: the block is not part of the snapshot", b.what);
        assert_eq!(read_everything(&opened, true), b.contents, "{}", b.what);
        // Opening does not verify: the signature is for whoever holds the key.
        let mut forged = signed.clone();
        forged[b.bytes.len()] ^= 1;
        assert!(Snapshot::open(forged.clone()).is_ok(), "{}", b.what);
        assert!(matches!(signature::verify(&forged, &key.public_key()), Err(SignatureError::Invalid)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any one byte changed, anywhere in the snapshot or its block, is refused by `verify` —
    /// and the error says which part: the signed bytes or the signature (invalid), the key id
    /// (another key), the magic (no block at all).
    #[test]
    fn one_byte_changed_anywhere_is_refused(at in 0..signed_base().len(), flip in 1..=255u8) {
        let good = signed_base();
        let mut bytes = good.clone();
        bytes[at] ^= flip;
        let body_len = good.len() - BLOCK_LEN;
        let public = key(1).public_key();
        let e = signature::verify(&bytes, &public).unwrap_err();
        if at < body_len + SIGNATURE_LEN {
            prop_assert!(matches!(e, SignatureError::Invalid), "{at}: {e}");
        } else if at < body_len + SIGNATURE_LEN + 8 {
            let other = matches!(e, SignatureError::OtherKey { expected, found } if expected == public.key_id() && found != expected);
            prop_assert!(other, "{at}: {e}");
        } else {
            prop_assert!(matches!(e, SignatureError::Missing), "{at}: {e}");
        }
        prop_assert!(!e.to_string().is_empty() && !e.to_string().contains('\n'));
    }
}

#[test]
fn another_keys_signature_is_told_apart_from_an_alteration() {
    let (ours, theirs) = (key(1), key(2));
    let signed = signature::sign(&base(0).bytes, &theirs);
    let e = signature::verify(&signed, &ours.public_key()).unwrap_err();
    let (expected, found) = (ours.public_key().key_id(), theirs.public_key().key_id());
    assert!(matches!(e, SignatureError::OtherKey { expected: x, found: f } if x == expected && f == found));
    assert_eq!(e.to_string(), format!("signed by another key (key id {found}; the key given has id {expected})"));
    assert_eq!(found.to_string().len(), 16);
    // Their signature under our key id is not ours: an alteration.
    let mut relabelled = signed.clone();
    let at = relabelled.len() - 16;
    relabelled[at..at + 8].copy_from_slice(&expected.0);
    let e = signature::verify(&relabelled, &ours.public_key()).unwrap_err();
    assert!(matches!(e, SignatureError::Invalid));
    assert_eq!(e.to_string(), "invalid signature: the bytes were altered after they were signed");
}

#[test]
fn unsigned_bytes_and_cut_blocks_are_refused_by_verify() {
    let public = key(1).public_key();
    let e = signature::verify(&base(0).bytes, &public).unwrap_err();
    assert!(matches!(e, SignatureError::Missing));
    assert!(e.to_string().starts_with("not signed: no signature block at the end"));
    // The magic with less than a block before it.
    let signed = signed_base();
    for len in [8, 9, BLOCK_LEN - 1] {
        let tail = &signed[signed.len() - len..];
        assert!(matches!(signature::split(tail), Err(SignatureError::TruncatedBlock { len: l }) if l == len));
        let e = signature::verify(tail, &public).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "malformed signature block: the bytes end in TXLSIGN1 but are only {len} long, less than a block (80)"
            )
        );
    }
    // Exactly a block: a signature of nothing, which is not the signature of these bytes.
    assert!(matches!(signature::split(&signed[signed.len() - BLOCK_LEN..]), Ok((b"", Some(_)))));
}

#[test]
fn the_opener_refuses_a_damaged_block_as_bytes_after_the_end() {
    let good = &base(0).bytes;
    let signed = signed_base();
    let block = &signed[good.len()..];
    let trailing = |bytes: Vec<u8>, what: &str| {
        let e = Snapshot::open(bytes.clone()).unwrap_err();
        assert_eq!(e, SnapshotError::TrailingBytes { length: bytes.len(), expected: good.len() }, "{what}");
        assert_eq!(
            message(&e),
            format!("snapshot has {} unexpected bytes after its end at byte {}", bytes.len() - good.len(), good.len())
        );
    };
    trailing(signed[..signed.len() - 1].to_vec(), "a block cut at its end");
    trailing([&good[..], &block[1..]].concat(), "a block cut at its start");
    let mut wrong_magic = signed.clone();
    *wrong_magic.last_mut().unwrap() = b'2';
    trailing(wrong_magic, "TXLSIGN2");
    for garbage in [&[0u8][..], b"\n", block] {
        trailing([&signed[..], garbage].concat(), "bytes after the block");
    }
    trailing(signature::sign(signed, &key(2)), "signed twice");
}

/// The opener takes a block off by the header's length, not by the magic alone: an unsigned
/// snapshot that happens to end in `TXLSIGN1` is read whole.
#[test]
fn an_unsigned_snapshot_that_ends_in_the_magic_opens_whole() {
    let mut sections = sections_of(&base(0).bytes);
    sections.push((*b"XTRA", [&[0x42; BLOCK_LEN][..], &SIGNATURE_MAGIC].concat()));
    let bytes = assemble(&sections);
    assert!(bytes.ends_with(b"TXLSIGN1"));
    let opened = Snapshot::open(bytes.clone()).unwrap();
    assert_eq!(opened.as_bytes(), &bytes[..]);
    // The same records (the first line, the header's figures, differs: `assemble` writes its own
    // class key and etag).
    let records = |contents: &str| contents.split_once('\n').unwrap().1.to_owned();
    assert_eq!(records(&read_everything(&opened, true)), records(&base(0).contents));
    let signed = signature::sign(&bytes, &key(1));
    assert_eq!(Snapshot::open(signed).unwrap().as_bytes(), &bytes[..]);
}

#[test]
fn public_keys_are_base64_of_32_bytes_that_are_a_strong_point() {
    let public = key(3).public_key();
    let text = public.to_base64();
    assert_eq!(text.len(), 44);
    assert_eq!(PublicKey::from_base64(&format!(" {text}\n")).unwrap(), public);
    assert_eq!(public.key_id(), key_id_of(&public.to_bytes()));
    for (bad, detail) in [
        ("not base64!", "not standard base64"),
        (&text[..43], "not standard base64"),
        ("AAAA", "base64 of 32 bytes expected"),
        // The identity point: of small order, it would "verify" forged signatures.
        ("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "a weak key (of small order)"),
    ] {
        let e = PublicKey::from_base64(bad).unwrap_err();
        assert_eq!(e.to_string(), format!("not an Ed25519 public key: {detail}"), "{bad}");
    }
}

#[test]
fn the_rfc_8410_private_key_loads_and_is_written_back_byte_for_byte() {
    let dir = workdir("signature", "rfc8410");
    let path = dir.join("key.pem");
    std::fs::write(&path, RFC8410_PRIVATE_KEY).unwrap();
    let key = SigningKey::read_pem_file(&path).unwrap();
    assert_eq!(key.public_key().to_base64(), RFC8410_PUBLIC_KEY);
    let copy = dir.join("copy.pem");
    key.write_new_pem_file(&copy).unwrap();
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), RFC8410_PRIVATE_KEY);
    assert_eq!(format!("{key:?}"), format!("SigningKey(key id {})", key.public_key().key_id()), "no key material");
}

#[test]
fn a_new_key_file_is_for_its_owner_only_and_never_overwritten() {
    let dir = workdir("signature", "new");
    let path = dir.join("key.pem");
    let key = key(4);
    key.write_new_pem_file(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n") && text.ends_with("-----END PRIVATE KEY-----\n"));
    assert_eq!(SigningKey::read_pem_file(&path).unwrap().public_key(), key.public_key());

    let e = SigningKey::from_seed([5; 32]).write_new_pem_file(&path).unwrap_err();
    assert!(
        matches!(&e, SignatureError::KeyFile { path: p, source } if p == &path && source.kind() == std::io::ErrorKind::AlreadyExists)
    );
    assert!(e.to_string().starts_with(&format!("{}: ", path.display())), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "the existing key is untouched");
}

#[test]
fn key_file_errors_name_the_file() {
    let dir = workdir("signature", "errors");
    let missing = dir.join("no-such-key.pem");
    let e = SigningKey::read_pem_file(&missing).unwrap_err();
    assert!(matches!(&e, SignatureError::KeyFile { path, .. } if path == &missing));
    assert!(e.to_string().starts_with(&format!("{}: No such file", missing.display())), "{e}");

    let cases = [
        ("empty.pem", String::new()),
        ("text.pem", "not a key\n".to_owned()),
        ("public.pem", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n".to_owned()),
        // An X25519 key (RFC 8410 §10.3's, relabelled): PKCS#8, but not Ed25519.
        ("x25519.pem", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n".to_owned()),
        ("cut.pem", RFC8410_PRIVATE_KEY.replace("VhC\n", "\n")),
    ];
    for (name, text) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let e = SigningKey::read_pem_file(&path).unwrap_err();
        assert!(matches!(&e, SignatureError::KeyFormat { path: p, .. } if p == &path), "{name}: {e}");
        let prefix = format!("{}: not an Ed25519 private key in PKCS#8 PEM", path.display());
        assert!(e.to_string().starts_with(&prefix), "{e}");
    }
}

/// Where openssl is installed: its keys load, its Ed25519 signatures are ours byte for byte,
/// and it reads the keys this crate writes.
#[test]
fn openssl_and_this_crate_read_each_others_keys_and_sign_alike() {
    let openssl = |args: &[&str]| Command::new("openssl").args(args).output();
    if openssl(&["version"]).map_or(true, |out| !out.status.success()) {
        eprintln!("openssl is not installed: skipped (the RFC 8410 vector above covers the format)");
        return;
    }
    let run = |args: &[&str]| {
        let out = openssl(args).unwrap();
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let dir = workdir("signature", "openssl");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let body = &base(0).bytes;
    std::fs::write(path("body"), body).unwrap();

    run(&["genpkey", "-algorithm", "ed25519", "-out", &path("theirs.pem")]);
    let theirs = SigningKey::read_pem_file(Path::new(&path("theirs.pem"))).unwrap();
    let public_der = run(&["pkey", "-in", &path("theirs.pem"), "-pubout", "-outform", "DER"]);
    assert_eq!(theirs.public_key().to_bytes(), public_der[public_der.len() - 32..]);
    let their_signature = run(&["pkeyutl", "-sign", "-rawin", "-inkey", &path("theirs.pem"), "-in", &path("body")]);
    let signed = signature::sign(body, &theirs);
    assert_eq!(&signed[body.len()..body.len() + SIGNATURE_LEN], &their_signature[..]);

    let ours = key(6);
    ours.write_new_pem_file(Path::new(&path("ours.pem"))).unwrap();
    let rewritten = run(&["pkey", "-in", &path("ours.pem")]);
    assert_eq!(rewritten, std::fs::read(path("ours.pem")).unwrap(), "openssl writes the same PEM back");
    let public_der = run(&["pkey", "-in", &path("ours.pem"), "-pubout", "-outform", "DER"]);
    assert_eq!(ours.public_key().to_bytes(), public_der[public_der.len() - 32..]);
}
