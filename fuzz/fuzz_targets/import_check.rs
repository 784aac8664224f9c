//! What the roster import's fuzz targets check of any input (docs/roster.md: every row either lands or
//! comes back with its reason; never a panic, a hang or a silently dropped row).
//!
//! The bytes are imported three ways — into a new directory, added to a small directory, and as
//! an update of it — and each outcome must be a file-level error or a report in which every row
//! read was imported, updated, left unchanged or refused with at least one reason, whose
//! directory validates, and whose errors file writes and imports again without a panic.

use tongxunlu::model::Directory;
use tongxunlu::roster::{self, Format, ImportOptions, Mode, RosterError};

pub fn check(bytes: &[u8], format: Format) {
    let runs = [
        (None, ImportOptions { mode: Mode::Add, corp_name: Some("模糊测试公司".into()) }),
        (Some(directory()), ImportOptions { mode: Mode::Add, corp_name: None }),
        (Some(directory()), ImportOptions { mode: Mode::Update, corp_name: None }),
    ];
    for (into, options) in runs {
        let report = match roster::import(bytes, format, into, &options) {
            Ok(report) => report,
            Err(e) => {
                assert!(!e.to_string().is_empty() && !matches!(e, RosterError::Invalid(_)), "{e}");
                continue;
            }
        };
        assert!(report.directory.validate().is_ok());
        assert_eq!(
            report.rows_read,
            report.imported + report.updated + report.unchanged + report.errors.len(),
            "a row was neither applied nor reported"
        );
        assert!(report.errors.iter().all(|e| !e.problems.is_empty()));
        let errors = report.errors_table().write(Format::Csv).expect("a table always writes as CSV");
        let again = ImportOptions { mode: Mode::Update, corp_name: None };
        if let Err(e) = roster::import(&errors, Format::Csv, Some(report.directory), &again) {
            assert!(!matches!(e, RosterError::Invalid(_)), "{e}");
        }
    }
}

/// A small directory with a nested department, as the "into" of an import.
fn directory() -> Directory {
    Directory::from_json(
        r#"{"corp_name": "模糊测试公司",
            "department": [{"id": 1, "name": "模糊测试公司", "parentid": 0},
                           {"id": 2, "name": "销售部", "parentid": 1, "order": 1},
                           {"id": 3, "name": "华东", "parentid": 2, "order": 1}],
            "userlist": [{"userid": "zhangsan", "name": "张三", "department": [3], "mobile": "13800138000",
                          "email": "zs@example.com", "extattr": {"工号": "001"}}]}"#,
    )
    .expect("a valid directory")
}
