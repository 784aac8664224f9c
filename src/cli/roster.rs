//! `tongxunlu import` and `tongxunlu export` (docs/cli.md): the roster template in and out.
//!
//! Import prints a one-line summary (rows read, imported, updated, departments created, errors)
//! and the first bad rows; it writes the directory even when some rows are bad — the good rows
//! are imported — and then exits non-zero, so a script notices. `--errors` writes every bad row
//! back as a template with a reason column.

use std::path::{Path, PathBuf};

use clap::Args;

use tongxunlu::model::DepartmentId;
use tongxunlu::roster::{self, Format, ImportOptions, ImportReport, Mode, Organisation, PLACEHOLDER_ORGANISATION};

use super::{read_at_most, read_directory, read_text, refuse_overwriting, write, Error, Result};

/// How many bad rows the summary prints; `--errors` writes them all.
const PRINTED_ERRORS: usize = 20;

#[derive(Args)]
pub struct ImportArgs {
    /// The roster: the batch-import template as .xlsx or .csv (UTF-8 or GBK), at most 10 MB.
    #[arg(required_unless_present = "wecom_departments")]
    roster: Option<PathBuf>,
    /// Import into this directory file instead of starting a new one.
    #[arg(long)]
    into: Option<PathBuf>,
    /// Update the members whose account is already in --into (blank cells keep the old value).
    #[arg(long, requires = "into")]
    update: bool,
    /// The organisation's name, when starting a new directory and the 部门 paths do not say it.
    #[arg(long, conflicts_with = "into")]
    corp_name: Option<String>,
    /// Instead of a roster: WeChat Work's department/list response (JSON).
    #[arg(long, conflicts_with_all = ["roster", "into", "corp_name"], requires = "wecom_users")]
    wecom_departments: Option<PathBuf>,
    /// WeChat Work's user/list response (JSON); repeat for several.
    #[arg(long, requires = "wecom_departments")]
    wecom_users: Vec<PathBuf>,
    /// The directory file to write.
    #[arg(short, long)]
    output: PathBuf,
    /// Write the bad rows here (.xlsx or .csv), with a reason column, to fix and import again.
    #[arg(long)]
    errors: Option<PathBuf>,
}

#[derive(Args)]
pub struct ExportArgs {
    directory: PathBuf,
    /// Export only this department's subtree.
    #[arg(long)]
    department: Option<DepartmentId>,
    /// The roster to write: .xlsx or .csv.
    #[arg(short, long)]
    output: PathBuf,
}

pub fn import_command(args: &ImportArgs) -> Result<()> {
    // The directory imported into may be written over (an update in place); the files read
    // from may not.
    let inputs: Vec<&Path> =
        args.roster.iter().chain(&args.wecom_departments).chain(&args.wecom_users).map(|p| p.as_path()).collect();
    refuse_overwriting(&args.output, &inputs)?;
    if let Some(errors) = &args.errors {
        refuse_overwriting(errors, &inputs)?;
    }
    let errors_format = args.errors.as_deref().map(Format::from_path).transpose()?;
    let (input, report) = match (&args.roster, &args.wecom_departments) {
        (Some(roster), _) => (roster.display().to_string(), import_roster(roster, args)?),
        (None, Some(departments)) => (departments.display().to_string(), import_wecom(departments, &args.wecom_users)?),
        (None, None) => return Err(Error::NoImportInput),
    };
    write(&args.output, report.directory.to_json_pretty().as_bytes())?;
    print_summary(&input, &report, &args.output);
    if let (Some(path), Some(format)) = (&args.errors, errors_format) {
        let bytes = report.errors_table().write(format).map_err(|e| Error::in_file(path, e))?;
        write(path, &bytes)?;
        println!("wrote {}: {} rows to fix and import again", path.display(), report.errors.len());
    }
    if report.errors.is_empty() {
        Ok(())
    } else {
        Err(Error::RowsRefused { input, refused: report.errors.len(), read: report.rows_read })
    }
}

fn import_roster(path: &Path, args: &ImportArgs) -> Result<ImportReport> {
    let format = Format::from_path(path)?;
    let bytes = read_limited(path)?;
    let into = args.into.as_deref().map(read_directory).transpose()?;
    let options =
        ImportOptions { mode: if args.update { Mode::Update } else { Mode::Add }, corp_name: args.corp_name.clone() };
    roster::import(&bytes, format, into, &options).map_err(|e| Error::in_file(path, e))
}

fn import_wecom(departments: &Path, users: &[PathBuf]) -> Result<ImportReport> {
    let read = |path: &Path| read_text(path);
    let department_list = read(departments)?;
    let user_lists: Vec<(String, String)> =
        users.iter().map(|p| Ok((p.display().to_string(), read(p)?))).collect::<Result<_>>()?;
    let user_lists: Vec<(&str, &str)> = user_lists.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    Ok(roster::import_wecom(&department_list, &user_lists)?)
}

/// Reads a roster, refusing one over the roster size limit before reading it.
fn read_limited(path: &Path) -> Result<Vec<u8>> {
    read_at_most(path, roster::MAX_BYTES as u64).map_err(|e| match e {
        Error::InputTooLarge { bytes, .. } => Error::in_file(path, roster::RosterError::TooLarge { bytes }),
        other => other,
    })
}

fn print_summary(input: &str, report: &ImportReport, output: &Path) {
    println!(
        "{input} ({}): {} rows read: {} imported, {} updated, {} unchanged, {} errors; {} departments created",
        report.source,
        report.rows_read,
        report.imported,
        report.updated,
        report.unchanged,
        report.errors.len(),
        report.departments_created
    );
    if !report.custom_columns.is_empty() {
        println!("custom attribute columns: {}", report.custom_columns.join(", "));
    }
    for note in &report.notes {
        println!("note: {note}");
    }
    if report.organisation == Organisation::Placeholder {
        println!(
            "note: the 部门 paths do not all start with one name, so the organisation (the root department) is \
             named \"{PLACEHOLDER_ORGANISATION}\"; to name it, import again with --corp-name NAME, or rename it in \
             {} (corp_name and the name of department {})",
            output.display(),
            report.directory.root().map_or(1, |d| d.id)
        );
    }
    for error in report.errors.iter().take(PRINTED_ERRORS) {
        eprintln!("{error}");
    }
    if report.errors.len() > PRINTED_ERRORS {
        eprintln!("… and {} more bad rows (write them all with --errors FILE)", report.errors.len() - PRINTED_ERRORS);
    }
    println!(
        "wrote {}: {} members, {} departments",
        output.display(),
        report.directory.userlist.len(),
        report.directory.department.len()
    );
}

pub fn export_command(args: &ExportArgs) -> Result<()> {
    let format = Format::from_path(&args.output)?;
    refuse_overwriting(&args.output, &[&args.directory])?;
    let directory = read_directory(&args.directory)?;
    let table = roster::export::table(&directory, args.department).map_err(|e| Error::in_file(&args.directory, e))?;
    write(&args.output, &table.write(format).map_err(|e| Error::in_file(&args.output, e))?)?;
    println!("wrote {}: {} members", args.output.display(), table.rows.len());
    Ok(())
}
