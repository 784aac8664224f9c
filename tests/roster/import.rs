//! Roster import (docs/roster.md): one named case per rule — the template's columns and header row,
//! department paths, the mobile-number pitfalls, the seed's member rules, update mode, row-level
//! errors and the errors file, encodings and limits — and WeChat Work's API data.

use tongxunlu::model::{Gender, Status};
use tongxunlu::roster::{self, import_wecom, Format, ImportOptions, Mode, Place, MAX_BYTES};

use crate::util::*;

const HEADER: &str = "姓名,账号,手机,邮箱,部门";

fn csv(rows: &[&str]) -> String {
    let mut text = HEADER.to_owned();
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    text
}

// ---- the template: columns, header row, paths --------------------------------------------------

#[test]
fn headers_in_chinese_and_english_name_the_same_fields() {
    let chinese = "姓名,帐号,手机号码,邮箱,所在部门,职位,性别,座机,微信号,生日,入职日期,状态,别名\n\
                   王五,wangwu,13700137000,ww@example.com,上海顺城物流有限公司->技术中心,工程师,男,021-61234567,wangwu-wx,1990-03-08,2016-04-25,禁用,Will\n";
    let english = "Name,UserID,Mobile,Email,Department,Position,Gender,Telephone,WeChat,Birthday,Hire Date,Status,Alias\n\
                   王五,wangwu,13700137000,ww@example.com,上海顺城物流有限公司->技术中心,工程师,male,021-61234567,wangwu-wx,1990-03-08,2016-04-25,disabled,Will\n";
    let a = import_csv(chinese, Some(roster_company()), Mode::Add);
    let b = import_csv(english, Some(roster_company()), Mode::Add);
    assert!(a.errors.is_empty() && b.errors.is_empty(), "{:#?}{:#?}", a.errors, b.errors);
    assert_eq!(a.directory, b.directory);
    let m = member_of(&a.directory, "wangwu");
    assert_eq!((m.gender, m.status), (Gender::Male, Status::Disabled));
    assert_eq!(m.telephone.as_deref(), Some("021-61234567"));
    assert_eq!((m.birthday.as_deref(), m.hire_date.as_deref()), (Some("1990-03-08"), Some("2016-04-25")));
    assert_eq!((m.alias.as_deref(), m.weixin_id.as_deref()), (Some("Will"), Some("wangwu-wx")));
}

#[test]
fn the_header_row_is_found_below_instruction_rows_and_rows_keep_their_sheet_numbers() {
    let workbook = xlsx(
        Some("填写说明：姓名、账号、部门必填"),
        &[
            vec![t("（以上为说明，请勿删除）")],
            vec![t("姓名*"), t("账号*"), t("手机"), t("部门*")],
            vec![t("王五"), t("wangwu"), t("13700137000"), t("技术中心")],
            vec![t("赵六"), t("zhaoliu"), t("12345"), t("技术中心")],
        ],
    );
    let report = roster::import(&workbook, Format::Xlsx, Some(roster_company()), &options(Mode::Add)).unwrap();
    assert_eq!(report.source, "sheet Sheet1");
    assert_eq!((report.rows_read, report.imported), (2, 1));
    // Row 1 is the merged note, row 2 the remark, row 3 the header: the bad row is row 5.
    assert_problem(&report, 5, Some("C (手机)"), "has 5 digits");
}

#[test]
fn no_header_row_is_a_file_error_that_lists_the_columns() {
    let message = refused("名字,电话号码\n张三,1\n".as_bytes(), Format::Csv);
    assert!(message.contains("no header row") && message.contains("姓名, 账号"), "{message}");
}

#[test]
fn two_columns_for_one_field_refuse_the_file() {
    let message = refused("姓名,账号,手机,手机号码\n".as_bytes(), Format::Csv);
    assert_eq!(
        message,
        "CSV (UTF-8): header row 1: columns C (手机) and D (手机号码) hold the same field; keep one of them"
    );
}

#[test]
fn unknown_headers_become_custom_attributes_and_are_listed() {
    let report = import_csv(
        "姓名,账号,手机,部门,工号,extattr:手机,地址\n王五,wangwu,13700137000,技术中心,007,备用,上海\n",
        Some(roster_company()),
        Mode::Add,
    );
    assert_eq!(report.custom_columns, ["工号", "手机", "地址"]);
    let extattr: Vec<(&str, &str)> =
        member_of(&report.directory, "wangwu").extattr.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(extattr, [("工号", "007"), ("手机", "备用"), ("地址", "上海")]);
}

#[test]
fn a_value_under_a_column_without_header_is_an_error_not_ignored() {
    let report = import_csv(&csv(&["王五,wangwu,13700137000,,技术中心,,stray"]), Some(roster_company()), Mode::Add);
    assert_problem(&report, 2, Some("G"), "has a value but the column has no header");
    assert_eq!(report.imported, 0);
}

#[test]
fn department_paths_use_arrows_and_either_semicolon() {
    let report = import_csv(
        &csv(&["王五,wangwu,13700137000,,销售中心->华东大区;技术中心；上海顺城物流有限公司->销售中心->华南大区"]),
        Some(roster_company()),
        Mode::Add,
    );
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(
        paths_of(&report.directory, "wangwu"),
        [
            "上海顺城物流有限公司->销售中心->华东大区",
            "上海顺城物流有限公司->技术中心",
            "上海顺城物流有限公司->销售中心->华南大区"
        ]
    );
}

#[test]
fn the_first_path_element_may_or_may_not_be_the_organisation() {
    let report = import_csv(
        &csv(&["王五,wangwu,13700137000,,上海顺城物流有限公司->技术中心", "赵六,zhaoliu,13600136000,,技术中心"]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_eq!(report.departments_created, 0);
    assert_eq!(paths_of(&report.directory, "wangwu"), paths_of(&report.directory, "zhaoliu"));
}

#[test]
fn missing_departments_are_created_in_the_order_the_file_names_them() {
    let report = import_csv(
        &csv(&[
            "王五,wangwu,13700137000,,技术中心->前端组",
            "赵六,zhaoliu,13600136000,,物流中心->一号仓;技术中心->后端组",
            "钱七,qianqi,13500135000,,物流中心->一号仓",
        ]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_eq!(report.departments_created, 4);
    let created: Vec<(u32, String, u32)> =
        report.directory.department[4..].iter().map(|d| (d.id, path(&report.directory, d.id), d.order)).collect();
    assert_eq!(
        created,
        [
            (5, "上海顺城物流有限公司->技术中心->前端组".into(), 1),
            (6, "上海顺城物流有限公司->物流中心".into(), 3),
            (7, "上海顺城物流有限公司->物流中心->一号仓".into(), 1),
            (8, "上海顺城物流有限公司->技术中心->后端组".into(), 2),
        ]
    );
}

#[test]
fn a_refused_row_creates_no_department() {
    let report = import_csv(&csv(&["王五,wangwu,12,,新部门->新小组"]), Some(roster_company()), Mode::Add);
    assert_eq!((report.imported, report.departments_created, report.directory.department.len()), (0, 0, 4));
}

#[test]
fn department_names_are_at_most_50_latin_or_25_cjk_characters() {
    let cjk25 = "部".repeat(25);
    let cjk26 = "部".repeat(26);
    let latin50 = "d".repeat(50);
    let latin51 = "d".repeat(51);
    let report = import_csv(
        &csv(&[
            &format!("甲,a1,13700137001,,{cjk25}"),
            &format!("乙,a2,13700137002,,{cjk26}"),
            &format!("丙,a3,13700137003,,{latin50}"),
            &format!("丁,a4,13700137004,,技术中心->{latin51}"),
            "戊,a5,13700137005,,技术中心->->前端组",
        ]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_eq!(report.imported, 2);
    assert_problem(&report, 3, Some("E (部门)"), "is too long (52 of at most 50 units");
    assert_problem(&report, 5, Some("E (部门)"), "is too long (51 of at most 50 units");
    assert_problem(&report, 6, Some("E (部门)"), "has an empty level");
}

#[test]
fn the_organisation_comes_from_the_paths_or_from_corp_name() {
    let rows = csv(&["王五,wangwu,13700137000,,示例学校->教师组", "赵六,zhaoliu,13600136000,,示例学校"]);
    let report = import_csv(&rows, None, Mode::Add);
    assert_eq!(report.directory.corp_name, "示例学校");
    assert_eq!(paths_of(&report.directory, "zhaoliu"), ["示例学校"]);

    // Paths that do not name the organisation: it gets a placeholder name, and the report says so.
    let one_level = csv(&["王五,wangwu,13700137000,,教师组", "赵六,zhaoliu,13600136000,,班级组"]);
    let report = roster::import(one_level.as_bytes(), Format::Csv, None, &options(Mode::Add)).unwrap();
    assert_eq!(report.directory.corp_name, roster::PLACEHOLDER_ORGANISATION);
    assert_eq!(report.organisation, roster::Organisation::Placeholder);
    assert_eq!(paths_of(&report.directory, "wangwu"), [format!("{}->教师组", roster::PLACEHOLDER_ORGANISATION)]);
    let named = ImportOptions { mode: Mode::Add, corp_name: Some("示例学校".into()) };
    let report = roster::import(one_level.as_bytes(), Format::Csv, None, &named).unwrap();
    assert_eq!(paths_of(&report.directory, "wangwu"), ["示例学校->教师组"]);
}

// ---- the mobile-number pitfalls ----------------------------------------------------------------

#[test]
fn a_mobile_that_excel_turned_into_a_number_is_an_error_that_says_so() {
    let workbook = xlsx(
        None,
        &[
            vec![t("姓名"), t("账号"), t("手机"), t("座机"), t("部门")],
            vec![t("王五"), t("wangwu"), X::Number(13700137000.0), X::Blank, t("技术中心")],
            vec![t("赵六"), t("zhaoliu"), t("13600136000"), X::Number(2161234567.0), t("技术中心")],
            vec![t("钱七"), t("qianqi"), t("13500135000"), t("021-61234567"), t("技术中心")],
        ],
    );
    let report = roster::import(&workbook, Format::Xlsx, Some(roster_company()), &options(Mode::Add)).unwrap();
    assert_eq!(report.imported, 1);
    assert_problem(&report, 2, Some("C (手机)"), "is a number cell (13700137000), not text");
    assert_problem(&report, 2, Some("C (手机)"), "1.37001E+10");
    assert_problem(&report, 3, Some("D (座机)"), "drops leading zeros");
    // The errors file writes the number out in full, as text, ready to be checked.
    assert_eq!(error_at(&report, 2).cells[2], "13700137000");
}

#[test]
fn a_mobile_in_scientific_notation_is_an_error_that_says_so() {
    let report = import_csv(
        &csv(&["王五,wangwu,1.38001380E10,,技术中心", "赵六,zhaoliu,1.37E+10,,技术中心"]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_problem(&report, 2, Some("C (手机)"), "\"1.38001380E10\" is a number in scientific notation");
    assert_problem(&report, 3, Some("C (手机)"), "its last digits are lost");
}

#[test]
fn a_mobile_that_lost_a_digit_is_an_error_that_says_so() {
    let report = import_csv(
        &csv(&["王五,wangwu,1380013800,,技术中心", "赵六,zhaoliu,13600136000.0,,技术中心"]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_problem(&report, 2, Some("C (手机)"), "\"1380013800\" has 10 digits (was a digit lost?)");
    assert_problem(&report, 3, Some("C (手机)"), "is written as a decimal number");
}

#[test]
fn a_mobile_with_plus86_spaces_or_a_country_code_is_kept_as_written() {
    let report = import_csv(
        &csv(&["王五,wangwu,+86 137 0013 7000,,技术中心", "赵六,zhaoliu,+852 9123 4567,,技术中心"]),
        Some(roster_company()),
        Mode::Add,
    );
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(member_of(&report.directory, "wangwu").mobile.as_deref(), Some("+86 137 0013 7000"));
    assert_eq!(member_of(&report.directory, "zhaoliu").mobile.as_deref(), Some("+852 9123 4567"));
}

#[test]
fn a_mobile_or_email_another_member_has_is_an_error() {
    let report = import_csv(
        &csv(&[
            // lisi's number, written without +86 and spaces.
            "王五,wangwu,13900139000,,技术中心",
            "赵六,zhaoliu,13600136000,ZhangSan@Example.com,技术中心",
            "钱七,qianqi,13500135000,,技术中心",
            "孙八,sunba,+86 135 0013 5000,,技术中心",
        ]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_problem(&report, 2, Some("C (手机)"), "is already used by lisi");
    assert_problem(&report, 3, Some("D (邮箱)"), "is already used by zhangsan");
    assert_problem(&report, 5, Some("C (手机)"), "is already used by qianqi");
    assert_eq!(report.imported, 1);
}

// ---- the seed's member rules -------------------------------------------------------------------

#[test]
fn an_account_is_letters_digits_and_underscore_hyphen_dot_at() {
    let report = import_csv(
        &csv(&[
            "甲,zhang.san-01_x@corp,13700137001,,技术中心",
            "乙,zhang san,13700137002,,技术中心",
            "丙,-zhang,13700137003,,技术中心",
            "丁,zhang三,13700137004,,技术中心",
            "戊,,13700137005,,技术中心",
        ]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_eq!(report.imported, 1);
    assert_problem(&report, 3, Some("B (账号)"), "contains ' '; only letters, digits and _ - . @ are allowed");
    assert_problem(&report, 4, Some("B (账号)"), "must start with a letter or digit");
    assert_problem(&report, 5, Some("B (账号)"), "contains '三'");
    assert_problem(&report, 6, Some("B (账号)"), "is empty: every row needs the member's account");
}

#[test]
fn an_account_twice_in_one_file_is_an_error_on_the_second_row() {
    let report = import_csv(
        &csv(&["王五,wangwu,13700137000,,技术中心", "王五二,wangwu,13600136000,,技术中心"]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_problem(&report, 3, Some("B (账号)"), "\"wangwu\" is also on row 2");
    assert_eq!(member_of(&report.directory, "wangwu").name, "王五");
}

#[test]
fn a_wechat_id_is_never_all_digits() {
    let report = import_csv(
        "姓名,账号,微信号,部门\n王五,wangwu,12345678,技术中心\n赵六,zhaoliu,zhaoliu_88,技术中心\n",
        Some(roster_company()),
        Mode::Add,
    );
    assert_eq!(report.imported, 1);
    assert_problem(&report, 2, Some("C (微信号)"), "is all digits; a WeChat id never is");
}

#[test]
fn a_member_needs_a_wechat_id_a_mobile_or_an_email() {
    let report = import_csv(
        "姓名,账号,微信号,手机,邮箱,部门\n王五,wangwu,,,,技术中心\n赵六,zhaoliu,,,zl@example.com,技术中心\n",
        Some(roster_company()),
        Mode::Add,
    );
    assert_eq!(report.imported, 1);
    assert_problem(&report, 2, Some("C (微信号), D (手机), E (邮箱)"), "at least one is required");
}

#[test]
fn a_new_member_needs_a_name_and_a_department() {
    let report =
        import_csv(&csv(&[",wangwu,13700137000,,", "赵六,zhaoliu,13600136000,,"]), Some(roster_company()), Mode::Add);
    assert_problem(&report, 2, Some("A (姓名)"), "name is empty");
    assert_problem(&report, 2, Some("E (部门)"), "department is empty");
    assert_problem(&report, 3, Some("E (部门)"), "department is empty");
}

#[test]
fn full_width_characters_and_stray_spaces_are_read_as_written_in_ascii() {
    let report = import_csv(
        &csv(&["\u{3000}王五 ,ｗａｎｇｗｕ ,１３７００１３７０００,ｗｗ＠ｅｘａｍｐｌｅ．ｃｏｍ, 技术中心 "]),
        Some(roster_company()),
        Mode::Add,
    );
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let m = member_of(&report.directory, "wangwu");
    assert_eq!(
        (m.name.as_str(), m.mobile.as_deref(), m.email.as_deref()),
        ("王五", Some("13700137000"), Some("ww@example.com"))
    );
    assert_eq!(paths_of(&report.directory, "wangwu"), ["上海顺城物流有限公司->技术中心"]);
}

#[test]
fn dates_are_read_from_date_cells_and_text_and_a_number_is_an_error() {
    let workbook = xlsx(
        None,
        &[
            vec![t("姓名"), t("账号"), t("手机"), t("部门"), t("生日"), t("入职日期")],
            vec![t("王五"), t("wangwu"), t("13700137000"), t("技术中心"), X::Date(1990, 3, 8), t("2016/4/25")],
            vec![t("赵六"), t("zhaoliu"), t("13600136000"), t("技术中心"), X::Number(32940.0), t("2016-02-30")],
        ],
    );
    let report = roster::import(&workbook, Format::Xlsx, Some(roster_company()), &options(Mode::Add)).unwrap();
    let m = member_of(&report.directory, "wangwu");
    assert_eq!((m.birthday.as_deref(), m.hire_date.as_deref()), (Some("1990-03-08"), Some("2016-04-25")));
    assert_problem(&report, 3, Some("E (生日)"), "is a number (32940), not a date");
    assert_problem(&report, 3, Some("F (入职日期)"), "hire_date \"2016-02-30\" is not a date");
}

#[test]
fn gender_and_status_are_read_in_words_or_codes() {
    let report = import_csv(
        "姓名,账号,手机,部门,性别,状态\n\
         甲,a1,13700137001,技术中心,女,离职\n\
         乙,a2,13700137002,技术中心,1,4\n\
         丙,a3,13700137003,技术中心,未知,启用\n\
         丁,a4,13700137004,技术中心,男士,在\n",
        Some(roster_company()),
        Mode::Add,
    );
    let dir = &report.directory;
    assert_eq!((member_of(dir, "a1").gender, member_of(dir, "a1").status), (Gender::Female, Status::Resigned));
    assert_eq!((member_of(dir, "a2").gender, member_of(dir, "a2").status), (Gender::Male, Status::NotFollowed));
    assert_eq!((member_of(dir, "a3").gender, member_of(dir, "a3").status), (Gender::Unknown, Status::Active));
    assert_problem(&report, 5, Some("E (性别)"), "\"男士\" is not a gender");
    assert_problem(&report, 5, Some("F (状态)"), "\"在\" is not a status");
}

// ---- rows, errors and the errors file -----------------------------------------------------------

#[test]
fn good_rows_are_imported_and_every_bad_row_comes_back_with_every_reason() {
    let report = import_csv(
        &csv(&[
            "王五,wangwu,13700137000,,技术中心",
            "赵六,-zhaoliu,1.38E+10,bad-email,技术中心",
            "钱七,qianqi,13500135000,,技术中心",
        ]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_eq!((report.rows_read, report.imported, report.errors.len()), (3, 2, 1));
    let error = error_at(&report, 3);
    assert_eq!(
        error.to_string().lines().collect::<Vec<_>>(),
        [
            "row 3, column C (手机): \"1.38E+10\" is a number in scientific notation, as a spreadsheet shows a long \
             number: its last digits are lost; format the column as Text (文本) and type the number again",
            "row 3, column B (账号): userid \"-zhaoliu\" must start with a letter or digit",
            "row 3, column D (邮箱): email \"bad-email\" is not an address of the form name@domain",
        ]
    );
    assert!(report.directory.validate().is_ok());
}

#[test]
fn an_empty_row_in_the_middle_is_skipped_and_not_an_error() {
    let report = import_csv(
        &csv(&["王五,wangwu,13700137000,,技术中心", "", ",,,,", "赵六,zhaoliu,12,,技术中心"]),
        Some(roster_company()),
        Mode::Add,
    );
    assert_eq!((report.rows_read, report.imported, report.errors.len()), (2, 1, 1));
    // The bad row keeps its place in the sheet: the two empty rows are counted.
    assert_eq!(report.errors[0].place, Place::Row(5));
}

#[test]
fn the_errors_file_is_the_template_with_a_reason_column_and_imports_again_once_fixed() {
    let text = "姓名,账号,手机,部门,工号\n王五,wangwu,13700137000,技术中心,1\n赵六,zhaoliu,1.36E+10,技术中心,2\n";
    let first = import_csv(text, Some(roster_company()), Mode::Add);
    for format in [Format::Csv, Format::Xlsx] {
        let table = first.errors_table();
        assert_eq!(table.header, ["姓名", "账号", "手机", "部门", "工号", "错误原因"]);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(&table.rows[0][..5], ["赵六", "zhaoliu", "1.36E+10", "技术中心", "2"]);
        assert!(table.rows[0][5].starts_with("row 3: C (手机): \"1.36E+10\" is a number in scientific notation"));

        // Fixed in the file (the reason column left in place), it imports.
        let mut fixed = table.clone();
        fixed.rows[0][2] = "13600136000".into();
        let bytes = fixed.write(format).unwrap();
        let second = roster::import(&bytes, format, Some(first.directory.clone()), &options(Mode::Add)).unwrap();
        assert!(second.errors.is_empty(), "{:#?}", second.errors);
        assert_eq!(second.imported, 1);
        assert_eq!(member_of(&second.directory, "zhaoliu").extattr["工号"], "2");
    }
}

// ---- update mode --------------------------------------------------------------------------------

#[test]
fn without_update_an_existing_account_is_a_row_error() {
    let report = import_csv(&csv(&["张三,zhangsan,13800138000,,技术中心"]), Some(roster_company()), Mode::Add);
    assert_problem(&report, 2, Some("B (账号)"), "is already in the directory: import in update mode (--update)");
    assert_eq!(report.directory, roster_company());
}

#[test]
fn update_changes_the_fields_given_and_blank_cells_keep_the_old_value() {
    let report = import_csv(
        "姓名,账号,手机,邮箱,职务,部门,工号\n\
         ,zhangsan,13800138001,,高级客户经理,,\n\
         李四,lisi,,,,,\n\
         王五,wangwu,13700137000,,,技术中心,9\n",
        Some(roster_company()),
        Mode::Update,
    );
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!((report.imported, report.updated, report.unchanged), (1, 1, 1));
    let before = roster_company();
    let mut expected = member_of(&before, "zhangsan").clone();
    expected.mobile = Some("13800138001".into());
    expected.position = Some("高级客户经理".into());
    assert_eq!(member_of(&report.directory, "zhangsan"), &expected);
    assert_eq!(member_of(&report.directory, "lisi"), member_of(&before, "lisi"));
}

#[test]
fn update_replaces_departments_and_keeps_the_sort_number_where_the_member_stays() {
    let report = import_csv(&csv(&[",zhangsan,,,技术中心;销售中心"]), Some(roster_company()), Mode::Update);
    let m = member_of(&report.directory, "zhangsan");
    assert_eq!(
        paths_of(&report.directory, "zhangsan"),
        ["上海顺城物流有限公司->技术中心", "上海顺城物流有限公司->销售中心"]
    );
    assert_eq!(m.order, [7, 0]);
    // The fields the template does not carry are untouched.
    assert!(m.pinned && m.extra["x_badge"] == "B-7");
}

#[test]
fn update_mode_needs_a_directory() {
    let error = roster::import(csv(&[]).as_bytes(), Format::Csv, None, &options(Mode::Update)).unwrap_err();
    assert!(error.to_string().contains("--into"), "{error}");
}

// ---- encodings and limits ----------------------------------------------------------------------

#[test]
fn a_gbk_csv_is_read() {
    let bytes = std::fs::read("tests/data/roster/gbk.csv").unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is GBK, not UTF-8");
    let report = roster::import(&bytes, Format::Csv, None, &options(Mode::Add)).unwrap();
    assert_eq!(report.source, "CSV (GBK)");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.imported, 3);
    // 堃 is in GBK but not in GB2312.
    assert_eq!(member_of(&report.directory, "wangkun").name, "王堃");
    assert_eq!(paths_of(&report.directory, "wangkun").len(), 2);
}

#[test]
fn a_csv_with_a_byte_order_mark_is_read() {
    let text = format!("\u{FEFF}{}", csv(&["王五,wangwu,13700137000,,技术中心"]));
    let report = import_csv(&text, Some(roster_company()), Mode::Add);
    assert_eq!((report.source.as_str(), report.imported), ("CSV (UTF-8)", 1));
}

#[test]
fn a_csv_that_is_neither_utf8_nor_gbk_is_refused_with_the_place() {
    // 姓名 in UTF-8, then 你 in GBK (not UTF-8), then a byte pair that is neither.
    let mut bytes = "姓名,account\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"\xc4\xe3,\xa1\xff\n");
    assert_eq!(
        refused(&bytes, Format::Csv),
        "the file is neither UTF-8 nor GBK: byte 15 (0xC4, line 2) is not UTF-8 and byte 18 (0xA1, line 2) is not \
         GBK; save it as \"CSV UTF-8\" or as .xlsx"
    );
    assert!(refused(b"\xff\xfeh\x00", Format::Csv).contains("UTF-16"));
}

#[test]
fn a_file_over_10_mb_is_refused() {
    let mut bytes = csv(&[]).into_bytes();
    bytes.resize(MAX_BYTES + 1, b' ');
    assert_eq!(
        refused(&bytes, Format::Csv),
        "the file is 10.0 MB; a roster may be at most 10 MB (10485760 bytes): split it into several files"
    );
    assert!(roster::check_size(MAX_BYTES as u64).is_ok());
}

#[test]
fn a_file_that_is_not_the_format_its_name_says_is_refused() {
    assert!(refused(b"name,userid\n", Format::Xlsx).starts_with("not a readable .xlsx workbook"));
    let workbook = xlsx(None, &[vec![t("姓名"), t("账号")]]);
    assert!(refused(&workbook, Format::Csv).contains("give it the .xlsx extension"));
    assert!(refused(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", Format::Xlsx).contains(".xls (Excel 97-2003)"));
}

// ---- WeChat Work data ---------------------------------------------------------------------------

fn wecom() -> roster::ImportReport {
    let departments = std::fs::read_to_string("tests/data/roster/wecom_department_list.json").unwrap();
    let users = std::fs::read_to_string("tests/data/roster/wecom_user_list.json").unwrap();
    import_wecom(&departments, &[("user_list.json", &users)]).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn wecom_order_sorts_larger_first_and_becomes_smaller_first() {
    let report = wecom();
    let dir = &report.directory;
    let order_of = |name: &str| dir.department.iter().find(|d| d.name == name).unwrap().order;
    // 销售中心 (100000000) before 技术中心 (99999000); 后端组 (50) before 前端组 (5).
    assert_eq!((order_of("销售中心"), order_of("技术中心")), (1, 2));
    assert_eq!((order_of("后端组"), order_of("前端组")), (1, 2));
    // In 前端组, wangwu (order 9) before lina (order 1).
    assert_eq!((member_of(dir, "wangwu").order_in(4), member_of(dir, "lina").order_in(4)), (1, 2));
    assert_eq!(dir.corp_name, "上海顺城物流有限公司");
}

#[test]
fn wecom_status_codes_are_the_directorys() {
    let report = wecom();
    let status = |userid| member_of(&report.directory, userid).status;
    assert_eq!(
        [status("chen"), status("lina"), status("wangwu"), status("zhaoliu")],
        [Status::Active, Status::NotFollowed, Status::Disabled, Status::Resigned]
    );
    let odd = report.errors.iter().find(|e| e.place.to_string().contains("(oddstatus)")).unwrap();
    assert!(odd.problems[0].reason.contains("status 3 is not one of"), "{odd}");
}

#[test]
fn wecom_keeps_unknown_keys_drops_empty_strings_and_reads_text_attributes() {
    let report = wecom();
    let chen = member_of(&report.directory, "chen");
    for key in ["avatar", "open_userid", "main_department", "address", "biz_mail", "is_leader_in_dept"] {
        assert!(chen.extra.contains_key(key), "{key} was dropped");
    }
    assert_eq!(chen.extattr["工号"], "000001");
    assert_eq!(chen.extra["wecom_extattr"][0]["web"]["url"], "https://example.com/chen");
    let lina = member_of(&report.directory, "lina");
    assert_eq!((lina.mobile.as_deref(), lina.email.as_deref()), (None, Some("lina@example.com")));
    let name_en = &report.directory.department[0].extra["name_en"];
    assert_eq!(name_en, "Shuncheng Logistics");
}

#[test]
fn wecom_users_that_break_a_rule_are_reported_and_their_leader_entries_noted() {
    let report = wecom();
    assert_eq!((report.rows_read, report.imported, report.errors.len()), (7, 4, 3));
    let reasons: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert!(
        reasons[0].starts_with("user_list.json: userlist[4] (nocontact), column weixin_id, mobile, email: has none")
    );
    assert_eq!(
        reasons[1],
        "user_list.json: userlist[5] (ghost), column department: department 42 is not in department/list"
    );
    assert_eq!(
        report.notes,
        ["department 2 (技术中心): 1 department leader(s) not imported, left out of department_leader"]
    );
    // The errors file is the template, with the department path the user has.
    let table = report.errors_table();
    let ghost = &table.rows[1];
    assert_eq!(&ghost[..2], ["幽灵", "ghost"]);
    assert_eq!(table.rows[0][4], "上海顺城物流有限公司->技术中心->后端组");
}

#[test]
fn wecom_an_error_response_is_a_file_error() {
    let error =
        import_wecom(r#"{"errcode": 60011, "errmsg": "no privilege to access/modify contact/party/agent"}"#, &[])
            .unwrap_err();
    assert_eq!(
        error.to_string(),
        "department/list: the API answered errcode 60011: no privilege to access/modify contact/party/agent"
    );
}

#[test]
fn wecom_a_user_repeated_by_two_responses_is_imported_once() {
    let departments = std::fs::read_to_string("tests/data/roster/wecom_department_list.json").unwrap();
    let users = std::fs::read_to_string("tests/data/roster/wecom_user_list.json").unwrap();
    let report = import_wecom(&departments, &[("a.json", &users), ("b.json", &users)]).unwrap();
    assert_eq!(report.imported, 4);
    assert!(report.notes.iter().any(|n| n == "7 user records repeated with identical data were imported once"));
}

/// A quote that opens a CSV cell and never closes used to swallow every later row into that
/// cell, with 0 errors reported. Now its row is refused, saying why, and every other row is
/// imported as a row.
#[test]
fn an_unclosed_quote_refuses_its_row_and_loses_no_later_row() {
    let text = csv(&[
        "张一,zhangyi,13800000001,zy@example.com,上海顺城物流有限公司->技术中心",
        "张二,zhanger,13800000002,\"ze@example.com,上海顺城物流有限公司->技术中心",
        "张三三,zhangsansan,13800000003,zss@example.com,上海顺城物流有限公司->技术中心",
        "张四,zhangsi,13800000004,zs4@example.com,\"上海顺城物流有限公司->技术中心\"",
    ]);
    let report = import_csv(&text, Some(roster_company()), Mode::Add);
    assert_eq!(report.rows_read, 4);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert_eq!(report.errors[0].place, Place::Row(3));
    assert!(report.errors[0].to_string().contains("never properly closes"), "{}", report.errors[0]);
    for account in ["zhangyi", "zhangsansan", "zhangsi"] {
        let m = member_of(&report.directory, account);
        assert_eq!(m.position, None, "{account}: nothing of another row ran into it");
    }
    assert!(report.directory.userlist.iter().all(|m| m.userid != "zhanger"));
}

/// Every row of a file may hold a stray quote: each such row is refused, none swallows another,
/// and the file is read in one pass (a rescan per quote took minutes for a hostile file).
#[test]
fn a_stray_quote_on_every_row_refuses_each_row_alone() {
    let rows: Vec<String> = (0..5000)
        .map(|i| format!("\"张{i},acc{i},138{i:08},a{i}@example.com,上海顺城物流有限公司->技术中心"))
        .collect();
    let text = csv(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let report = import_csv(&text, Some(roster_company()), Mode::Add);
    assert_eq!((report.rows_read, report.errors.len()), (5000, 5000));
    assert!(report.errors.iter().enumerate().all(|(i, e)| e.place == Place::Row(i as u32 + 2)));
}
