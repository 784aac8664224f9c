// An independent, lenient judge of search results: does a returned member, department or group
// match the query under *any* rule of docs/search.md? It shares no code or tables with the engine — its
// readings are every reading pinyin-pro knows (`multiple: true`), rare ones included — so it can
// only err on the side of accepting. What it refuses is noise by any reasonable standard.
//
// Rules (after NFKC, lower case, spaces and ' removed):
// - name infix;
// - pinyin from any character, each character matched by a non-empty prefix of one of its
//   readings or by itself ("zhsan", "张s"), with the fuzzy pairs z/zh c/ch s/sh l/n an/ang
//   en/eng in/ing on either side; a Latin word is one syllable read as itself; a Han character
//   of the query also matches one that shares a reading (a traditional form: 劉 for 刘);
// - one edit (insert, delete, replace, swap neighbours) of a Latin query of 5 letters or more,
//   then any of the rules here;
// - a run of 3 or more digits in the mobile or telephone (punctuation and +86 ignored);
// - prefix of the account, WeChat id or e-mail; prefix of a word of the alias or a Latin name;
// - a department or group by its name (infix) or pinyin; a member of a matched department or of
//   one below it;
// - several words: the query as one word, or a member its first word matches by any rule here
//   but the typo rule, whom every later word describes — by the name (infix or pinyin), a
//   department on the path, the position, a phone number's digits or an identifier's start.

import { pinyin } from "pinyin-pro";

const readingCache = new Map();

/** Fuzzy variants of one reading, the reading included. */
function fuzzyVariants(reading) {
  const out = new Set([reading]);
  const initials = (r) => {
    const m = r.match(/^(zh|ch|sh|z|c|s|l|n)(.*)$/);
    if (!m) return [r];
    const swap = { zh: "z", ch: "c", sh: "s", z: "zh", c: "ch", s: "sh", l: "n", n: "l" };
    return [r, swap[m[1]] + m[2]];
  };
  const finals = (r) => {
    const m = r.match(/^(.*?)(ang|eng|ing|an|en|in)$/);
    if (!m) return [r];
    const swap = { ang: "an", eng: "en", ing: "in", an: "ang", en: "eng", in: "ing" };
    return [r, m[1] + swap[m[2]]];
  };
  for (const a of initials(reading)) for (const b of finals(a)) out.add(b);
  return [...out];
}

/** A Han character's readings (ü as both v and u): `plain`, and `all` with the fuzzy variants. */
function readings(char) {
  let r = readingCache.get(char);
  if (r === undefined) {
    const plain = new Set();
    for (const p of pinyin(char, { multiple: true, type: "array", toneType: "none", v: true })) {
      const lower = p.toLowerCase();
      if (!/^[a-z]+$/.test(lower)) continue;
      plain.add(lower);
      if (lower.includes("v")) plain.add(lower.replace(/v/g, "u"));
    }
    r = { plain: [...plain], all: [...new Set([...plain].flatMap(fuzzyVariants))] };
    readingCache.set(char, r);
  }
  return r;
}

export function normalizeQuery(q) {
  return q.normalize("NFKC").toLowerCase().replace(/[\s']/g, "");
}

const isHan = (c) => /\p{Script=Han}/u.test(c);
const fold = (s) => s.normalize("NFKD").replace(/\p{M}/gu, "");

/** A name as syllables: each Han character, and each Latin word (read as itself, folded to ASCII). */
function syllables(name) {
  const out = [];
  for (const [, han, word] of name.normalize("NFKC").toLowerCase().matchAll(/(\p{Script=Han})|([\p{L}\p{N}]+)/gu)) {
    out.push(han ? { han, readings: readings(han).all } : { readings: [fold(word)] });
  }
  return out;
}

/**
 * The query consumed by syllables of `name` from some syllable on, each by a non-empty prefix of
 * one of its readings; a Han character of the query matches a name character that is the same or
 * shares a reading with it (traditional forms: 劉 for 刘, without a conversion table — lenient).
 */
export function pinyinMatches(name, q) {
  const units = syllables(name);
  if (!q) return false;
  for (let start = 0; start < units.length; start++) {
    const seen = new Set();
    const walk = (i, j) => {
      if (j === q.length) return true;
      if (i === units.length) return false;
      const key = i * 4096 + j;
      if (seen.has(key)) return false;
      seen.add(key);
      const u = units[i];
      const c = q[j];
      if (u.han && isHan(c) && (c === u.han || readings(c).plain.some((r) => readings(u.han).plain.includes(r)))) {
        if (walk(i + 1, j + 1)) return true;
      }
      for (const r of u.readings) {
        for (let k = 1; k <= r.length && j + k <= q.length; k++) {
          if (q.charCodeAt(j + k - 1) !== r.charCodeAt(k - 1)) break;
          if (walk(i + 1, j + k)) return true;
        }
      }
      return false;
    };
    if (walk(start, 0)) return true;
  }
  return false;
}

const textMatches = (text, q) => !!text && (text.normalize("NFKC").toLowerCase().includes(q) || pinyinMatches(text, q));

/** Every string one edit away from a Latin query (insert, delete, replace, swap neighbours). */
function oneEdit(q) {
  const out = new Set();
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (let i = 0; i <= q.length; i++) {
    for (const l of letters) out.add(q.slice(0, i) + l + q.slice(i));
    if (i < q.length) {
      out.add(q.slice(0, i) + q.slice(i + 1));
      for (const l of letters) out.add(q.slice(0, i) + l + q.slice(i + 1));
    }
    if (i + 1 < q.length) out.add(q.slice(0, i) + q[i + 1] + q[i] + q.slice(i + 2));
  }
  out.delete(q);
  return [...out];
}

const digitsOf = (s) => (s ?? "").replace(/^\+86/, "").replace(/\D/g, "");

export class Judge {
  /** `directory`: `tongxunlu inspect --json` ({ departments, members, groups }). */
  constructor(directory) {
    this.departments = new Map(directory.departments.map((d) => [d.id, d]));
    this.groups = new Map((directory.groups ?? []).map((g) => [g.id, g]));
    this.deptCache = new Map();
  }

  departmentMatches(id, q) {
    const key = `${id}\u0000${q}`;
    let r = this.deptCache.get(key);
    if (r === undefined) {
      const d = this.departments.get(id);
      r = !!d && (textMatches(d.name, q) || (d.parentid != null && this.departmentMatches(d.parentid, q)));
      this.deptCache.set(key, r);
    }
    return r;
  }

  /** The member matches `q` (normalised) by a rule other than the typo rule. */
  memberMatches(m, q) {
    if (textMatches(m.name, q)) return true;
    const digits = q.replace(/^\+?86(?=\d{11})/, "").replace(/[-()\s.]/g, "");
    if (/^\d{3,}$/.test(digits) && (digitsOf(m.mobile).includes(digits) || digitsOf(m.telephone).includes(digits))) {
      return true;
    }
    for (const id of [m.userid, m.weixin_id, m.email]) if (id && id.toLowerCase().startsWith(q)) return true;
    const words = `${m.alias ?? ""} ${/\p{Script=Han}/u.test(m.name) ? "" : m.name}`.toLowerCase().split(/[^\p{L}\p{N}]+/u);
    if (words.some((w) => w && fold(w).startsWith(q))) return true;
    return (m.departments ?? []).some((d) => this.departmentMatches(d.id, q));
  }

  /** A later word of several describes the member. */
  describes(m, w) {
    if (textMatches(m.name, w) || (m.position ?? "").normalize("NFKC").toLowerCase().includes(w)) return true;
    if (/^\d{3,}$/.test(w) && (digitsOf(m.mobile).includes(w) || digitsOf(m.telephone).includes(w))) return true;
    for (const id of [m.userid, m.weixin_id, m.email]) if (id && id.toLowerCase().startsWith(w)) return true;
    return (m.departments ?? []).some((d) => this.departmentMatches(d.id, w));
  }

  /** Does this result match `query` under any rule? `result`: { kind, member?, id? }. */
  matches(query, result) {
    const q = normalizeQuery(query);
    const test = (fn) => fn(q) || (/^[a-z]{5,}$/.test(q) && oneEdit(q).some(fn));
    if (result.kind === "member") {
      if (test((x) => this.memberMatches(result.member, x))) return true;
      const [first, ...rest] = query.normalize("NFKC").toLowerCase().trim().split(/\s+/).map(normalizeQuery);
      return rest.length > 0 && this.memberMatches(result.member, first) && rest.every((w) => this.describes(result.member, w));
    }
    if (result.kind === "department") return test((x) => textMatches(this.departments.get(result.id)?.name, x));
    if (result.kind === "group") return test((x) => textMatches(this.groups.get(result.id)?.name, x));
    return false;
  }
}
