//! Nothing a viewer may not see reaches their snapshot (docs/visibility.md): these tests search
//! the raw snapshot bytes for every value the viewer must not see.

use std::collections::HashMap;

use serde_json::json;
use tongxunlu::model::{Directory, TextField};
use tongxunlu::sample::{self, Preset, SampleSpec};
use tongxunlu::snapshot;
use tongxunlu::visibility::Organisation;

use crate::util::*;

/// The snapshot's bytes, indexed by every 4-byte window so that thousands of values can be
/// looked for without scanning the whole file for each.
struct Haystack<'a> {
    bytes: &'a [u8],
    windows: HashMap<[u8; 4], Vec<usize>>,
}

impl<'a> Haystack<'a> {
    fn new(bytes: &'a [u8]) -> Haystack<'a> {
        let mut windows: HashMap<[u8; 4], Vec<usize>> = HashMap::new();
        for (i, w) in bytes.windows(4).enumerate() {
            windows.entry([w[0], w[1], w[2], w[3]]).or_default().push(i);
        }
        Haystack { bytes, windows }
    }

    fn contains(&self, needle: &[u8]) -> bool {
        self.occurrences(needle).next().is_some()
    }

    /// Where `needle` occurs.
    fn occurrences<'n>(&'n self, needle: &'n [u8]) -> Box<dyn Iterator<Item = usize> + 'n> {
        if needle.len() < 4 {
            return Box::new(
                self.bytes.windows(needle.len().max(1)).enumerate().filter(move |(_, w)| *w == needle).map(|(i, _)| i),
            );
        }
        let key = [needle[0], needle[1], needle[2], needle[3]];
        Box::new(
            self.windows
                .get(&key)
                .into_iter()
                .flatten()
                .copied()
                .filter(move |&at| self.bytes[at..].starts_with(needle)),
        )
    }

    /// Whether `needle` occurs somewhere other than straddling the edge of one of `allowed`:
    /// bytes of its own, which is evidence. An occurrence that runs over the start or the end of
    /// a value the viewer may see is that value with the bytes around it — a work number
    /// `000259` followed by the length byte `2` (50) of the next record reads `0002592`. A
    /// visible value lying wholly inside the occurrence explains nothing: a leaked `张伟明`
    /// holds the visible `张伟`.
    fn holds_apart_from(&self, needle: &[u8], allowed: &[&str]) -> bool {
        self.occurrences(needle).any(|at| {
            let end = at + needle.len();
            !allowed.iter().map(|a| a.as_bytes()).filter(|a| !a.is_empty()).any(|a| {
                // An occurrence of `a` at `start` that overlaps [at, end) and reaches outside it.
                let from = (at + 1).saturating_sub(a.len());
                let to = (end - 1 + a.len()).min(self.bytes.len());
                self.bytes[from..to].windows(a.len()).enumerate().any(|(i, w)| {
                    let start = from + i;
                    w == a && (start < at || start + a.len() > end)
                })
            })
        })
    }
}

/// For each viewer: builds the snapshot, then checks that no value the viewer may not see —
/// an invisible member's account, name, alias and every field; a hidden field of anyone; an
/// invisible department's or group's name — occurs in its bytes. A value that is also part of
/// something the viewer may see (two people called 王芳) is not evidence and is skipped.
fn assert_nothing_hidden_leaks(dir: &Directory, viewers: &[&str]) -> usize {
    let org = Organisation::new(dir);
    let mut checked = 0;
    for &viewer in viewers {
        let view = org.view(viewer).unwrap();
        let built = snapshot::build(dir, &view);
        let hay = Haystack::new(&built.bytes);
        // The index's keys, decompressed: every key after its family byte, one per line.
        let opened = tongxunlu::snapshot::Snapshot::open(built.bytes.clone()).unwrap();
        let keys: Vec<u8> = opened.index_keys().iter().flat_map(|k| k[1..].iter().copied().chain([b'\n'])).collect();
        let key_hay = Haystack::new(&keys);

        let visible_members: Vec<usize> = view.members.iter().map(|m| m.member).collect();
        let visible_departments: Vec<usize> = view.departments.iter().map(|d| d.department).collect();
        let visible_groups: Vec<usize> = view.groups.iter().map(|g| g.group).collect();

        // Everything the viewer may legitimately see, to rule out coincidences.
        let mut allowed: Vec<&str> = vec![&dir.corp_name];
        for &m in &visible_members {
            let member = &dir.userlist[m];
            allowed.extend([member.userid.as_str(), member.name.as_str()]);
            allowed.extend(
                TextField::ALL
                    .iter()
                    .filter(|&&f| view.visible_fields.contains(&tongxunlu::model::PolicyField::Text(f)))
                    .filter_map(|&f| member.text(f)),
            );
            allowed.extend(member.extattr.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]));
        }
        allowed.extend(visible_departments.iter().map(|&d| dir.department[d].name.as_str()));
        allowed.extend(visible_groups.iter().map(|&g| dir.group[g].name.as_str()));
        // Index keys hold names normalised (張 as 张), so compare normalised forms too.
        let normalised: Vec<String> = allowed.iter().map(|a| tongxunlu::text::normalize::normalize(a)).collect();
        let coincidence = |secret: &str| {
            let folded = tongxunlu::text::normalize::normalize(secret);
            allowed.iter().any(|a| a.contains(secret)) || normalised.iter().any(|a| a.contains(&folded))
        };

        let mut secrets: Vec<(String, &str)> = Vec::new();
        for (i, member) in dir.userlist.iter().enumerate() {
            let whose = format!("{} (visible to {viewer}: {})", member.userid, visible_members.contains(&i));
            if !visible_members.contains(&i) {
                secrets.extend([(whose.clone(), member.userid.as_str()), (whose.clone(), member.name.as_str())]);
                secrets.extend(TextField::ALL.iter().filter_map(|&f| member.text(f)).map(|v| (whose.clone(), v)));
                secrets.extend(member.extattr.values().map(|v| (whose.clone(), v.as_str())));
            } else {
                // Hidden fields of visible members, the viewer's own included.
                for f in TextField::ALL {
                    if !view.visible_fields.contains(&tongxunlu::model::PolicyField::Text(f)) {
                        secrets.extend(member.text(f).map(|v| (format!("{whose} hidden {}", f.key()), v)));
                    }
                }
            }
        }
        for (i, d) in dir.department.iter().enumerate() {
            if !visible_departments.contains(&i) {
                secrets.push((format!("department {}", d.id), d.name.as_str()));
            }
        }
        for (i, g) in dir.group.iter().enumerate() {
            if !visible_groups.contains(&i) {
                secrets.push((format!("group {}", g.id), g.name.as_str()));
            }
        }
        for (whose, secret) in secrets {
            if coincidence(secret) {
                continue;
            }
            assert!(
                !hay.holds_apart_from(secret.as_bytes(), &allowed),
                "{viewer}'s snapshot contains {secret:?} of {whose}"
            );
            let folded = tongxunlu::text::normalize::normalize(secret);
            assert!(
                !key_hay.contains(folded.as_bytes()),
                "{viewer}'s index has a key containing {folded:?} of {whose}"
            );
            checked += 1;
        }
    }
    checked
}

fn company_with_secrets() -> Directory {
    let mut value: serde_json::Value = serde_json::from_str(&company().to_json_pretty()).unwrap();
    let members = value["userlist"].as_array_mut().unwrap();
    for m in members.iter_mut() {
        m["birthday"] = json!(format!(
            "1985-0{}-1{}",
            m["name"].as_str().unwrap().len() % 9 + 1,
            m["userid"].as_str().unwrap().len() % 10
        ));
        m["extattr"] = json!({"工号": format!("GH-{}", m["userid"].as_str().unwrap())});
    }
    let south1 = members.iter_mut().find(|m| m["userid"] == "south1").unwrap();
    south1["hidden"] = json!(true);
    south1["visible_to"] = json!({"userid": ["ceo"]});
    value["department"][7]["hidden"] = json!(true); // 后端组
    value["field_policy"] = json!({"birthday": {"visible": false, "editable": true}});
    value["group"] = json!([{"id": 1, "name": "董事会筹备组", "userid": ["ceo"]}]);
    parse(value)
}

#[test]
fn no_hidden_value_reaches_any_snapshot_of_the_fixture() {
    let dir = company_with_secrets();
    let viewers = ["ceo", "sales.head", "east1", "south1", "tech.head", "fe1", "be1", "pack1", "truck1", "new"];
    let checked = assert_nothing_hidden_leaks(&dir, &viewers);
    assert!(checked > 100, "only {checked} values were checked");
}

#[test]
fn the_scan_would_catch_a_leak() {
    // The scan is only worth something if it fails when a secret is present: plant one.
    let dir = company_with_secrets();
    let org = Organisation::new(&dir);
    let built = snapshot::build(&dir, &org.view("fe1").unwrap());
    let mut bytes = built.bytes.clone();
    bytes.extend_from_slice("董事会筹备组".as_bytes());
    assert!(Haystack::new(&bytes).contains("董事会筹备组".as_bytes()));
    assert!(!Haystack::new(&built.bytes).contains("董事会筹备组".as_bytes()));
}

#[test]
fn no_hidden_value_reaches_the_personas_snapshots_of_the_sample() {
    let dir = sample::generate(&SampleSpec { members: 2000, seed: 7, preset: Preset::Company });
    let viewers: Vec<&str> = sample::PERSONAS.iter().map(|p| p.0).collect();
    let checked = assert_nothing_hidden_leaks(&dir, &viewers);
    assert!(checked > 5000, "only {checked} values were checked");
}
