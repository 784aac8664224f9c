// Department paths as the page shows them (SPEC §6): wherever a department's name could repeat —
// search results, member rows, the profile — the name comes with as many of its ancestors as it
// takes to tell it from every other visible department of the same name, shortened from the
// left: "上海分公司 › 大客户部" and "杭州分公司 › 大客户部", never "上海顺城物流有限公司 › 销售中心 › …",
// which cuts off exactly where the two differ. A name no other department has stands alone.
//
// The other departments of a name are found by searching for it (the engine answers in
// microseconds) and kept, per name, for as long as the page has the snapshot open.

export const SEPARATOR = " › ";

/**
 * How many of `path`'s ancestors (nearest first) to show so that its last `k + 1` names differ
 * from those of every path in `others`; `path` and `others` run from the top down and end in
 * the department itself. A path that only differs from another above the top (the same names all
 * the way) gets them all.
 */
export function ancestorsNeeded(path, others) {
  let needed = 0;
  for (const other of others) {
    let k = 0;
    // Walk up both paths while the names agree: k ancestors agree, so k + 1 are needed.
    while (
      k + 1 < path.length &&
      k + 1 < other.length &&
      path[path.length - 2 - k] === other[other.length - 2 - k]
    ) {
      k++;
    }
    needed = Math.max(needed, Math.min(k + 1, path.length - 1));
  }
  return needed;
}

/** The paths of `dir`'s departments, shortened as this module's doc says. */
export function departmentPaths(dir) {
  const byId = new Map(); // id → top-down names
  const byName = new Map(); // name → [{ id, path }] of the departments of that name

  function names(id) {
    if (!byId.has(id)) byId.set(id, dir.department(id)?.breadcrumbs.map((b) => b.name) ?? []);
    return byId.get(id);
  }

  /** Every visible department called `name`: the search results of that kind and name, paged
   * through until all are found (members of the departments come among them). */
  function sameNamed(name) {
    if (!byName.has(name)) {
      const total = dir.count(name).department.count;
      const found = [];
      const PAGE = 200;
      for (let offset = 0; total > 1 && found.length < total && offset < 20 * PAGE; offset += PAGE) {
        const hits = dir.search(name, { limit: PAGE, offset });
        for (const hit of hits) if (hit.kind === "department" && hit.name === name) found.push(hit.id);
        if (hits.length < PAGE) break;
      }
      byName.set(
        name,
        found.map((id) => ({ id, path: names(id) })),
      );
    }
    return byName.get(name);
  }

  return {
    /** Top-down names, from the topmost department to `id`. */
    full: names,
    /** The names to show for `id`: itself and as many ancestors as tell it apart. */
    short(id) {
      const path = names(id);
      if (!path.length) return [];
      const others = sameNamed(path[path.length - 1]).filter((d) => d.id !== id).map((d) => d.path);
      return path.slice(path.length - 1 - ancestorsNeeded(path, others));
    },
  };
}
