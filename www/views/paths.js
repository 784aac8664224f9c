// Department paths as the page shows them (SPEC §6): wherever a department's name could repeat —
// search results, member rows, the profile — the name comes with as many of its ancestors as it
// takes to tell it from every other visible department of the same name, shortened from the
// left: "上海分公司 › 大客户部" and "杭州分公司 › 大客户部", never "上海顺城物流有限公司 › 销售中心 › …",
// which cuts off exactly where the two differ. A name no other department has stands alone.
//
// Every row of a list shows one, so they are worked out from one table of the snapshot's
// departments (`dir.departmentTable()`, read once) and kept: a path, and a shortened path, per
// department.

export const SEPARATOR = " › ";

/**
 * The names to show of each of `paths` — the top-down paths of departments of one name — so that
 * no two look alike: each path's last names, as few as tell it from every other (its name alone
 * when no other has it), or the whole path where another has the very same names all the way.
 * Found level by level: those whose last `k + 1` names no other shares are done at `k`.
 */
export function shorten(paths) {
  const shown = new Array(paths.length);
  let pending = paths.map((_, i) => i);
  for (let k = 0; pending.length; k++) {
    const key = (i) => paths[i].slice(Math.max(0, paths[i].length - 1 - k)).join("\u0000");
    const count = new Map();
    for (const i of pending) count.set(key(i), (count.get(key(i)) ?? 0) + 1);
    pending = pending.filter((i) => {
      if (count.get(key(i)) > 1 && k < paths[i].length - 1) return true;
      shown[i] = paths[i].slice(Math.max(0, paths[i].length - 1 - k));
      return false;
    });
  }
  return shown;
}

/** The paths of `dir`'s departments, shortened as this module's doc says. */
export function departmentPaths(dir) {
  let byId = null; // id → { name, parent }, from the first path asked for
  let byName = null; // name → ids of the departments of that name
  const fullPaths = new Map(); // id → top-down names
  const shortPaths = new Map(); // id → the names to show

  function table() {
    if (!byId) {
      const { ids, parents, names } = dir.departmentTable();
      byId = new Map();
      byName = new Map();
      ids.forEach((id, i) => {
        byId.set(id, { name: names[i], parent: parents[i] });
        if (!byName.has(names[i])) byName.set(names[i], []);
        byName.get(names[i]).push(id);
      });
    }
    return byId;
  }

  function full(id) {
    if (!fullPaths.has(id)) {
      const departments = table();
      const names = [];
      // A parent missing from the snapshot ends the path; a cycle cannot be there, but must not hang.
      for (let d = departments.get(id); d && names.length <= departments.size; d = departments.get(d.parent)) {
        names.unshift(d.name);
      }
      fullPaths.set(id, names);
    }
    return fullPaths.get(id);
  }

  function short(id) {
    if (!shortPaths.has(id)) {
      const path = full(id);
      // All the departments of the name at once: each is told from all the others.
      const ids = byName.get(path.at(-1)) ?? [id];
      shorten(ids.map(full)).forEach((names, i) => shortPaths.set(ids[i], names));
    }
    return shortPaths.get(id) ?? [];
  }

  return {
    /** Top-down names, from the topmost department to `id`. */
    full,
    /** The names to show for `id`: itself and as many ancestors as tell it apart. */
    short,
  };
}
