// Every function of the JavaScript API (docs/javascript.md) through the npm package's Node build, with good
// and bad input: search (against the native CLI, and the browser build against the Node build),
// initials/byInitial, department/children, mentions, filter, and a freed Directory. (stats and
// member: open.test.mjs; the cards: card.test.mjs; buildSnapshot: build.test.mjs; bad snapshot
// bytes: open-errors.test.mjs; memory: memory.test.mjs.)

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { cli, inspect, inspectList, loadNodePkg, loadWebPkg, sampleFiles, thrown, withDirectory } from "./helpers.mjs";

const { Directory, buildSnapshot } = loadNodePkg();
const sample = sampleFiles();
const bytes = new Uint8Array(readFileSync(sample.txl));
const dir = Directory.open(bytes);
after(() => dir.free());
const ins = inspect(sample.txl);
const members = inspectList(ins, "members");
const departments = inspectList(ins, "departments");

const userids = (list) => list.map((m) => m.userid);
const memberHits = (hits) => hits.filter((h) => h.kind === "member").map((h) => h.userid);

/** Calls fn and checks it throws an Error whose message matches `pattern`. */
function refuses(fn, pattern, what) {
  const err = thrown(fn, what);
  assert.match(err.message, pattern, `${what}: ${err.message}`);
}

// ---- search ----------------------------------------------------------------------------------------

/** Every 5th query of the native benchmark's mixed set, each with the colleague who asks it, plus
 * input people really type (asked by nobody in particular). */
function agreementQueries() {
  const set = cli(["queries", sample.txl, "--every", "97"])
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map(({ query, viewer }) => ({ query, viewer }));
  assert.ok(set.length > 100, `the query set has ${set.length} queries`);
  assert.ok(set.every((q) => typeof q.viewer === "string"), "every query is asked by a colleague");
  const typed = ["", "z", "zhang san", "Zhang'San", "張", "ＺＨＡＮＧ", "+86 139", "wagn", "技术", "xinpin"];
  return [...set.filter((_, i) => i % 5 === 0), ...typed.map((query) => ({ query }))];
}

test("search and count agree with `tongxunlu search --json` on the mixed query set", () => {
  for (const { query, viewer } of agreementQueries()) {
    const args = ["search", sample.txl, query, "--json", "--limit", "20", ...(viewer ? ["--viewer", viewer] : [])];
    const native = cli(args)
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    // The hits, then a last line with the totals.
    assert.deepEqual(native.pop(), { totals: dir.count(query) }, `count ${JSON.stringify(query)}`);
    assert.deepEqual(dir.search(query, { limit: 20, viewer }), native, `search ${JSON.stringify(query)} as ${viewer}`);
  }
});

test("the browser build answers exactly as the Node build", async () => {
  const web = await loadWebPkg();
  withDirectory(web.Directory, bytes, (webDir) => {
    assert.deepEqual(webDir.stats(), dir.stats());
    for (const { query, viewer } of agreementQueries()) {
      const options = { limit: 20, viewer };
      assert.deepEqual(webDir.search(query, options), dir.search(query, options), `search ${JSON.stringify(query)}`);
      assert.deepEqual(webDir.count(query), dir.count(query), `count ${JSON.stringify(query)}`);
    }
    assert.deepEqual(webDir.initials(), dir.initials());
    assert.deepEqual(webDir.children(departments[0].id), dir.children(departments[0].id));
  });
});

test("prepare() builds ahead what search derives, and answers stay the same", async () => {
  const web = await loadWebPkg();
  const typed = ["zhang", "exec001", "138", "0001", "13800", "wei@"].map((query) => ({ query }));
  const queries = [...typed, ...agreementQueries().slice(0, 40)];
  withDirectory(web.Directory, bytes, (fresh) => {
    withDirectory(web.Directory, bytes, (prepared) => {
      prepared.prepare();
      prepared.prepare(); // again: nothing more to do
      for (const { query, viewer } of queries) {
        const options = { limit: 20, viewer };
        assert.deepEqual(prepared.search(query, options), fresh.search(query, options), `search ${JSON.stringify(query)}`);
      }
      assert.deepEqual(prepared.member("exec001"), fresh.member("exec001"));
    });
  });
});

test("search results are plain objects with what the page highlights", () => {
  const hits = dir.search("zhangs");
  assert.ok(hits.length > 0);
  for (const h of hits) {
    assert.ok(["member", "department", "group"].includes(h.kind), h.kind);
    assert.equal(typeof h.name, "string");
    assert.equal(typeof h.score, "number");
    if (h.kind === "member") assert.ok(dir.member(h.userid), `${h.userid} is a member`);
    else assert.equal(typeof h.id, "number");
    const length = Array.from(h.text).length;
    for (const [start, end] of h.ranges) assert.ok(start < end && end <= length, `range [${start}, ${end}) of ${h.text}`);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(hits)), hits, "a JSON round trip changes nothing");
});

test("search options: limit and offset page through one ranking; frequent contacts rise", () => {
  const all = dir.search("wang", { limit: 40 });
  assert.equal(all.length, 40, "enough results to page through");
  assert.deepEqual(dir.search("wang"), all.slice(0, 20), "20 by default");
  assert.deepEqual(dir.search("wang", { limit: 5 }), all.slice(0, 5));
  assert.deepEqual(dir.search("wang", { offset: 5, limit: 5 }), all.slice(5, 10));
  assert.deepEqual(dir.search("wang", { limit: 0 }), []);
  assert.deepEqual(dir.search("wang", null), all.slice(0, 20), "null options are the defaults");

  // Among results that match equally well, a frequent contact ranks first.
  const first = all.find((h) => h.kind === "member");
  const peer = all.findLast((h) => h.kind === "member" && h.way === first.way && h.field === first.field);
  assert.notEqual(peer.userid, first.userid);
  const boosted = memberHits(dir.search("wang", { limit: 40, frequent: { [peer.userid]: 10 } }));
  assert.ok(
    boosted.indexOf(peer.userid) < memberHits(all).indexOf(peer.userid),
    `${peer.userid} rises from ${memberHits(all).indexOf(peer.userid)} to ${boosted.indexOf(peer.userid)}`,
  );
  assert.ok(boosted.indexOf(peer.userid) <= memberHits(all).indexOf(first.userid), "to the top of its band");
});

test("search options: the viewer's colleagues rise among equal matches", () => {
  const all = dir.search("wang", { limit: 40 });
  const first = all.find((h) => h.kind === "member");
  const last = all.findLast((h) => h.kind === "member" && h.way === first.way && h.field === first.field);
  // Seen by the last of the equals, they are in the viewer's own department: the closest.
  const seen = memberHits(dir.search("wang", { limit: 40, viewer: last.userid }));
  assert.ok(
    seen.indexOf(last.userid) <= memberHits(all).indexOf(first.userid),
    `${last.userid} rises from ${memberHits(all).indexOf(last.userid)} to ${seen.indexOf(last.userid)}`,
  );
  assert.deepEqual(dir.search("wang", { limit: 40, viewer: "no-such-account" }), all, "an unknown viewer changes nothing");
});

test("count says how many results of each kind a search has in all", () => {
  for (const query of ["王", "wang", "zw", "1380", "大客户部", "龘"]) {
    const all = dir.search(query, { limit: 5000 });
    const totals = dir.count(query);
    for (const kind of ["member", "department", "group"]) {
      const found = all.filter((h) => h.kind === kind).length;
      assert.deepEqual(totals[kind], { count: found, exact: true }, `${query}: ${kind}`);
    }
  }
  // Past the count limit, "at least" that many.
  const broad = ["z", "w", "l", "a"].find((q) => dir.search(q, { limit: 5000 }).length > 1000);
  assert.ok(broad, "a one-letter query has over 1,000 results in the sample");
  const totals = dir.count(broad);
  assert.equal(totals.member.count + totals.department.count + totals.group.count, 1000);
  assert.deepEqual([totals.member.exact, totals.department.exact, totals.group.exact], [false, false, false]);
  refuses(() => dir.count(42), /^count: query must be a string, got 42/, "count(42)");
});

test("bad search input is an Error that names the problem", () => {
  for (const q of [42, undefined, null, {}, ["zhang"]]) {
    refuses(() => dir.search(q), /^search: query must be a string, got /, `search(${JSON.stringify(q)})`);
  }
  const cases = [
    [{ limit: -1 }, /limit must be a whole number from 0, got -1/],
    [{ limit: 2.5 }, /limit must be a whole number from 0, got 2\.5/],
    [{ limit: "3" }, /limit must be a whole number from 0, got "3"/],
    [{ offset: true }, /offset must be a whole number from 0, got true/],
    [{ lmit: 3 }, /unknown option "lmit"/],
    [{ frequent: { lisi: "often" } }, /frequent must be an object of account → finite number, got "often"/],
    [{ frequent: { lisi: Infinity } }, /frequent must be/],
    [{ frequent: ["lisi"] }, /frequent must be/],
    [{ viewer: 7 }, /viewer must be a string, got 7/],
    [42, /search options: expected an object, got 42/],
    [[], /search options: expected an object, got \[\]/],
  ];
  for (const [options, pattern] of cases) refuses(() => dir.search("wang", options), pattern, JSON.stringify(options));
  assert.deepEqual(dir.search(""), [], "an empty query finds nothing");
  assert.ok(dir.search("wang").length > 0, "still works");
});

// ---- the A–Z bar -------------------------------------------------------------------------------------

test("initials count every member once, and byInitial lists them", () => {
  const initials = dir.initials();
  const letters = initials.map((i) => i.letter);
  const order = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ#"];
  assert.deepEqual(letters, order.filter((l) => letters.includes(l)), "A–Z, then #");
  assert.ok(initials.every((i) => i.count > 0), "only letters that have members");
  assert.equal(initials.reduce((n, i) => n + i.count, 0), dir.stats().members, "every member under one letter");

  const seen = new Set();
  for (const { letter, count } of initials) {
    const list = dir.byInitial(letter, { limit: count + 10 });
    assert.equal(list.length, count, `${letter}: ${list.length} listed, ${count} counted`);
    for (const m of list) {
      assert.ok(!seen.has(m.userid), `${m.userid} under two letters`);
      seen.add(m.userid);
    }
    assert.deepEqual(dir.byInitial(letter.toLowerCase(), { limit: count + 10 }), list, `${letter} in lower case`);
    assert.deepEqual(dir.byInitial(letter), list.slice(0, 50), `${letter}: 50 by default`);
    assert.deepEqual(dir.byInitial(letter, { offset: 2, limit: 3 }), list.slice(2, 5), `${letter}: a page`);
  }
  assert.deepEqual([...seen].sort(), userids(members).sort(), "all members, each once");
  assert.ok(userids(dir.byInitial("Z", { limit: 10_000 })).some((u) => dir.member(u).name.startsWith("曾")), "曾 files under Z");
});

test("bad byInitial input is an Error", () => {
  for (const letter of ["AB", "", "1", "张", "?"]) {
    refuses(() => dir.byInitial(letter), /^byInitial: letter must be one of A–Z or #, got /, JSON.stringify(letter));
  }
  for (const letter of [undefined, 7]) refuses(() => dir.byInitial(letter), /letter must be a string/, String(letter));
  refuses(() => dir.byInitial("A", { limit: -5 }), /byInitial options: limit must be a whole number/, "limit -5");
  refuses(() => dir.byInitial("A", { page: 2 }), /unknown option "page"/, "page");
});

// ---- browsing the organisation ---------------------------------------------------------------------

test("department(id) is the department with its headcount and its breadcrumbs", () => {
  const byId = new Map(departments.map((d) => [d.id, d]));
  for (const d of departments) {
    const view = dir.department(d.id);
    assert.deepEqual(view.department, d, `department ${d.id} as inspect shows it`);
    const crumbs = view.breadcrumbs;
    assert.deepEqual(crumbs.at(-1), d, `${d.id}: the breadcrumbs end at the department`);
    assert.equal(crumbs[0].parentid, null, `${d.id}: the breadcrumbs start at the top`);
    for (let i = 1; i < crumbs.length; i++) assert.equal(crumbs[i].parentid, crumbs[i - 1].id, `${d.id}: step ${i}`);
    for (const c of crumbs) assert.deepEqual(c, byId.get(c.id));
  }
  assert.equal(dir.department(987_654), undefined, "an unknown id");
});

test("departmentTable() lists every department as department(id) gives it, in the snapshot's order", () => {
  const table = dir.departmentTable();
  assert.deepEqual(table.ids, departments.map((d) => d.id), "the same departments as inspect, in its order");
  assert.equal(table.names.length, table.ids.length);
  assert.equal(table.parents.length, table.ids.length);
  table.ids.forEach((id, i) => {
    const d = dir.department(id).department;
    const row = { id, name: table.names[i], parentid: table.parents[i] === -1 ? null : table.parents[i] };
    assert.deepEqual(row, { id: d.id, name: d.name, parentid: d.parentid }, `department ${id}`);
  });
});

test("children(id) lists the child departments and the department's own members", () => {
  for (const d of departments) {
    const { departments: kids, members: own } = dir.children(d.id);
    const expectedKids = departments.filter((k) => k.parentid === d.id);
    assert.deepEqual(
      kids.map((k) => k.id).sort((a, b) => a - b),
      expectedKids.map((k) => k.id).sort((a, b) => a - b),
      `children of ${d.id}`,
    );
    for (let i = 1; i < kids.length; i++) assert.ok(kids[i - 1].order <= kids[i].order, `${d.id}: children in sort order`);
    const expectedOwn = members.filter((m) => m.departments.some((x) => x.id === d.id));
    assert.deepEqual(userids(own).sort(), userids(expectedOwn).sort(), `members of ${d.id}`);
  }
});

test("bad department ids are Errors; an unknown one is undefined or an Error saying so", () => {
  refuses(() => dir.children(987_654), /^no department 987654 in this snapshot$/, "children(987654)");
  for (const id of ["3", -1, 1.5, undefined, null, NaN]) {
    refuses(() => dir.department(id), /^department: id must be a whole number from 0, got /, `department(${String(id)})`);
    refuses(() => dir.children(id), /^children: id must be a whole number from 0, got /, `children(${String(id)})`);
  }
});

test("group(id) gives a public group's name and visible members in its order; an unknown id is undefined", () => {
  const groups = inspectList(ins, "groups");
  assert.ok(groups.length > 0, "the sample has public groups");
  for (const g of groups) {
    const view = dir.group(g.id);
    assert.equal(view.id, g.id);
    assert.equal(view.name, g.name);
    assert.deepEqual(userids(view.members), g.members, `members of group ${g.id}`);
    for (const m of view.members) assert.deepEqual(m, dir.member(m.userid), `${m.userid} as member() gives it`);
  }
  assert.equal(dir.group(987_654), undefined);
  for (const id of ["1", -1, 1.5, null]) {
    refuses(() => dir.group(id), /^group: id must be a whole number from 0, got /, `group(${String(id)})`);
  }
});

// ---- mentions --------------------------------------------------------------------------------------

test("mentions finds the @query at the cursor and suggests members", () => {
  const m = dir.mentions("请 @zhangs 看", 9);
  assert.equal(m.start, 2);
  assert.equal(m.end, 9);
  assert.equal(m.query, "zhangs");
  assert.ok(m.suggestions.length > 0 && m.suggestions.length <= 8, `${m.suggestions.length} suggestions`);
  assert.deepEqual(userids(m.suggestions), memberHits(dir.search("zhangs", { limit: 40 })).slice(0, m.suggestions.length));
  assert.deepEqual(m.suggestions[0], dir.member(m.suggestions[0].userid), "suggestions are whole members");
  assert.deepEqual(dir.mentions("请 @zhangs"), m, "the cursor defaults to the end of the text");
  assert.deepEqual(dir.mentions("@", 1), { start: 0, end: 1, query: "", suggestions: [] }, "just the @");
  assert.equal(dir.mentions("请 @zhangs 看", 1), undefined, "cursor before the @");
  assert.equal(dir.mentions("请 @zhangs 看", 11), undefined, "cursor after the space");
  assert.equal(dir.mentions("no at sign", 5), undefined);
  assert.equal(dir.mentions("", 0), undefined);
  assert.deepEqual(dir.mentions("请 @zhangs", 1_000), m, "a cursor past the end is the end");
});

test("bad mentions input is an Error", () => {
  refuses(() => dir.mentions(42, 1), /^mentions: text must be a string, got 42$/, "text 42");
  refuses(() => dir.mentions("@a", -1), /^mentions: cursor must be a whole number from 0, got -1$/, "cursor -1");
  refuses(() => dir.mentions("@a", "2"), /^mentions: cursor must be a whole number from 0, got "2"$/, 'cursor "2"');
});

// ---- filters ---------------------------------------------------------------------------------------

/** Departments by id in the subtree of `id`, from inspect's parent links. */
function subtree(id) {
  const out = new Set([id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of departments) if (out.has(d.parentid) && !out.has(d.id)) grew = out.add(d.id);
  }
  return out;
}

test("filter by gender, follow state and department subtree", () => {
  assert.equal(dir.filter().length, members.length, "no filter lets everyone through");
  assert.deepEqual(dir.filter({}), dir.filter());
  for (const gender of ["1", "2"]) {
    const got = dir.filter({ gender });
    assert.deepEqual(userids(got).sort(), userids(members.filter((m) => m.gender === gender)).sort(), `gender ${gender}`);
  }
  assert.deepEqual(userids(dir.filter({ gender: "0" })).sort(), userids(members.filter((m) => !m.gender)).sort(), "gender 0");
  const followed = userids(dir.filter({ followed: true }));
  const notFollowed = userids(dir.filter({ followed: false }));
  assert.deepEqual(followed.sort(), userids(members.filter((m) => m.followed)).sort());
  assert.equal(followed.length + notFollowed.length, members.length);

  const parent = departments.find((d) => departments.some((k) => k.parentid === d.id) && d.parentid !== null);
  const tree = subtree(parent.id);
  const inTree = members.filter((m) => m.departments.some((d) => tree.has(d.id)));
  assert.ok(inTree.length > 0);
  assert.deepEqual(userids(dir.filter({ department: parent.id })).sort(), userids(inTree).sort(), `subtree of ${parent.id}`);
  const both = dir.filter({ department: parent.id, gender: "2" });
  assert.deepEqual(userids(both).sort(), userids(inTree.filter((m) => m.gender === "2")).sort(), "filters combine");

  const women = dir.filter({ gender: "2" });
  assert.deepEqual(dir.filter({ gender: "2", offset: 3, limit: 4 }), women.slice(3, 7), "a page");
  assert.deepEqual(women, dir.filter().filter((m) => m.gender === "2"), "in rank order");
});

test("filter by birthday month, where birthdays are visible", () => {
  // The sample's field policy hides birthdays: then no one has one to filter by.
  assert.deepEqual(dir.filter({ birthdayMonth: 3 }), []);
  const directory = JSON.parse(readFileSync(sample.json, "utf8"));
  directory.field_policy = { ...directory.field_policy, birthday: { visible: true, editable: true } };
  withDirectory(Directory, buildSnapshot(JSON.stringify(directory), sample.viewer), (withBirthdays) => {
    const everyone = withBirthdays.filter();
    let total = 0;
    for (let month = 1; month <= 12; month++) {
      const got = withBirthdays.filter({ birthdayMonth: month });
      const mm = String(month).padStart(2, "0");
      assert.deepEqual(got, everyone.filter((m) => m.birthday?.slice(5, 7) === mm), `month ${month}`);
      total += got.length;
    }
    assert.ok(total > everyone.length / 2, `${total} of ${everyone.length} have a birthday`);
  });
});

test("bad filters are Errors that say what is wrong", () => {
  const cases = [
    [{ gender: "male" }, /^filter: gender must be "0", "1" or "2", got "male"$/],
    [{ gender: 1 }, /^filter: gender must be a string, got 1$/],
    [{ birthdayMonth: 13 }, /^filter: birthdayMonth must be a month from 1 to 12, got 13$/],
    [{ birthdayMonth: 0 }, /birthdayMonth must be a month from 1 to 12, got 0/],
    [{ birthdayMonth: 2.5 }, /birthdayMonth must be a whole number from 0, got 2\.5/],
    [{ followed: "yes" }, /^filter: followed must be true or false, got "yes"$/],
    [{ department: 987_654 }, /^no department 987654 in this snapshot$/],
    [{ colour: "red" }, /^filter: unknown option "colour"/],
    ["gender=2", /^filter: expected an object, got "gender=2"$/],
  ];
  for (const [filter, pattern] of cases) refuses(() => dir.filter(filter), pattern, JSON.stringify(filter));
});

// ---- after free --------------------------------------------------------------------------------------

test("every method of a freed Directory throws an Error", () => {
  const freed = Directory.open(bytes);
  freed.free();
  const calls = {
    stats: () => freed.stats(),
    member: () => freed.member("staff001"),
    search: () => freed.search("wang"),
    count: () => freed.count("wang"),
    initials: () => freed.initials(),
    byInitial: () => freed.byInitial("A"),
    department: () => freed.department(1),
    children: () => freed.children(1),
    group: () => freed.group(1),
    departmentTable: () => freed.departmentTable(),
    mentions: () => freed.mentions("@a"),
    filter: () => freed.filter(),
    vcard: () => freed.vcard("staff001"),
    mecard: () => freed.mecard("staff001"),
    qrSvg: () => freed.qrSvg("staff001"),
    qrMatrix: () => freed.qrMatrix("staff001"),
    prepare: () => freed.prepare(),
  };
  const methods = Object.getOwnPropertyNames(Directory.prototype).filter((n) => !["constructor", "free"].includes(n) && !n.startsWith("__") && typeof Directory.prototype[n] === "function");
  assert.deepEqual(Object.keys(calls).sort(), methods.sort(), "every method is called here");
  for (const [name, call] of Object.entries(calls)) thrown(call, `${name} after free`);
  assert.ok(dir.stats().members > 0, "other directories still work");
});
