// An independent, strict judge of search results: does a returned member, department or group
// match the query under a rule of SPEC §4 (docs/search.md)? It shares no code or tables with the
// engine. Its readings come from pinyin-pro, and only the readings people use count: a
// character's most common reading, and the reading pinyin-pro gives it in the name it stands in
// (read as a person's name, surname first, and as plain text). So 许 is never hu, 单雄信 is
// shanxiongxin and (the character's common reading) danxiongxin, and 重庆银行's 行 is hang or
// xing. Where pinyin-pro reads a heteronym one way only (张乐 is zhang le), a match through its
// other reading counts as noise: the judge errs on the side of refusing, so that the noise it
// reports is an upper bound.
//
// Rules (after NFKC, lower case, spaces and ' removed):
// - name infix: any run of the name's characters (digits and Latin letters in it included);
// - pinyin from any syllable, each Chinese character matched by a non-empty prefix of one of
//   its readings or by itself ("zhsan", "张s"), ü typed v, u or yu (lv, lu, lyu); a Latin word or
//   a run of digits is one syllable read as itself; a Han character of the query also matches
//   one that shares a reading with it (a traditional form: 劉 for 刘);
// - fuzzy pinyin: z/zh c/ch s/sh l/n an/ang en/eng in/ing on a syllable typed with two letters
//   or more, never on a lone initial;
// - typos, as a fallback only: one edit (insert, delete, replace, swap neighbours) of a Latin
//   query of 5 letters or more, matched as spelled-out pinyin — every syllable by a whole reading,
//   the last perhaps begun — or as a Latin word's prefix; a typo result is noise when the same
//   query returned any result that matches without one;
// - a run of 3 or more digits in the mobile or telephone (punctuation and +86 ignored);
// - prefix of the account, WeChat id or e-mail; prefix of a word of the alias or a Latin name;
// - a department or group by its name or pinyin as above; a member of a department the query
//   names (its whole name by characters or pinyin, or two or more of its characters in a row
//   anywhere but at its end: 输入部门，显示部门所有成员) or of one below it — not of every
//   department a letter is in, nor of every company a 有限公司 ends;
// - several words: the query as one word, or a member its first word matches by any rule here
//   but the typo rule, whom every later word describes — by the name (infix or pinyin), a
//   department on the path, the position, a phone number's digits or an identifier's start.

import { pinyin } from "pinyin-pro";

const toneless = { toneType: "none", type: "array", v: true };
const isHan = (c) => /\p{Script=Han}/u.test(c);
const fold = (s) => s.normalize("NFKD").replace(/\p{M}/gu, "");

/** The ways ü is typed, besides v: u (lue, and ju qu xu yu already), yu (lyu, nyu). */
function withUmlautSpellings(reading) {
  if (!reading.includes("v")) return [reading];
  return [reading, reading.replace(/v/g, "u"), reading.replace(/^([ln])v$/, "$1yu")];
}

const commonCache = new Map();
/** A character's most common reading, alone. */
function commonReading(char) {
  let r = commonCache.get(char);
  if (r === undefined) {
    r = (pinyin(char, toneless)[0] ?? "").toLowerCase();
    commonCache.set(char, r);
  }
  return r;
}

/** Fuzzy spellings of one reading, the reading included. */
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

/** Every reading pinyin-pro knows for a character, rare ones included (许 hu). */
function dictionaryReadings(char) {
  const all = pinyin(char, { ...toneless, multiple: true }).map((r) => r.toLowerCase());
  return [...new Set(all.filter((r) => /^[a-z]+$/.test(r)).flatMap(withUmlautSpellings))];
}

const syllableCache = new Map();
/**
 * A name (or department or group name) as syllables: each Han character with the readings people
 * use for it there, and each Latin word or run of digits read as itself, folded to ASCII.
 */
function syllables(name, asPerson) {
  const key = `${asPerson ? "p" : "t"}\u0000${name}`;
  let out = syllableCache.get(key);
  if (out !== undefined) return out;
  const text = name.normalize("NFKC").toLowerCase();
  const chars = [...text];
  const inContext = [pinyin(text, toneless)];
  if (asPerson) inContext.push(pinyin(text, { ...toneless, surname: "head" }));
  out = [];
  chars.forEach((c, i) => {
    if (isHan(c)) {
      const plain = new Set([commonReading(c), ...inContext.map((r) => (r[i] ?? "").toLowerCase())]);
      const readings = [...plain].filter((r) => /^[a-z]+$/.test(r)).flatMap(withUmlautSpellings);
      const others = dictionaryReadings(c).filter((r) => !readings.includes(r));
      const fuzzy = [...new Set(readings.flatMap(fuzzyVariants))];
      const dictionary = [...new Set([...readings, ...others].flatMap(fuzzyVariants))];
      out.push({ han: c, readings, others, fuzzy, dictionary });
    } else if (/[\p{L}\p{N}]/u.test(c)) {
      const last = out[out.length - 1];
      if (last && last.word !== undefined && last.end === i) {
        last.word += c;
        last.end = i + 1;
      } else {
        out.push({ word: c, end: i + 1 });
      }
    } else {
      out.push(null); // ends a Latin word
    }
  });
  out = out
    .filter(Boolean)
    .map((s) => (s.han ? s : { readings: [fold(s.word)], others: [], fuzzy: [fold(s.word)], dictionary: [fold(s.word)] }));
  syllableCache.set(key, out);
  return out;
}

/**
 * Whether `q` is consumed by syllables of `name` from some syllable on. `how`: "any" (each
 * syllable by a non-empty prefix of a reading, or by its own character), "fuzzy" (the same, with
 * fuzzy spellings on syllables typed with two letters or more), "spelled" (every syllable by a
 * whole reading, the last perhaps begun: what a typo is measured against) or "dictionary" (as
 * "fuzzy", with every reading pinyin-pro knows). `whole`: from the first syllable to the last.
 */
export function pinyinMatches(name, q, asPerson = true, how = "fuzzy", whole = false) {
  const units = syllables(name, asPerson);
  if (!q) return false;
  for (let start = 0; start < (whole ? Math.min(1, units.length) : units.length); start++) {
    const seen = new Set();
    const walk = (i, j) => {
      if (j === q.length) return !whole || i === units.length;
      if (i === units.length) return false;
      const key = i * 4096 + j;
      if (seen.has(key)) return false;
      seen.add(key);
      const u = units[i];
      const c = q[j];
      if (how !== "spelled" && u.han && isHan(c)) {
        const shared = c === u.han || u.readings.includes(commonReading(c));
        if (shared && walk(i + 1, j + 1)) return true;
      }
      const readings = how === "fuzzy" ? u.fuzzy : how === "dictionary" ? u.dictionary : u.readings;
      for (const r of readings) {
        const exact = u.readings.includes(r) || (how === "dictionary" && u.others.includes(r));
        for (let k = 1; k <= r.length && j + k <= q.length; k++) {
          if (q.charCodeAt(j + k - 1) !== r.charCodeAt(k - 1)) break;
          if (!exact && k < 2) continue; // fuzzy on a lone initial
          if (how === "spelled" && k < r.length && j + k < q.length) continue;
          if (walk(i + 1, j + k)) return true;
        }
      }
      return false;
    };
    if (walk(start, 0)) return true;
  }
  return false;
}

const textMatches = (text, q, asPerson) =>
  !!text && (text.normalize("NFKC").toLowerCase().includes(q) || pinyinMatches(text, q, asPerson));

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

/** NFKC, lower case, spaces and ' dropped, tone marks dropped, ü as v after l and n, else u. */
export function normalizeQuery(q) {
  const umlauts = q.normalize("NFKC").toLowerCase().replace(/[\s']/g, "").replace(/[ǖǘǚǜ]/g, "ü");
  const toneless = umlauts.replace(/([ln])ü/g, "$1v").replace(/ü/g, "u");
  return toneless.normalize("NFD").replace(/(?<=[a-z])\p{M}+/gu, "").normalize("NFC");
}

const digitsOf = (s) => (s ?? "").replace(/^\+86/, "").replace(/\D/g, "");
const latinWords = (m) =>
  `${m.alias ?? ""} ${/\p{Script=Han}/u.test(m.name) ? "" : m.name}`.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(fold);

export class Judge {
  /** `directory`: `tongxunlu inspect --json` ({ departments, members, groups }). */
  constructor(directory) {
    this.departments = new Map(directory.departments.map((d) => [d.id, d]));
    this.groups = new Map((directory.groups ?? []).map((g) => [g.id, g]));
    this.deptCache = new Map();
  }

  /** A department the query names, or one above it (`named`); or that it matches at all. */
  departmentMatches(id, q, named = false) {
    const key = `${id}\u0000${q}\u0000${named}`;
    let r = this.deptCache.get(key);
    if (r === undefined) {
      const d = this.departments.get(id);
      const text = d?.name.normalize("NFKC").toLowerCase();
      const itself = !d
        ? false
        : named
          ? text === q ||
            (text.includes(q) && !text.endsWith(q) && [...q].length >= 2 && [...q].some(isHan)) ||
            pinyinMatches(d.name, q, false, "any", true)
          : textMatches(d.name, q, false);
      r = itself || (!!d && d.parentid != null && this.departmentMatches(d.parentid, q, named));
      this.deptCache.set(key, r);
    }
    return r;
  }

  /** The member matches `q` (normalised) by a rule other than the typo rule. */
  memberMatches(m, q) {
    if (textMatches(m.name, q, true)) return true;
    const digits = q.replace(/^\+?86(?=\d{11})/, "").replace(/[-()\s.]/g, "");
    if (/^\d{3,}$/.test(digits) && (digitsOf(m.mobile).includes(digits) || digitsOf(m.telephone).includes(digits))) {
      return true;
    }
    for (const id of [m.userid, m.weixin_id, m.email]) if (id && id.toLowerCase().startsWith(q)) return true;
    if (latinWords(m).some((w) => w.startsWith(q))) return true;
    return (m.departments ?? []).some((d) => this.departmentMatches(d.id, q, true));
  }

  /** A later word of several describes the member. */
  describes(m, w) {
    if (textMatches(m.name, w, true) || (m.position ?? "").normalize("NFKC").toLowerCase().includes(w)) return true;
    if (/^\d{3,}$/.test(w) && (digitsOf(m.mobile).includes(w) || digitsOf(m.telephone).includes(w))) return true;
    for (const id of [m.userid, m.weixin_id, m.email]) if (id && id.toLowerCase().startsWith(w)) return true;
    return (m.departments ?? []).some((d) => this.departmentMatches(d.id, w));
  }

  /**
   * How a result matches `query`: "match"; "typo" (only as a typo of it); "other reading" (only
   * through a reading pinyin-pro knows but gives the character neither alone nor in this name —
   * a rare one such as 许 hu, or a heteronym's other reading such as 张乐's yue); or null.
   */
  classify(query, result) {
    const q = normalizeQuery(query);
    const typoOf = (spelled) => /^[a-z]{5,}$/.test(q) && oneEdit(q).some(spelled);
    if (result.kind === "member") {
      const m = result.member;
      if (this.memberMatches(m, q)) return "match";
      const [first, ...rest] = query.normalize("NFKC").toLowerCase().trim().split(/\s+/).map(normalizeQuery);
      if (rest.length > 0 && this.memberMatches(m, first) && rest.every((w) => this.describes(m, w))) return "match";
      if (pinyinMatches(m.name, q, true, "dictionary")) return "other reading";
      const spelled = (x) => pinyinMatches(m.name, x, true, "spelled") || latinWords(m).some((w) => w.startsWith(x));
      return typoOf(spelled) ? "typo" : null;
    }
    const name = result.kind === "department" ? this.departments.get(result.id)?.name : this.groups.get(result.id)?.name;
    if (textMatches(name, q, false)) return "match";
    if (name && pinyinMatches(name, q, false, "dictionary")) return "other reading";
    return name && typoOf((x) => pinyinMatches(name, x, false, "spelled")) ? "typo" : null;
  }

  /**
   * The results of one query that are noise, each with why: no rule matches it; it matches only
   * through another reading (counted as noise, since the judge cannot tell a heteronym's reading
   * people type from a rare one); or it is a typo among results that match without one (typos are
   * a fallback).
   */
  noise(query, results) {
    const classes = results.map((r) => this.classify(query, r));
    const anyMatch = classes.some((c) => c === "match" || c === "other reading");
    return results.flatMap((result, i) => {
      if (classes[i] === null) return [{ result, why: "no rule" }];
      if (classes[i] === "other reading") return [{ result, why: "other reading" }];
      if (classes[i] === "typo" && anyMatch) return [{ result, why: "typo among matches" }];
      return [];
    });
  }
}
