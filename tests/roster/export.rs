//! Roster export (docs/roster.md): the whole directory or one subtree, in the template, and the round
//! trip export → edit → import in update mode, as named cases and as a property over sample
//! directories and random edits, through both .csv and .xlsx.

use std::collections::HashMap;

use calamine::{Data, Reader, Xlsx};
use proptest::prelude::*;
use serde_json::json;
use tongxunlu::model::{Directory, Member};
use tongxunlu::roster::{self, export, Format, Mode};
use tongxunlu::sample::{generate, Preset, SampleSpec};

use crate::util::*;

#[test]
fn a_subtree_export_lists_its_members_with_all_their_departments() {
    let dir = roster_company();
    let table = export::table(&dir, Some(2)).unwrap();
    assert_eq!(&table.header[..5], ["姓名", "账号", "别名", "职务", "部门"]);
    assert_eq!(table.rows.len(), 1, "only zhangsan is under 销售中心");
    assert_eq!(table.rows[0][1], "zhangsan");
    // Both departments: an update replaces a member's departments with the row's.
    assert_eq!(table.rows[0][4], "上海顺城物流有限公司->销售中心->华东大区;上海顺城物流有限公司->技术中心");
    assert_eq!(export::table(&roster_company(), Some(99)).unwrap_err().to_string(), "department 99 does not exist");
}

#[test]
fn the_template_columns_come_first_then_the_custom_attributes() {
    let dir = roster_company();
    let table = export::table(&dir, None).unwrap();
    assert_eq!(
        table.header,
        [
            "姓名",
            "账号",
            "别名",
            "职务",
            "部门",
            "性别",
            "手机",
            "座机",
            "邮箱",
            "微信号",
            "生日",
            "入职日期",
            "状态",
            "工号"
        ]
    );
    let zhangsan = &table.rows[0];
    assert_eq!((zhangsan[5].as_ref(), zhangsan[12].as_ref(), zhangsan[13].as_ref()), ("男", "启用", "000123"));
}

#[test]
fn a_custom_attribute_named_like_a_column_is_exported_with_a_prefix() {
    let mut dir = roster_company();
    dir.userlist[1].extattr.insert("手机".into(), "备用号".into());
    let table = export::table(&dir, None).unwrap();
    assert_eq!(table.header.last().unwrap(), "extattr:手机");
    let report =
        roster::import(&table.write(Format::Csv).unwrap(), Format::Csv, Some(dir.clone()), &options(Mode::Update))
            .unwrap();
    assert_eq!(report.directory, dir);
}

#[test]
fn a_department_name_holding_a_path_separator_is_refused_with_its_reason() {
    let mut dir = roster_company();
    dir.department[3].name = "技术;研发中心".into();
    let error = export::table(&dir, None).unwrap_err().to_string();
    assert_eq!(
        error,
        "member zhangsan: department 4 (\"技术;研发中心\") has ->, ; or ； in its name, which the 部门 column uses to \
         separate names; rename it to export"
    );
}

#[test]
fn two_departments_with_one_path_are_refused_rather_than_merged() {
    let mut value = serde_json::to_value(roster_company()).unwrap();
    value["department"].as_array_mut().unwrap().push(json!({"id": 5, "name": "技术中心", "parentid": 1, "order": 3}));
    let dir = Directory::from_value(value).unwrap();
    let error = export::table(&dir, None).unwrap_err().to_string();
    assert!(error.contains("has the same path as another department (上海顺城物流有限公司->技术中心)"), "{error}");
}

#[test]
fn an_exported_workbook_has_text_cells_below_an_instruction_line() {
    let bytes = export(&roster_company(), None, Format::Xlsx).unwrap();
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range("成员").unwrap();
    assert!(matches!(range.get_value((0, 0)), Some(Data::String(note)) if note.starts_with("填写说明")));
    assert_eq!(range.get_value((1, 1)), Some(&Data::String("账号".into())));
    // The mobile is a text cell, not a number that Excel would turn into 1.38001E+10.
    assert_eq!(range.get_value((2, 6)), Some(&Data::String("13800138000".into())));
}

#[test]
fn a_csv_export_starts_with_a_byte_order_mark_for_excel() {
    let bytes = export(&roster_company(), None, Format::Csv).unwrap();
    assert!(bytes.starts_with("\u{FEFF}姓名,账号,".as_bytes()));
}

fn sample(members: usize, seed: u64, preset: Preset) -> Directory {
    generate(&SampleSpec { members, seed, preset })
}

#[test]
fn export_then_update_import_changes_nothing() {
    for preset in [Preset::Company, Preset::School] {
        let dir = sample(400, 11, preset);
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = export(&dir, None, format).unwrap();
            let report = roster::import(&bytes, format, Some(dir.clone()), &options(Mode::Update)).unwrap();
            assert!(report.errors.is_empty(), "{:#?}", report.errors);
            assert_eq!((report.rows_read, report.unchanged, report.updated), (400, 400, 0));
            assert_eq!(report.directory, dir, "{preset:?} {format:?}");
        }
    }
}

#[test]
fn a_subtree_export_then_update_import_changes_nothing() {
    let dir = sample(400, 12, Preset::Company);
    let sales = dir.department.iter().find(|d| d.name == "销售中心").unwrap().id;
    let bytes = export(&dir, Some(sales), Format::Csv).unwrap();
    let report = roster::import(&bytes, Format::Csv, Some(dir.clone()), &options(Mode::Update)).unwrap();
    assert!(report.rows_read > 50 && report.rows_read < 400);
    assert_eq!(report.directory, dir);
}

/// A member's fields that the template carries, with departments as paths.
fn template_view(dir: &Directory, m: &Member) -> Member {
    let mut view = m.clone();
    view.department.clear();
    view.order.clear();
    // What the template does not carry.
    view.followed = None;
    view.pinned = false;
    view.hidden = false;
    view.visible_to = None;
    view.extra.clear();
    view.extra.insert("paths".into(), json!(paths_of(dir, &m.userid)));
    view
}

#[test]
fn export_then_import_into_nothing_rebuilds_the_members_and_the_tree() {
    let dir = sample(300, 13, Preset::School);
    for format in [Format::Csv, Format::Xlsx] {
        let report = roster::import(&export(&dir, None, format).unwrap(), format, None, &options(Mode::Add)).unwrap();
        assert!(report.errors.is_empty(), "{:#?}", report.errors);
        let rebuilt = &report.directory;
        assert_eq!(rebuilt.corp_name, dir.corp_name);
        for m in &dir.userlist {
            assert_eq!(template_view(rebuilt, member_of(rebuilt, &m.userid)), template_view(&dir, m));
        }
    }
}

/// One edit an administrator makes to an exported row.
#[derive(Debug, Clone)]
enum Edit {
    Name(String),
    Position(String),
    Mobile,
    Email,
    Gender(bool),
    Status(&'static str),
    Birthday(u16, u8, u8),
    Custom(String),
    MoveTo(usize),
    NewDepartment,
    /// Clears a cell of an optional column: the old value stays.
    Blank(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        "[\\p{Han}]{2,3}|[A-Z][a-z]{2,6} [A-Z][a-z]{2,6}".prop_map(Edit::Name),
        // Some begin as a spreadsheet formula would: a CSV export guards them, and the import
        // reads them back as they were.
        "[\\p{Han}]{2,6}|[=+@\\-][\\p{Han}A-Z0-9(),]{1,6}".prop_map(Edit::Position),
        Just(Edit::Mobile),
        Just(Edit::Email),
        any::<bool>().prop_map(Edit::Gender),
        prop::sample::select(vec!["启用", "禁用", "未关注", "离职"]).prop_map(Edit::Status),
        (1950u16..2010, 1u8..13, 1u8..29).prop_map(|(y, m, d)| Edit::Birthday(y, m, d)),
        "[A-Z0-9]{1,8}".prop_map(Edit::Custom),
        any::<usize>().prop_map(Edit::MoveTo),
        Just(Edit::NewDepartment),
        prop::sample::select(vec![0usize, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).prop_map(Edit::Blank),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Export, apply random edits to random rows, import in update mode: exactly the edits land.
    #[test]
    fn edited_exports_import_as_edited(
        seed in 0u64..10_000,
        school in any::<bool>(),
        xlsx in any::<bool>(),
        edits in prop::collection::vec((any::<usize>(), edit()), 0..16),
    ) {
        let dir = sample(150, seed, if school { Preset::School } else { Preset::Company });
        let format = if xlsx { Format::Xlsx } else { Format::Csv };
        let mut table = export::table(&dir, None).unwrap();
        let custom = table.header.len().checked_sub(1).filter(|&c| c > 12);
        let mut expected: HashMap<String, Member> = dir.userlist.iter().map(|m| (m.userid.clone(), template_view(&dir, m))).collect();
        let mut edited_rows = std::collections::HashSet::new();
        let mut new_departments = 0;
        for (k, (pick, edit)) in edits.into_iter().enumerate() {
            let row = pick % table.rows.len();
            if !edited_rows.insert(row) {
                continue; // one edit per row keeps the expectation simple
            }
            let cells = &mut table.rows[row];
            let want = expected.get_mut(cells[1].as_ref()).unwrap();
            match edit {
                Edit::Name(name) => { cells[0] = name.clone().into(); want.name = name; }
                Edit::Position(p) => { cells[3] = p.clone().into(); want.position = Some(p); }
                Edit::Mobile => {
                    // 162 is not a prefix the sample hands out, so the number is new.
                    let mobile = format!("+86 162 {k:04} {row:04}");
                    cells[6] = mobile.clone().into();
                    want.mobile = Some(mobile);
                }
                Edit::Email => { cells[8] = format!("edited{k}@example.org").into(); want.email = Some(cells[8].to_string()); }
                Edit::Gender(male) => {
                    cells[5] = if male { "男" } else { "女" }.into();
                    want.gender = if male { tongxunlu::model::Gender::Male } else { tongxunlu::model::Gender::Female };
                }
                Edit::Status(word) => {
                    cells[12] = word.into();
                    want.status = roster::template::status_from_word(word).unwrap();
                }
                Edit::Birthday(y, m, d) => {
                    cells[10] = format!("{y}/{m}/{d}").into();
                    want.birthday = Some(format!("{y:04}-{m:02}-{d:02}"));
                }
                Edit::Custom(value) => {
                    let Some(col) = custom else { continue };
                    cells[col] = value.clone().into();
                    want.extattr.insert(table.header[col].clone(), value);
                }
                Edit::MoveTo(pick) => {
                    let target = &dir.department[pick % dir.department.len()];
                    cells[4] = path(&dir, target.id).into();
                    want.extra.insert("paths".into(), json!([cells[4]]));
                }
                Edit::NewDepartment => {
                    cells[4] = format!("{}->新部门{k}", dir.corp_name).into();
                    want.extra.insert("paths".into(), json!([cells[4]]));
                    new_departments += 1;
                }
                Edit::Blank(col) => cells[col] = "".into(),
            }
        }

        let bytes = table.write(format).unwrap();
        let report = roster::import(&bytes, format, Some(dir.clone()), &options(Mode::Update)).unwrap();
        prop_assert!(report.errors.is_empty(), "{:#?}", report.errors);
        prop_assert_eq!(report.departments_created, new_departments);
        prop_assert_eq!(report.updated + report.unchanged, dir.userlist.len());
        prop_assert!(report.updated <= edited_rows.len());
        let result = &report.directory;
        prop_assert_eq!(result.userlist.len(), dir.userlist.len());
        for m in &result.userlist {
            prop_assert_eq!(&template_view(result, m), &expected[&m.userid]);
            let before = member_of(&dir, &m.userid);
            // What the template does not carry is untouched, and a member keeps its sort number
            // in each department it stays in.
            prop_assert_eq!((m.pinned, m.hidden, &m.visible_to, &m.extra), (before.pinned, before.hidden, &before.visible_to, &before.extra));
            for &d in &m.department {
                if before.department.contains(&d) {
                    prop_assert_eq!(m.order_in(d), before.order_in(d));
                }
            }
        }
    }
}

/// A CSV cell that begins with `=`, `+`, `-` or `@` would run as a formula when an administrator
/// opens the export in a spreadsheet: it is written after an apostrophe, and importing the file
/// reads it back as it was. The `.xlsx` export types its cells as text and needs no guard.
#[test]
fn a_csv_export_guards_cells_that_spreadsheets_would_run_as_formulas() {
    let mut dir = sample(40, 3, Preset::Company);
    let hostile = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1:A9)"];
    for (m, position) in dir.userlist.iter_mut().zip(hostile) {
        m.position = Some(position.to_owned());
    }
    dir.userlist[4].mobile = Some("+8613912345678".to_owned());
    let bytes = export(&dir, None, Format::Csv).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let cells: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{FEFF}').as_bytes())
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    for cell in &cells {
        assert!(!cell.starts_with(['=', '+', '-', '@']), "an unguarded cell: {cell:?}");
    }
    for position in hostile {
        assert!(cells.contains(&format!("'{position}")), "{position} is not guarded");
    }
    assert!(cells.contains(&"'+8613912345678".to_owned()));
    for format in [Format::Csv, Format::Xlsx] {
        let bytes = export(&dir, None, format).unwrap();
        let report = roster::import(&bytes, format, Some(dir.clone()), &options(Mode::Update)).unwrap();
        assert!(report.errors.is_empty(), "{:#?}", report.errors);
        assert_eq!(report.directory, dir, "{format:?}");
    }
}
