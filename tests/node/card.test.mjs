// The business card through the Node build of the engine (dir.vcard, dir.mecard, dir.qrSvg,
// dir.qrMatrix) and the CLI (`tongxunlu card`). The QR code, drawn as a page would draw it and
// read by jsQR — a decoder written in JavaScript, sharing no code with the Rust encoder — gives
// back the card byte for byte, as one byte-mode segment behind the UTF-8 ECI designator.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";

import jsQR from "jsqr";

import { cli, cliResult, inspect, inspectList, loadNodePkg, sampleFiles, tempDir, thrown, withDirectory } from "./helpers.mjs";

const { Directory, buildSnapshot } = loadNodePkg();
const sample = sampleFiles();
const PERSONAS = ["exec001", "staff001", "dev001", "supplier001"];

const withSample = (fn) => withDirectory(Directory, new Uint8Array(readFileSync(sample.txl)), fn);

/** A white RGBA image `width` modules square at `scale` pixels a module, the modules `darkModules` black. */
function paint(width, scale, darkModules) {
  const side = width * scale;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [mx, my] of darkModules) {
    for (let y = my * scale; y < (my + 1) * scale; y++) {
      for (let x = mx * scale; x < (mx + 1) * scale; x++) {
        const i = (y * side + x) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
    }
  }
  return { data, side };
}

/** The matrix from qrMatrix() drawn as a canvas would: the quiet zone left white. */
function drawMatrix({ size, quietZone, modules }, scale = 4) {
  const dark = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (modules[y * size + x] === 1) dark.push([x + quietZone, y + quietZone]);
  }
  return paint(size + 2 * quietZone, scale, dark);
}

/**
 * The SVG from qrSvg() rasterised: its viewBox, and the filled rectangles of its dark path, read
 * as SVG path data (absolute M, relative h and v, z), one user unit a module.
 */
function drawSvg(svg, scale = 4) {
  const viewBox = svg.match(/viewBox="0 0 (\d+) (\d+)"/);
  assert.ok(viewBox && viewBox[1] === viewBox[2], "a square viewBox from 0 0");
  const dark = svg.match(/<path fill="#000" d="([^"]*)"/);
  assert.ok(dark, "a black path");
  const cells = [];
  for (const [, x, y, w, h] of dark[1].matchAll(/M(\d+) (\d+)h(\d+)v(\d+)h-\3z/g)) {
    for (let dy = 0; dy < Number(h); dy++) {
      for (let dx = 0; dx < Number(w); dx++) cells.push([Number(x) + dx, Number(y) + dy]);
    }
  }
  assert.equal(dark[1].replace(/M(\d+) (\d+)h(\d+)v(\d+)h-\3z/g, ""), "", "the path holds only rectangles");
  return paint(Number(viewBox[1]), scale, cells);
}

function read(image, what) {
  const code = jsQR(image.data, image.side, image.side, { inversionAttempts: "dontInvert" });
  assert.ok(code, `${what}: jsQR found no QR code`);
  return code;
}

/** jsQR's reading equals `text` byte for byte, in one byte segment behind ECI 26 (UTF-8). */
function assertReadsAs(code, text, what) {
  const expected = [...Buffer.from(text, "utf8")];
  assert.deepEqual(code.binaryData, expected, `${what}: the bytes`);
  assert.deepEqual(
    code.chunks.map((c) => c.type),
    ["eci", "byte"],
    `${what}: one byte segment behind an ECI designator`,
  );
  assert.equal(code.chunks[0].assignmentNumber, 26, `${what}: ECI 26 is UTF-8`);
  assert.equal(code.data, text, `${what}: the text`);
}

test("vcard(userid) is a vCard 3.0 with CRLF line ends and the member's name and numbers", () => {
  withSample((dir) => {
    for (const userid of PERSONAS) {
      const card = dir.vcard(userid);
      const member = dir.member(userid);
      assert.ok(card.startsWith("BEGIN:VCARD\r\nVERSION:3.0\r\n"), `${userid}: ${card}`);
      assert.ok(card.endsWith("\r\nEND:VCARD\r\n"), userid);
      assert.equal(card.replace(/\r\n/g, "").includes("\n"), false, `${userid}: a bare LF`);
      assert.ok(card.includes(`\r\nFN:${member.name}\r\n`), `${userid}: FN`);
      if (member.mobile) assert.ok(card.includes(`\r\nTEL;TYPE=CELL:${member.mobile}\r\n`), `${userid}: TEL`);
      for (const line of card.split("\r\n")) {
        assert.ok(Buffer.byteLength(line) <= 75, `${userid}: a line longer than 75 octets: ${line}`);
      }
    }
    assert.ok(dir.vcard("staff001").includes("\r\nN:张;伟;;;\r\n"));
  });
});

test("qrMatrix, drawn as a canvas draws it, reads back through jsQR as the vCard byte for byte", () => {
  withSample((dir) => {
    const members = inspectList(inspect(sample.txl), "members").map((m) => m.userid);
    // The personas and every 40th member: about 120 codes.
    const userids = [...PERSONAS, ...members.filter((_, i) => i % 40 === 0)];
    for (const userid of userids) {
      const matrix = dir.qrMatrix(userid);
      assert.ok(matrix.modules instanceof Uint8Array, "modules is a Uint8Array");
      assert.equal(matrix.modules.length, matrix.size * matrix.size);
      assert.equal(matrix.size, 17 + 4 * matrix.version);
      assert.equal(matrix.quietZone, 4);
      assert.ok(["M", "Q", "H"].includes(matrix.errorCorrection), matrix.errorCorrection);
      const code = read(drawMatrix(matrix), userid);
      assert.equal(code.version, matrix.version, `${userid}: version`);
      assertReadsAs(code, dir.vcard(userid), userid);
    }
  });
});

test("qrSvg, rasterised, reads back through jsQR as the vCard, and the MECARD as the MECARD", () => {
  withSample((dir) => {
    for (const userid of PERSONAS) {
      const svg = dir.qrSvg(userid);
      assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), svg.slice(0, 80));
      assert.ok(svg.includes('shape-rendering="crispEdges"'));
      assert.equal(dir.qrSvg(userid, "vcard"), svg, "vcard is the default format");
      assertReadsAs(read(drawSvg(svg), userid), dir.vcard(userid), `${userid} (SVG)`);

      const mecard = dir.mecard(userid);
      assert.ok(mecard.startsWith("MECARD:N:") && mecard.endsWith(";;"), mecard);
      assertReadsAs(read(drawSvg(dir.qrSvg(userid, "mecard")), userid), mecard, `${userid} (MECARD)`);
      assertReadsAs(read(drawMatrix(dir.qrMatrix(userid, "mecard")), userid), mecard, `${userid} (MECARD matrix)`);
      assert.ok(dir.qrMatrix(userid, "mecard").version <= dir.qrMatrix(userid).version, "the MECARD is no larger");
    }
  });
});

test("an unknown account or format is an Error that names it, not a trap", () => {
  withSample((dir) => {
    for (const call of ["vcard", "mecard", "qrSvg", "qrMatrix"]) {
      const err = thrown(() => dir[call]("nobody"), `${call}("nobody")`);
      assert.match(err.message, /no member "nobody"/, `${call}: ${err.message}`);
    }
    const err = thrown(() => dir.qrSvg("staff001", "jpeg"), 'qrSvg("staff001", "jpeg")');
    assert.equal(err.message, 'unknown card format "jpeg"; expected vcard or mecard');
    assert.ok(dir.vcard("staff001"), "the directory still works after the errors");
  });
});

test("a card made from another viewer's snapshot lacks the fields the policy hides", () => {
  const directory = JSON.parse(readFileSync(sample.json, "utf8"));
  const hidden = { visible: false, editable: true };
  directory.field_policy = { ...directory.field_policy, mobile: hidden, weixin_id: hidden };
  const bytes = buildSnapshot(JSON.stringify(directory), "staff001");
  const byId = new Map(directory.userlist.map((m) => [m.userid, m]));
  withDirectory(Directory, bytes, (dir) => {
    let checked = 0;
    for (const { userid } of directory.userlist) {
      if (!dir.member(userid)) continue; // not visible to staff001 at all
      const card = dir.vcard(userid) + dir.mecard(userid);
      const { mobile, weixin_id: weixin, email } = byId.get(userid);
      assert.equal(card.includes("TEL;TYPE=CELL"), false, `${userid}: a mobile line`);
      if (mobile) assert.equal(card.includes(mobile), false, `${userid}: the mobile ${mobile}`);
      // A WeChat id may also be part of a visible email address: that is no leak.
      if (weixin && !(email ?? "").includes(weixin)) assert.equal(card.includes(weixin), false, `${userid}: ${weixin}`);
      checked++;
    }
    assert.ok(checked > 500, `only ${checked} cards checked`);
  });
});

test("tongxunlu card prints what vcard() returns and writes what qrSvg() returns", () => {
  const { dir: tmp, cleanup } = tempDir();
  try {
    withSample((dir) => {
      const svgPath = path.join(tmp, "staff001.svg");
      const out = cli(["card", sample.txl, "staff001", "--qr", svgPath]);
      assert.equal(out, dir.vcard("staff001"), "stdout is the .vcf, byte for byte");
      assert.equal(readFileSync(svgPath, "utf8"), dir.qrSvg("staff001"));
      const mecard = cli(["card", sample.txl, "staff001", "--format", "mecard"]);
      assert.equal(mecard, `${dir.mecard("staff001")}\n`);
    });
    const unknown = cliResult(["card", sample.txl, "nobody"]);
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stdout, "");
    assert.match(unknown.stderr, /^tongxunlu: error: .*no member "nobody"[^\n]*\n$/);
    const badFormat = cliResult(["card", sample.txl, "staff001", "--format", "jpeg"]);
    assert.notEqual(badFormat.status, 0);
    assert.match(badFormat.stderr, /unknown card format "jpeg"/);
  } finally {
    cleanup();
  }
});
