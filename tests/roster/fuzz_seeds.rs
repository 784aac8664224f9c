//! The seed corpus of the roster import's fuzz targets (fuzz/fuzz_targets/import_*.rs), written
//! by an ignored test so that the seeds come from the same fixtures as the tests:
//!
//! ```sh
//! TONGXUNLU_FUZZ_CORPUS=$PWD/fuzz/corpus cargo test --test integration roster::fuzz_seeds -- --ignored
//! ```
//!
//! `import_xlsx` gets each workbook twice, as written (deflated) and re-packed with its entries
//! stored, so that byte mutations reach calamine's XML reader instead of breaking the inflater.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use tongxunlu::roster::{export, Format, Mode};
use tongxunlu::sample::{generate, Preset, SampleSpec};

use crate::util::*;

#[test]
#[ignore = "writes the fuzz seed corpus; run with TONGXUNLU_FUZZ_CORPUS set"]
fn write_fuzz_seed_corpus() {
    let corpus = std::env::var("TONGXUNLU_FUZZ_CORPUS").expect("set TONGXUNLU_FUZZ_CORPUS to fuzz/corpus");
    let corpus = Path::new(&corpus);
    let sample = generate(&SampleSpec { members: 30, seed: 1, preset: Preset::Company });
    let school = generate(&SampleSpec { members: 30, seed: 1, preset: Preset::School });

    let mut csv: Vec<Vec<u8>> = vec![
        std::fs::read("tests/data/roster/gbk.csv").unwrap(),
        export(&roster_company(), None, Format::Csv).unwrap(),
        export(&sample, None, Format::Csv).unwrap(),
        export(&school, None, Format::Csv).unwrap(),
        "姓名,账号,手机,座机,邮箱,微信号,部门,性别,状态,生日,工号\n\
         王五,wangwu,1.38001380E10,2161234567,ｗｗ＠ｅｘ．ｃｏｍ,12345678,销售中心->华东大区;技术中心,男,离职,1990/3/8,007\n\
         ,zhangsan,+86 138 0013 8000,,,,,,,,\n\n\
         赵六,zhaoliu,13600136000.0,,,,A->->B,女,禁用,1990年3月8日,\n"
            .as_bytes()
            .to_vec(),
    ];
    let report = import_csv(std::str::from_utf8(&csv[4]).unwrap(), Some(roster_company()), Mode::Update);
    csv.push(report.errors_table().write(Format::Csv).unwrap());

    let workbooks = [
        export(&roster_company(), None, Format::Xlsx).unwrap(),
        export(&sample, None, Format::Xlsx).unwrap(),
        xlsx(
            Some("填写说明"),
            &[
                vec![t("姓名"), t("账号"), t("手机"), t("部门"), t("生日")],
                vec![t("王五"), t("wangwu"), X::Number(13700137000.0), t("技术中心"), X::Date(1990, 3, 8)],
                vec![t("赵六"), t("zhaoliu"), t("13600136000"), t("技术中心"), X::Number(32940.0)],
            ],
        ),
    ];
    let mut xlsx_seeds = Vec::new();
    for workbook in workbooks {
        xlsx_seeds.push(stored(&workbook));
        xlsx_seeds.push(workbook);
    }

    for (target, seeds) in [("import_csv", csv), ("import_xlsx", xlsx_seeds)] {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:02}")), seed).unwrap();
        }
        eprintln!("wrote {} seeds to {}", seeds.len(), dir.display());
    }
}

/// The same archive with every entry stored rather than deflated.
fn stored(workbook: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(workbook)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(entry.name().unwrap().into_owned(), options).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}
