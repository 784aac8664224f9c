//! The command-line interface (docs/cli.md): argument parsing, and one function per command that
//! calls the library and prints. It sits on top of the library and nothing in the library
//! depends on it.
//!
//! Every failure is an [`Error`]: the library's errors as they are, said to be about a file
//! where the library did not know the file, and the CLI's own (a file that cannot be read, a
//! command that partly failed). `main` prints it as one line on stderr and exits with 1.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use tongxunlu::card::{CardError, Format};
use tongxunlu::model::{Directory, DirectoryError};
use tongxunlu::roster::RosterError;
use tongxunlu::sample::{self, Preset, SampleSpec};
use tongxunlu::snapshot::signature::{PublicKey, SignatureError, SigningKey};
use tongxunlu::snapshot::{self, Snapshot, SnapshotError};
use tongxunlu::token::SecretError;
use tongxunlu::visibility::{Organisation, ViewError};

mod card;
mod delta;
mod inspect;
mod roster;
mod search;
mod serve;
mod signing;

#[derive(Parser)]
#[command(name = "tongxunlu", version, about = "Contact-directory engine for Chinese organisations")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a realistic synthetic directory.
    Sample {
        #[command(flatten)]
        sample: SampleArgs,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Build the snapshot one viewer may see.
    Snapshot {
        directory: PathBuf,
        /// The viewer's account.
        #[arg(long)]
        viewer: String,
        #[arg(short, long)]
        output: PathBuf,
        /// Sign the snapshot with this Ed25519 private key (PKCS#8 PEM, as `keygen` writes).
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
    },
    /// Print what a snapshot holds, and each section's size raw and compressed.
    Inspect {
        snapshot: PathBuf,
        /// Refuse the snapshot unless this Ed25519 public key (base64, as `keygen` prints it)
        /// signed it.
        #[arg(long, value_name = "KEY", value_parser = PublicKey::from_base64)]
        public_key: Option<PublicKey>,
        /// Everything as one JSON object: stats, the sections' sizes, departments, members with
        /// every field present, groups.
        #[arg(long)]
        json: bool,
        /// Also give each section's size compressed with brotli (quality 11): slow, minutes at
        /// 200,000 members.
        #[arg(long)]
        brotli: bool,
    },
    /// Make the patch that turns one snapshot into another, check it, and say how much of the
    /// new one a page holding the old one fetches.
    Delta {
        old: PathBuf,
        new: PathBuf,
        /// Write the patch to this file.
        #[arg(short, long, value_name = "PATCH.txd")]
        output: Option<PathBuf>,
        /// The figures as one JSON object.
        #[arg(long)]
        json: bool,
        /// Compress with brotli (quality 11) instead of gzip -9: slow, minutes at 200,000 members.
        #[arg(long)]
        brotli: bool,
    },
    /// Read a roster (.xlsx/.csv template, or WeChat Work API data) into a directory file.
    Import(roster::ImportArgs),
    /// Write a directory, or one department's subtree, as the roster template (.xlsx/.csv).
    Export(roster::ExportArgs),
    /// Find members, departments and groups by name, pinyin, initials, phone digits, account…
    Search {
        snapshot: PathBuf,
        query: String,
        /// How many results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// How many results to skip (paging).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Search as this member (an account) does: among equally good matches, colleagues
        /// closer to them in the organisation come first.
        #[arg(long, value_name = "ACCOUNT")]
        viewer: Option<String>,
        /// One JSON object per result line.
        #[arg(long)]
        json: bool,
    },
    /// Print the mixed query set of the benchmarks as JSON lines `{kind, query, expect, answers,
    /// viewer, department}`: what people type to find every N-th member of a snapshot, who should
    /// be found, the colleague who asks, and the department a department query names.
    Queries {
        snapshot: PathBuf,
        /// Ask for every N-th member.
        #[arg(long, default_value_t = 97)]
        every: usize,
    },
    /// Print a member's business card as the snapshot's viewer may see it; optionally write its
    /// QR code as SVG.
    Card {
        snapshot: PathBuf,
        /// The member's account.
        userid: String,
        /// Also write the card's QR code to this SVG file.
        #[arg(long, value_name = "OUT.svg")]
        qr: Option<PathBuf>,
        /// `vcard` (vCard 3.0, what phones import) or `mecard` (denser, for a smaller QR code).
        #[arg(long, default_value = "vcard")]
        format: Format,
    },
    /// Serve the page, the browser package and each signed-in viewer's snapshot over HTTP.
    Serve(serve::ServeArgs),
    /// Print a viewer token for USERID, signed with the secret `serve` checks.
    Token(serve::TokenArgs),
    /// Write a new Ed25519 key for signing snapshots (PKCS#8 PEM, owner-only) and print its
    /// public key, for the page's `signingKey`.
    Keygen {
        /// The new key file; an existing file is never overwritten.
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// Which synthetic directory: `sample`'s, and `serve`'s built-in one when it is given no file.
#[derive(Args, Clone, Copy)]
#[group(id = "sample_spec", multiple = true)]
struct SampleArgs {
    /// How many members (resigned ones included), at most a million.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    members: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// What kind of organisation.
    #[arg(long, value_enum, default_value_t = Kind::Company)]
    kind: Kind,
}

impl SampleArgs {
    fn spec(&self) -> SampleSpec {
        let preset = match self.kind {
            Kind::Company => Preset::Company,
            Kind::School => Preset::School,
        };
        // At most a million: clap checked it.
        SampleSpec { members: self.members as usize, seed: self.seed, preset }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Company,
    School,
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// Printing the result failed (a reader that stops early, as `| head` does, is not a failure).
    #[error("writing to standard output: {0}")]
    Stdout(#[source] io::Error),
    /// A library error about one file, which the library did not know the name of.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: Box<Error>,
    },
    /// A directory file that does not validate.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// A snapshot file that cannot be opened.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// A viewer who may not see the directory.
    #[error(transparent)]
    View(#[from] ViewError),
    /// A roster, or WeChat Work data, that cannot be read or written as a whole.
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// A business card that cannot be made.
    #[error(transparent)]
    Card(#[from] CardError),
    /// No usable token secret.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// A signing key that cannot be had, or a snapshot whose signature is refused.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The operating system gave no random bytes for a new key.
    #[error("the operating system's random source failed: {0}")]
    Random(#[source] getrandom::Error),
    /// A member's card is too long for a QR code.
    #[error("{userid}: {source}")]
    Qr {
        /// The member's account.
        userid: String,
        /// Why there is no QR code.
        #[source]
        source: CardError,
    },
    /// `serve` cannot listen on its address.
    #[error("cannot listen on {addr}: {source} (pick another address with --addr, e.g. `make demo PORT=8081`)")]
    Listen {
        /// The address asked for.
        addr: String,
        /// Why the server could not listen there.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `serve` could not start the threads it answers on.
    #[error("cannot start the server's threads: {0}")]
    Threads(#[source] io::Error),
    /// The patch `delta` made does not give the new snapshot back: a bug in the differ.
    #[error("the patch from {} to {} does not give the new file back{}", old.display(), new.display(),
            source.as_ref().map_or_else(String::new, |e| format!(": {e}")))]
    BadPatch {
        /// The old snapshot.
        old: PathBuf,
        /// The new snapshot.
        new: PathBuf,
        /// Why applying it failed, if it did; None when it made other bytes.
        #[source]
        source: Option<tongxunlu::snapshot::delta::DeltaError>,
    },
    /// An input that is not a regular file: a device such as `/dev/zero` would be read until
    /// memory runs out, and a pipe without a writer would wait for ever.
    #[error("{}: not a regular file (a device, a pipe or a folder); give a file", path.display())]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
    /// An input larger than any the command reads.
    #[error("{}: {bytes} bytes; files over {} MiB are not read", path.display(), MAX_INPUT_BYTES >> 20)]
    InputTooLarge {
        /// The path given.
        path: PathBuf,
        /// Its size.
        bytes: u64,
    },
    /// An output that is one of the command's inputs: writing it would destroy the input.
    #[error("{}: this is the input file; write the output to another file", path.display())]
    OutputIsInput {
        /// The output path given.
        path: PathBuf,
    },
    /// `serve --demo` was given a directory file: the demo serves only the built-in sample.
    #[error("--demo serves only the built-in sample (choose it with --members, --seed and --kind): leave out {}; a real directory must never be open to whoever asks", path.display())]
    DemoDirectory {
        /// The file given.
        path: PathBuf,
    },
    /// `serve --demo` was given a secret: the demo signs with one of its own.
    #[error("--demo signs its tokens with a random secret of its own: leave out --secret-file")]
    DemoSecret,
    /// `search --viewer` named an account the snapshot does not hold.
    #[error("{}: no member has the account {account:?} (--viewer names the member searching)", path.display())]
    ViewerNotInSnapshot {
        /// The snapshot searched.
        path: PathBuf,
        /// The account given.
        account: String,
    },
    /// `import` was given neither a roster nor WeChat Work data.
    #[error("give a roster file, or --wecom-departments and --wecom-users")]
    NoImportInput,
    /// Some rows of an import were refused; the others were imported and written.
    #[error("{input}: {refused} of {read} rows were not imported{}", if .refused < .read { " (the others were)" } else { "" })]
    RowsRefused {
        /// The roster, as named on the command line.
        input: String,
        /// How many rows were refused.
        refused: usize,
        /// How many rows were read.
        read: usize,
    },
}

impl Error {
    /// `error`, said to be about the file at `path`.
    fn in_file(path: &Path, error: impl Into<Error>) -> Error {
        Error::File { path: path.to_owned(), source: Box::new(error.into()) }
    }

    /// An I/O error on the file at `path`.
    fn io(path: &Path, source: io::Error) -> Error {
        Error::Io { path: path.to_owned(), source }
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Parses the command line and runs the command.
pub fn run() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Sample { sample, output } => sample_command(&sample.spec(), &output),
        Command::Snapshot { directory, viewer, output, signing_key } => {
            snapshot_command(&directory, &viewer, &output, signing_key.as_deref())
        }
        Command::Inspect { snapshot, json, brotli, public_key } => {
            inspect::inspect_command(&snapshot, json, brotli, public_key.as_ref())
        }
        Command::Delta { old, new, output, json, brotli } => {
            delta::delta_command(&old, &new, output.as_deref(), json, brotli)
        }
        Command::Import(args) => roster::import_command(&args),
        Command::Export(args) => roster::export_command(&args),
        Command::Search { snapshot, query, limit, offset, viewer, json } => {
            let options = tongxunlu::search::SearchOptions { limit, offset, viewer, ..Default::default() };
            search::search_command(&snapshot, &query, options, json)
        }
        Command::Queries { snapshot, every } => search::queries_command(&snapshot, every),
        Command::Card { snapshot, userid, qr, format } => card::card_command(&snapshot, &userid, qr.as_deref(), format),
        Command::Serve(args) => serve::serve_command(&args),
        Command::Token(args) => serve::token_command(&args),
        Command::Keygen { output } => signing::keygen_command(&output),
    }
}

fn sample_command(spec: &SampleSpec, output: &Path) -> Result<()> {
    let directory = sample::generate(spec);
    write(output, directory.to_json_pretty().as_bytes())?;
    eprintln!(
        "wrote {}: {} members, {} departments, {} groups",
        output.display(),
        directory.userlist.len(),
        directory.department.len(),
        directory.group.len()
    );
    Ok(())
}

fn snapshot_command(directory: &Path, viewer: &str, output: &Path, signing_key: Option<&Path>) -> Result<()> {
    refuse_overwriting(output, &[directory])?;
    // The key first: a wrong path should not cost a build.
    let key = signing_key.map(SigningKey::read_pem_file).transpose()?;
    let directory = read_directory(directory)?;
    let organisation = Organisation::new(&directory);
    let view = organisation.view(viewer)?;
    let built = snapshot::build(&directory, &view);
    let class_key = built.class_key_hex();
    let signed = key.as_ref().map(|key| format!("; signed, key id {}", key.public_key().key_id())).unwrap_or_default();
    let bytes = signing::signed(built.bytes, key.as_ref());
    write(output, &bytes)?;
    let gzipped = gzip(&bytes, flate2::Compression::best()).len();
    println!(
        "wrote {}: {} bytes ({} gzipped, {:.1} bytes per member gzipped), {} members, {} departments; class key {}{signed}",
        output.display(),
        bytes.len(),
        gzipped,
        gzipped as f64 / view.members.len().max(1) as f64,
        view.members.len(),
        view.departments.len(),
        class_key,
    );
    Ok(())
}

/// The outcome of printing to stdout; a reader that stops early (`| head`) is not an error.
pub(super) fn finish_output(printed: std::io::Result<()>) -> Result<()> {
    match printed {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(Error::Stdout),
    }
}

fn read_directory(path: &Path) -> Result<Directory> {
    let text = read_text(path)?;
    Directory::from_json(&text).map_err(|e| Error::in_file(path, e))
}

fn read_snapshot(path: &Path) -> Result<Snapshot> {
    open_snapshot(path, read(path)?)
}

/// Opens the bytes read from `path`; an error names the file.
fn open_snapshot(path: &Path, bytes: Vec<u8>) -> Result<Snapshot> {
    Snapshot::open(bytes).map_err(|e| Error::in_file(path, e))
}

/// The largest input file a command reads: well above a directory of a million members or its
/// snapshot, well below what would exhaust a server's memory.
const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Reads an input file: a regular file (see [`Error::NotAFile`]) of at most [`MAX_INPUT_BYTES`],
/// both checked before anything is read.
fn read(path: &Path) -> Result<Vec<u8>> {
    read_at_most(path, MAX_INPUT_BYTES)
}

/// [`read`] with another size limit; one over it answers `too_large(its size)`.
fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let metadata = fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !metadata.is_file() {
        return Err(Error::NotAFile { path: path.to_owned() });
    }
    if metadata.len() > limit {
        return Err(Error::InputTooLarge { path: path.to_owned(), bytes: metadata.len() });
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // A file that grows while it is read is still read no further than the limit.
    fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes)).map_err(|e| Error::io(path, e))?;
    Ok(bytes)
}

/// Reads an input text file as [`read`] does. A byte-order mark at its start, which Windows
/// Notepad writes, is not part of the text.
fn read_text(path: &Path) -> Result<String> {
    let bytes = read(path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::io(path, io::Error::new(io::ErrorKind::InvalidData, format!("not UTF-8 text ({})", e.utf8_error())))
    })?;
    Ok(match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// Refuses an output path that is one of `inputs`, the same file by another name or link
/// included.
fn refuse_overwriting(output: &Path, inputs: &[&Path]) -> Result<()> {
    if inputs.iter().any(|&input| same_file(output, input)) {
        return Err(Error::OutputIsInput { path: output.to_owned() });
    }
    Ok(())
}

/// Whether both paths exist and are one file.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        matches!((fs::metadata(a), fs::metadata(b)), (Ok(x), Ok(y)) if (x.dev(), x.ino()) == (y.dev(), y.ino()))
    }
    #[cfg(not(unix))]
    {
        matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// `bytes` gzipped at `level`: the best level for the size `snapshot` reports, the default one
/// where `serve` compresses while a viewer waits.
fn gzip(bytes: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 2), level);
    encoder.write_all(bytes).expect("writing to memory cannot fail");
    encoder.finish().expect("writing to memory cannot fail")
}

/// `bytes` compressed by brotli at `quality` (0–11) with a 16 MiB window, what the `brotli`
/// command uses for a file that large and the most a browser is asked to keep.
fn brotli(bytes: &[u8], quality: i32) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams { quality, lgwin: 24, size_hint: bytes.len(), ..Default::default() };
    let mut out = Vec::with_capacity(bytes.len() / 2);
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory cannot fail");
    out
}
