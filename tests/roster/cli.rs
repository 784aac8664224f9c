//! `tongxunlu import` and `tongxunlu export` as a user runs them (docs/cli.md): the summary, the exit
//! code, the directory and errors files written, and one-line errors for bad input.

use std::path::Path;
use std::process::{Command, Output};

use tongxunlu::model::Directory;

use crate::util::workdir;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongxunlu")).current_dir(dir).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read_directory(path: &Path) -> Directory {
    Directory::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn import_prints_a_summary_writes_the_good_rows_and_the_bad_ones_to_fix() {
    let dir = workdir("roster_cli", "summary");
    std::fs::write(
        dir.join("roster.csv"),
        "姓名,账号,手机,部门\n王五,wangwu,13700137000,示例公司->技术部\n赵六,zhaoliu,1.36E+10,示例公司->销售部\n",
    )
    .unwrap();
    let out = run(&dir, &["import", "roster.csv", "-o", "dir.json", "--errors", "errors.csv"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.starts_with(
            "roster.csv (CSV (UTF-8)): 2 rows read: 1 imported, 0 updated, 0 unchanged, 1 errors; 1 departments created\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("wrote dir.json: 1 members, 2 departments"), "{stdout}");
    assert!(stdout.contains("wrote errors.csv: 1 rows to fix and import again"), "{stdout}");
    let stderr_lines: Vec<&str> = stderr.lines().collect();
    assert!(stderr_lines[0].starts_with("row 3, column C (手机): \"1.36E+10\" is a number in scientific notation"));
    assert_eq!(
        stderr_lines.last().unwrap(),
        &"tongxunlu: error: roster.csv: 1 of 2 rows were not imported (the others were)"
    );
    assert_eq!(read_directory(&dir.join("dir.json")).userlist[0].userid, "wangwu");
    let errors = std::fs::read_to_string(dir.join("errors.csv")).unwrap();
    assert!(errors
        .starts_with("\u{FEFF}姓名,账号,手机,部门,错误原因\n赵六,zhaoliu,1.36E+10,示例公司->销售部,\"row 3: C (手机)"));

    // Fixed, the errors file imports into the directory just written.
    std::fs::write(dir.join("errors.csv"), errors.replace("1.36E+10", "13600136000")).unwrap();
    let out = run(&dir, &["import", "errors.csv", "--into", "dir.json", "-o", "dir.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(read_directory(&dir.join("dir.json")).userlist.len(), 2);
}

#[test]
fn an_import_that_refuses_every_row_does_not_say_others_were_imported() {
    let dir = workdir("roster_cli", "all_refused");
    std::fs::write(dir.join("roster.csv"), "姓名,账号,手机\n赵六,zhaoliu,1.36E+10\n钱七,,13700137000\n").unwrap();
    let out = run(&dir, &["import", "roster.csv", "-o", "dir.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr).lines().last(), Some("tongxunlu: error: roster.csv: 2 of 2 rows were not imported"));
}

#[test]
fn export_edit_and_import_with_update_through_the_cli() {
    let dir = workdir("roster_cli", "update");
    assert!(run(&dir, &["sample", "--members", "300", "--seed", "5", "-o", "dir.json"]).status.success());
    let out = run(&dir, &["export", "dir.json", "-o", "roster.xlsx"]);
    assert_eq!(text(&out.stdout), "wrote roster.xlsx: 300 members\n");
    let out = run(&dir, &["import", "roster.xlsx", "--into", "dir.json", "--update", "-o", "back.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("300 rows read: 0 imported, 0 updated, 300 unchanged, 0 errors"));
    assert_eq!(std::fs::read(dir.join("dir.json")).unwrap(), std::fs::read(dir.join("back.json")).unwrap());
}

#[test]
fn bad_input_is_one_line_and_a_non_zero_exit() {
    let dir = workdir("roster_cli", "bad");
    let big = std::fs::File::create(dir.join("big.csv")).unwrap();
    big.set_len(11 * 1024 * 1024).unwrap();
    std::fs::write(dir.join("roster.ods"), "x").unwrap();
    // Excel's own limit for a cell is 32,767 characters: a roster's cell past it is no name.
    std::fs::write(dir.join("long.csv"), format!("姓名,账号\n张三,{}\n", "长".repeat(40_000))).unwrap();
    for (args, expected) in [
        (
            &["import", "long.csv", "-o", "dir.json"][..],
            "tongxunlu: error: long.csv: CSV row 2, column B: a cell of 40000 characters; a spreadsheet cell holds at most 32767\n",
        ),
        (
            &["import", "big.csv", "-o", "dir.json"][..],
            "tongxunlu: error: big.csv: the file is 11.0 MB; a roster may be at most 10 MB (10485760 bytes): split it into several files\n",
        ),
        (&["import", "roster.ods", "-o", "dir.json"][..], "tongxunlu: error: roster.ods: expected a .xlsx or .csv file\n"),
        (&["export", "missing.json", "-o", "r.csv"][..], "tongxunlu: error: missing.json: No such file or directory (os error 2)\n"),
    ] {
        let out = run(&dir, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr), expected);
    }
    // --update without --into is refused by the argument parser.
    let out = run(&dir, &["import", "big.csv", "--update", "-o", "dir.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("dir.json").exists());
}

#[test]
fn wecom_data_imports_through_the_cli() {
    let dir = workdir("roster_cli", "wecom");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/roster");
    let departments = data.join("wecom_department_list.json");
    let users = data.join("wecom_user_list.json");
    let out = run(
        &dir,
        &[
            "import",
            "--wecom-departments",
            departments.to_str().unwrap(),
            "--wecom-users",
            users.to_str().unwrap(),
            "-o",
            "dir.json",
            "--errors",
            "errors.xlsx",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("(WeChat Work data): 7 rows read: 4 imported"), "{stdout}");
    assert!(stdout.contains("note: department 2 (技术中心)"), "{stdout}");
    assert_eq!(read_directory(&dir.join("dir.json")).userlist.len(), 4);
    assert!(dir.join("errors.xlsx").exists());
}
