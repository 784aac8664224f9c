// Type-checked (never run) by types.test.mjs with `tsc --strict`: every function of the browser
// build's API, used as a page would use it. Each `@ts-expect-error` line must fail to compile —
// proof that the declarations are precise rather than `any`.

import init, {
  Directory,
  applyPatch,
  initSync,
  type CardFormat,
  type Children,
  type Department,
  type DepartmentView,
  type Initial,
  type Member,
  type MemberFilter,
  type Mention,
  type QrMatrix,
  type SearchHit,
  type Stats,
} from "../../../pkg/web/tongxunlu.js";

export async function page(snapshot: Uint8Array, wasm: BufferSource): Promise<string[]> {
  await init();
  initSync({ module: wasm });
  const dir: Directory = Directory.open(snapshot);
  const out: string[] = [];

  const stats: Stats = dir.stats();
  out.push(`${stats.corpName}: ${stats.members} members, class ${stats.classKey}`);

  const hits: SearchHit[] = dir.search("zhangs", { limit: 20, offset: 0, frequent: { lisi: 3 } });
  for (const hit of hits) {
    const [start, end]: [number, number] = hit.ranges[0] ?? [0, 0];
    // The union narrows on `kind`: members have an account, departments and groups an id.
    out.push(hit.kind === "member" ? `${hit.userid} ${hit.way}` : `${hit.kind} ${hit.id} ${hit.field}`);
    out.push(hit.text.slice(start, end) + hit.score);
  }
  dir.search("z");

  const initials: Initial[] = dir.initials();
  const letter: string = initials[0]?.letter ?? "#";
  const listed: Member[] = dir.byInitial(letter, { offset: 0, limit: 50 });
  dir.byInitial("Z");

  const member: Member | undefined = dir.member("zhangsan001");
  if (member) {
    const mobile: string | undefined = member.mobile;
    const firstDepartment: number | undefined = member.departments[0]?.id;
    out.push(`${member.name} ${mobile ?? ""} ${firstDepartment ?? ""} ${member.extattr?.["工号"] ?? ""}`);
  }

  const view: DepartmentView | undefined = dir.department(1);
  const top: Department | undefined = view?.breadcrumbs[0];
  const parent: number | null | undefined = top?.parentid;
  const children: Children = dir.children(1);
  out.push(`${view?.department.headcount} ${parent} ${children.departments.length} ${children.members.length}`);

  const mention: Mention | undefined = dir.mentions("请 @zhangs 看", 9);
  out.push(`${mention?.query} ${mention?.suggestions.length}`);
  dir.mentions("@li");

  const filter: MemberFilter = { gender: "2", department: 3, followed: true, birthdayMonth: 3, offset: 0, limit: 10 };
  const filtered: Member[] = dir.filter(filter);
  dir.filter();
  out.push(`${filtered.length} ${listed.length}`);

  const format: CardFormat = "mecard";
  const vcard: string = dir.vcard("zhangsan001");
  const mecard: string = dir.mecard("zhangsan001");
  const svg: string = dir.qrSvg("zhangsan001");
  const matrix: QrMatrix = dir.qrMatrix("zhangsan001", format);
  const modules: Uint8Array = matrix.modules;
  out.push(vcard, mecard, svg, `${matrix.size + matrix.quietZone} ${matrix.errorCorrection} ${modules.length}`);

  const updated: Uint8Array = applyPatch(snapshot, modules);
  out.push(`${Directory.open(updated).stats().members}`);

  // @ts-expect-error a member may be absent
  out.push(dir.member("nobody").name);
  // @ts-expect-error limit is a number
  dir.search("wang", { limit: "3" });
  // @ts-expect-error options are checked: no unknown keys
  dir.search("wang", { lmit: 3 });
  // @ts-expect-error genders are "0", "1" or "2"
  dir.filter({ gender: "male" });
  // @ts-expect-error only vCard and MECARD
  dir.qrSvg("zhangsan001", "jpeg");
  // @ts-expect-error a search hit is not any: it has no `foo`
  out.push(hits[0]?.foo);
  // @ts-expect-error a patch is bytes
  applyPatch(snapshot, "patch");
  // @ts-expect-error the browser build cannot build snapshots
  import("../../../pkg/web/tongxunlu.js").then((m) => m.buildSnapshot);

  dir.free();
  return out;
}
