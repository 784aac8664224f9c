//! Well-formed workbooks with arbitrary cells — text, numbers, dates, booleans under real and
//! made-up headers, at any position — written with rust_xlsxwriter, so that every input gets
//! past the archive and exercises header detection, cell typing and the row rules: see
//! `import_check.rs` for what must hold.
#![no_main]

mod import_check;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use tongxunlu::roster::Format;

/// Header titles and cell values that steer inputs towards the template's rules.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "姓名", "账号", "帐号", "userid", "手机", "座机", "邮箱", "部门", "微信号", "性别", "状态", "生日", "入职日期",
    "别名", "职务", "工号", "extattr:手机", "错误原因", "zhangsan", "lisi", "张三", "13800138000",
    "+86 138 0013 8000", "1.38001380E10", "021-61234567", "zs@example.com", "ｚｓ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "12345678", "wx-zhang", "销售部->华东", "模糊测试公司->销售部;技术部", "A->->B", "男", "女", "离职", "禁用",
    "1990-03-08", "1990年3月8日", " ", "\u{3000}",
];

fn text(u: &mut Unstructured) -> Result<String> {
    Ok(if u.arbitrary()? { WORDS[u.choose_index(WORDS.len())?].to_owned() } else { u.arbitrary()? })
}

fn workbook(u: &mut Unstructured) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    let cells = u.int_in_range(0..=400)?;
    for _ in 0..cells {
        let row = u.int_in_range(0..=40u32)?;
        let col = u.int_in_range(0..=20u16)?;
        // A write that rust_xlsxwriter refuses (too long a string, an impossible date) is
        // simply not part of the workbook.
        let _ = match u.int_in_range(0..=4u8)? {
            0 | 1 => sheet.write_string(row, col, text(u)?).map(|_| ()),
            2 => sheet.write_number(row, col, u.arbitrary::<f64>()?).map(|_| ()),
            3 => match ExcelDateTime::from_ymd(u.int_in_range(1900..=9999)?, u.arbitrary()?, u.arbitrary()?) {
                Ok(value) => sheet.write_datetime_with_format(row, col, &value, &date).map(|_| ()),
                Err(e) => Err(e),
            },
            _ => sheet.write_boolean(row, col, u.arbitrary()?).map(|_| ()),
        };
    }
    Ok(workbook.save_to_buffer().expect("an in-memory workbook saves"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(bytes) = workbook(&mut Unstructured::new(data)) {
        import_check::check(&bytes, Format::Xlsx);
    }
});
