// The result and option types of the JavaScript facade, by name. wasm-bindgen copies this file
// into each build's tongxunlu.d.ts (src/wasm.rs includes it as a `typescript_custom_section`),
// where the methods' `unchecked_param_type` and `unchecked_return_type` refer to these names.

/** Directory.stats(): what the snapshot is and how much it holds. */
export interface Stats {
  formatVersion: number;
  /** The snapshot's length in bytes. */
  bytes: number;
  /** The visibility-class key, lowercase hex: viewers with the same key share the snapshot. */
  classKey: string;
  directoryEtag: string;
  corpName: string;
  /** Departments listed with their members. */
  departments: number;
  /** Departments present only as breadcrumb steps (path labels). */
  labels: number;
  members: number;
  groups: number;
}

/** A department as the page shows it. */
export interface Department {
  id: number;
  name: string;
  /** The parent's id; null for the topmost department. */
  parentid: number | null;
  order: number;
  /** True for a path label: an ancestor shown only so that breadcrumbs work. */
  label: boolean;
  /** Visible members in the subtree, each person counted once. */
  headcount: number;
  /** Accounts of the department's leaders. */
  leaders: string[];
}

/** One of a member's departments, with the member's sort number in it. */
export interface Membership {
  id: number;
  name: string;
  order: number;
}

/** `"1"` male, `"2"` female; `"0"` (unknown) is accepted by filters but never shown on a member. */
export type Gender = "0" | "1" | "2";

/** A member with every field the viewer may see; a hidden or empty field is absent. */
export interface Member {
  userid: string;
  name: string;
  alias?: string;
  position?: string;
  mobile?: string;
  email?: string;
  telephone?: string;
  weixin_id?: string;
  /** YYYY-MM-DD */
  birthday?: string;
  /** YYYY-MM-DD */
  hire_date?: string;
  gender?: "1" | "2";
  disabled: boolean;
  followed: boolean;
  pinned: boolean;
  departments: Membership[];
  /** Custom attributes (工号, …) by name. */
  extattr?: Record<string, string>;
}

/** The field a search result matched in; `department` for a member found through their department. */
export type SearchField = "name" | "alias" | "account" | "weixin_id" | "email" | "mobile" | "telephone" | "department";

/** How a search result matched, best first within its band. */
export type SearchWay =
  | "name" | "pinyin" | "alias" | "initials" | "abbreviation" | "fuzzy" | "identifier" | "phone" | "in_department"
  | "typo";

interface HitCommon {
  name: string;
  field: SearchField;
  way: SearchWay;
  /** The matched field's displayed text. */
  text: string;
  /** Character ranges of `text` to highlight, [start, end). */
  ranges: [number, number][];
  score: number;
}

/** A search result: a member (by account), or a department or public group (by id). */
export type SearchHit =
  | (HitCommon & { kind: "member"; userid: string })
  | (HitCommon & { kind: "department" | "group"; id: number });

export interface SearchOptions {
  /** Results to return, 20 when not given. */
  limit?: number;
  /** Results to skip, for paging. */
  offset?: number;
  /** The viewer's frequent contacts (常用联系人): account → weight, higher ranks higher. */
  frequent?: Record<string, number>;
  /**
   * The viewer's account: among equally good matches, colleagues closer to the viewer in the
   * organisation come first (the same department, then the nearest department above both).
   */
  viewer?: string;
}

/** How many results of one kind a query has: `count` exactly, or at least `count` when not `exact`. */
export interface SearchTotal {
  count: number;
  exact: boolean;
}

/** What `Directory.count` answers: the results of a query of each kind, in all. */
export interface SearchTotals {
  member: SearchTotal;
  department: SearchTotal;
  group: SearchTotal;
}

export interface Page {
  offset?: number;
  limit?: number;
}

/** One letter of the A–Z bar: "A"…"Z", then "#". */
export interface Initial {
  letter: string;
  count: number;
}

export interface DepartmentView {
  department: Department;
  /** From the topmost department down to this one, path labels included. */
  breadcrumbs: Department[];
}

export interface Children {
  departments: Department[];
  members: Member[];
}

/** Directory.departmentTable(): every department, one column per field, in the snapshot's order. */
export interface DepartmentTable {
  ids: number[];
  /** The parent's id; -1 for a topmost department. */
  parents: number[];
  names: string[];
}

/** A public group (公共群组) with its visible members, in the group's order. */
export interface GroupView {
  id: number;
  name: string;
  members: Member[];
}

export interface Mention {
  /** Character range of "@query" in the text, the "@" included: what a chosen suggestion replaces. */
  start: number;
  end: number;
  query: string;
  suggestions: Member[];
}

/** The filters of 高级搜索, each optional, plus paging (everyone who passes, when not given). */
export interface MemberFilter extends Page {
  gender?: Gender;
  /** A department id: members anywhere in its subtree. */
  department?: number;
  followed?: boolean;
  /** 1–12: birthdays in that month. */
  birthdayMonth?: number;
}

export type CardFormat = "vcard" | "mecard";

export interface QrMatrix {
  version: number;
  errorCorrection: "L" | "M" | "Q" | "H";
  /** Modules a side, quiet zone not included. */
  size: number;
  /** Light modules to leave around the code. */
  quietZone: number;
  /** size × size entries row by row from the top left, 1 dark and 0 light. */
  modules: Uint8Array;
}
