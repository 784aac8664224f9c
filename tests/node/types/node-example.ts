// Type-checked (never run) by types.test.mjs: the Node build, which adds buildSnapshot.

import { Directory, buildSnapshot, type SearchHit } from "../../../pkg/node/tongxunlu.js";

export function backEnd(directoryJson: string): SearchHit[] {
  const snapshot: Uint8Array = buildSnapshot(directoryJson, "zhangsan001");
  const dir = Directory.open(snapshot);
  try {
    return dir.search("zs", { limit: 5 });
  } finally {
    dir.free();
  }
}

// @ts-expect-error the viewer is a string
buildSnapshot("{}", 42);
