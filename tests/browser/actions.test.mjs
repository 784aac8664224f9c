// Member detail and its actions: the call/chat glue of www/actions.js on its own (pure functions,
// a fake JS-SDK), then on the page — the tel: link, chat through an injected fake `ww` for one
// and for several people, the .vcf download, the QR code read back from the screen by jsQR,
// @ mentions, and frequent contacts that survive a reload and lift ranking.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";

import { ROOT, SAMPLE_JSON } from "../node/helpers.mjs";
import { newPage, results, search, shot, signedIn } from "./harness.mjs";
import { chats, FAKE_WW, snapshotOf, suite } from "./common.mjs";
import {
  chatRoute,
  config,
  detectHost,
  loadSdk,
  registerSdk,
  startChat,
  telHref,
  vcardFileName,
} from "../../www/actions.js";

const UA = {
  wxworkPhone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN wxwork/4.1.20",
  wxworkPc:
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/53.0.2785.116 Safari/537.36 QBCore/4.0.1326.400 QQBrowser/9.0.2524.400 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63010200) wxwork/4.0.0",
  wechatAndroid:
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.42.2460(0x28002A35) NetType/WIFI Language/zh_CN",
  chromePc: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
};

/** A fake WeChat Work JS-SDK that records its calls and succeeds (or fails with `errMsg`). */
function fakeSdk(errMsg) {
  const calls = [];
  return { calls, openEnterpriseChat: (o) => (calls.push(o), errMsg ? o.fail({ errMsg }) : o.success({})) };
}

describe("actions.js on its own", () => {
  test("detects the host from the user agent", () => {
    assert.deepEqual(detectHost(UA.wxworkPhone), { app: "wxwork", mobile: true });
    assert.deepEqual(detectHost(UA.wxworkPc), { app: "wxwork", mobile: false });
    assert.deepEqual(detectHost(UA.wechatAndroid), { app: "wechat", mobile: true });
    assert.deepEqual(detectHost(UA.chromePc), { app: "browser", mobile: false });
  });

  test("chooses the JS-SDK, the PC client's URL scheme, or a clear message", () => {
    const sdk = fakeSdk();
    assert.equal(chatRoute(["a"], { host: detectHost(UA.wxworkPhone), sdk }).via, "sdk");
    assert.equal(
      chatRoute(["a", "b"], { host: detectHost(UA.chromePc), sdk }).via,
      "sdk",
      "the SDK wins wherever it is loaded",
    );
    assert.deepEqual(chatRoute(["zhang.san@x"], { host: detectHost(UA.wxworkPc), sdk: null }), {
      via: "scheme",
      url: "wxwork://message?username=zhang.san%40x",
    });
    assert.equal(chatRoute(["a", "b"], { host: detectHost(UA.wxworkPc), sdk: null }).via, "none");
    assert.deepEqual(chatRoute(["a"], { host: detectHost(UA.chromePc), sdk: null }), {
      via: "none",
      message: "请在企业微信中打开以发起聊天",
    });
    assert.deepEqual(
      chatRoute(["a"], { host: detectHost(UA.wechatAndroid), sdk: null }).message,
      "请在企业微信中打开以发起聊天",
    );
  });

  test("opens chats through openEnterpriseChat with ;-joined userIds and a group name for groups", async () => {
    const sdk = fakeSdk();
    const host = detectHost(UA.wxworkPhone);
    assert.deepEqual(await startChat(["staff001"], { host, sdk, groupName: "ignored" }), { ok: true, via: "sdk" });
    assert.deepEqual(await startChat(["staff001", "dev001"], { host, sdk, groupName: "张伟、李娜" }), {
      ok: true,
      via: "sdk",
    });
    assert.deepEqual(
      sdk.calls.map(({ userIds, groupName, chatId }) => ({ userIds, groupName, chatId })),
      [
        { userIds: "staff001", groupName: "", chatId: "" },
        { userIds: "staff001;dev001", groupName: "张伟、李娜", chatId: "" },
      ],
    );
    const failing = await startChat(["a"], { host, sdk: fakeSdk("openEnterpriseChat:fail no permission") });
    assert.deepEqual(failing, {
      ok: false,
      via: "sdk",
      message: "无法发起聊天：企业微信没有授予这个权限",
      detail: "openEnterpriseChat:fail no permission",
    });
    const opened = [];
    assert.deepEqual(
      await startChat(["lisi"], { host: detectHost(UA.wxworkPc), sdk: null, navigate: (u) => opened.push(u) }),
      { ok: true, via: "scheme" },
    );
    assert.deepEqual(opened, ["wxwork://message?username=lisi"]);
  });

  test("registers with the JS-SDK from the one config object", async () => {
    const cfg = { ...config({}), corpId: "ww123", agentId: "1000002", signatureUrl: "/sign?app=1" };
    const asked = [];
    const fetchJson = async (url) => (asked.push(url), { timestamp: 1, nonceStr: "n", signature: "s" });
    const registered = [];
    const ww = { ...fakeSdk(), register: (o) => registered.push(o) };
    const global = { ww, location: { href: "https://h.example/txl/?q=1#token=secret" } };
    assert.equal(await registerSdk({ cfg, global, fetchJson }), true);
    assert.equal(registered[0].corpId, "ww123");
    assert.equal(registered[0].agentId, "1000002");
    assert.deepEqual(await registered[0].getConfigSignature(), { timestamp: 1, nonceStr: "n", signature: "s" });
    assert.deepEqual(
      asked,
      [`/sign?app=1&url=${encodeURIComponent("https://h.example/txl/?q=1")}`],
      "the token in the fragment is never sent",
    );

    const configured = [];
    const wx = { ...fakeSdk(), config: (o) => configured.push(o) };
    assert.equal(await registerSdk({ cfg, global: { wx, location: global.location }, fetchJson }), true);
    assert.deepEqual(configured[0].jsApiList, ["openEnterpriseChat"]);
    assert.equal(configured[0].appId, "ww123");
    assert.equal(
      await registerSdk({ cfg: config({}), global: { ww }, fetchJson }),
      false,
      "nothing configured, nothing done",
    );
  });

  test("loads the JS-SDK only inside WeChat (Work), only when configured", async () => {
    const cfg = { ...config({}), corpId: "ww123", signatureUrl: "/sign", sdkUrl: "https://sdk.example/jweixin.js" };
    const appended = [];
    const global = {};
    const doc = {
      createElement: () => ({}),
      head: { append: (el) => (appended.push(el.src), (global.wx = fakeSdk()), el.onload()) },
    };
    assert.equal(await loadSdk({ cfg, global, doc, host: detectHost(UA.chromePc) }), false, "not in a plain browser");
    assert.equal(
      await loadSdk({ cfg: config({}), global, doc, host: detectHost(UA.wxworkPhone) }),
      false,
      "not unconfigured",
    );
    assert.deepEqual(appended, []);
    assert.equal(await loadSdk({ cfg, global, doc, host: detectHost(UA.wxworkPhone) }), true);
    assert.deepEqual(appended, ["https://sdk.example/jweixin.js"]);
    assert.equal(
      await loadSdk({ cfg, global, doc, host: detectHost(UA.wxworkPhone) }),
      true,
      "present: not loaded twice",
    );
    assert.equal(appended.length, 1);
  });

  test("config() lays the server's object over the documented defaults", () => {
    assert.equal(config({}).snapshotUrl, "/api/snapshot");
    const cfg = config({ tongxunluConfig: { demo: true, corpId: "ww1" } });
    assert.equal(cfg.demo, true);
    assert.equal(cfg.corpId, "ww1");
    assert.equal(cfg.meUrl, "/api/me");
  });

  test("tel: links and card file names", () => {
    assert.equal(telHref("+86 138-1600-0002"), "tel:+8613816000002");
    assert.equal(telHref("021-61230002"), "tel:02161230002");
    assert.equal(vcardFileName("张伟"), "张伟.vcf");
    assert.equal(vcardFileName('a/b:"c"'), "a_b__c_.vcf");
  });
});

// ---- on the page ----------------------------------------------------------------------------

let expected;
const env = suite({}, async ({ app }) => {
  expected = (await snapshotOf(app, "exec001")).dir;
});


async function openDetail(page, query, userid) {
  await search(page, query);
  await page.click(`#list .row[data-userid="${userid}"]`);
  await page.waitForSelector(`#detail-pane article[data-userid="${userid}"]`);
}

describe("member detail on a phone in WeChat Work (fake ww)", () => {
  test("a disabled account's card offers no call, chat or message, and says why", async () => {
    const file = JSON.parse(readFileSync(SAMPLE_JSON, "utf8"));
    // WeChat Work's status 2: disabled (已停用); still in the directory and in the snapshot.
    const disabled = file.userlist.find((m) => m.status === 2 && m.mobile && expected.member(m.userid));
    assert.ok(disabled && expected.member(disabled.userid).disabled, "the sample has a disabled member exec001 sees");
    const { context, page, errors } = await newPage(env.browser, "phone", { init: FAKE_WW });
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await openDetail(page, disabled.userid, disabled.userid);
      assert.equal(await page.textContent("#detail-name .tag"), "已停用");
      assert.match(await page.textContent("#detail-pane .notice-inline"), /已停用，无法发消息或通话/);
      for (const action of ["call", "chat"]) {
        assert.equal(await page.$(`#detail-pane [data-action="${action}"]`), null, `no ${action}`);
      }
      assert.equal(await page.$("#detail-pane form.compose"), null, "no message box");
      assert.ok(await page.$('#detail-pane [data-action="vcard"]'), "the card can still be saved");
      // A long e-mail address wraps after its @, not in the middle of a word.
      const email = await page.$eval('#detail-pane .field a[href^="mailto:"]', (a) => ({
        text: a.textContent,
        breaks: a.querySelectorAll("wbr").length,
      }));
      assert.deepEqual(email, { text: disabled.email, breaks: 1 });
      await shot(page, "detail-disabled-phone");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("one or two digits of a phone number ask for more instead of saying nothing was found", async () => {
    const { context, page } = await newPage(env.browser, "phone");
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await search(page, "13");
      assert.equal(await page.textContent("#list .empty"), "继续输入号码，至少 3 位数字");
      await search(page, "138");
      assert.ok((await results(page)).length > 0, "three digits search phone numbers");
    } finally {
      await context.close();
    }
  });

  test("the viewer's own profile shows their fields hidden from everyone else, marked; no one else's does", async () => {
    // The sample's policy hides birthdays and hire dates: the snapshot has none, /api/me has the
    // viewer's own, independently read here from the directory file the server serves.
    const file = JSON.parse(readFileSync(SAMPLE_JSON, "utf8"));
    const own = file.userlist.find((m) => m.userid === "staff001");
    assert.equal(expected.member("staff001").birthday, undefined, "the snapshot carries no birthday");
    const { context, page, errors } = await newPage(env.browser, "phone", { init: FAKE_WW });
    try {
      assert.equal(await signedIn(page, env.app, "staff001"), "ready");
      await page.waitForFunction(() => localStorage.getItem("tongxunlu.own:staff001"));
      await openDetail(page, "zhangwei", "staff001");
      const fields = await page.$$eval(".fields .field", (fs) =>
        fs.map((f) => [f.querySelector("dt").textContent, f.querySelector("dd").textContent]),
      );
      const shown = Object.fromEntries(fields);
      assert.equal(shown.生日, `${own.birthday}仅自己可见`);
      assert.equal(shown.入职日期, `${own.hire_date}仅自己可见`);
      assert.equal(shown.手机, own.mobile, "a field everyone sees is not marked");
      await shot(page, "detail-own-phone");
      await page.click('button[data-action="back"]');
      await page.waitForSelector("#list", { state: "visible" });
      const colleague = (await results(page)).find((r) => r.userid !== "staff001")?.userid;
      await openDetail(page, "zhangwei", colleague);
      const theirs = await page.$$eval(".fields dt", (dts) => dts.map((dt) => dt.textContent));
      assert.ok(!theirs.includes("生日") && !theirs.includes("入职日期"), `${colleague}: ${theirs}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("call, chat, email links and the chat glue for one person", async () => {
    const { context, page, errors } = await newPage(env.browser, "phone", { init: FAKE_WW });
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await openDetail(page, "zhangwei", "staff001");
      assert.equal(await page.evaluate(() => document.activeElement.id), "detail-name", "focus moves to the detail");
      assert.equal(await page.isVisible("#list"), false, "on a phone the detail replaces the list");
      const m = expected.member("staff001");
      assert.equal(await page.getAttribute('a[data-action="call"]', "href"), `tel:${m.mobile}`);
      assert.equal(await page.getAttribute('a[data-action="mail"]', "href"), `mailto:${m.email}`);
      const fields = await page.$$eval(".fields .field", (fs) =>
        fs.map((f) => [f.querySelector("dt").textContent, f.querySelector("dd").textContent]),
      );
      assert.deepEqual(Object.fromEntries(fields).手机, m.mobile);
      // The profile names each department by its full path.
      const fullPath = (id) =>
        expected
          .department(id)
          .breadcrumbs.map((b) => b.name)
          .join(" › ");
      assert.deepEqual(Object.fromEntries(fields).部门, m.departments.map((d) => fullPath(d.id)).join(""));
      await shot(page, "detail-phone");

      await page.click('button[data-action="chat"]');
      assert.deepEqual(await chats(page), [{ userIds: "staff001", groupName: "", chatId: "" }]);

      await page.click('button[data-action="back"]');
      await page.waitForSelector("#list", { state: "visible" });
      assert.equal(
        await page.evaluate(() => document.activeElement.dataset.userid),
        "staff001",
        "focus returns to the row",
      );
      // The phone's own back button (WeChat's ‹) closes the detail too, and stays on the page.
      await page.click('#list .row[data-userid="staff001"]');
      await page.waitForSelector("#detail-pane", { state: "visible" });
      await page.goBack();
      await page.waitForSelector("#list", { state: "visible" });
      assert.equal(await page.getAttribute("body", "data-state"), "ready");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("multi-select starts a group chat with everyone selected", async () => {
    const { context, page, errors } = await newPage(env.browser, "phone", { init: FAKE_WW });
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await page.click("#select-button");
      assert.equal(await page.getAttribute("#select-button", "aria-pressed"), "true");
      await search(page, "zhangwei");
      await page.click('#list .row[data-userid="staff001"]');
      await search(page, "lina");
      await page.click('#list .row[data-userid="dev001"]');
      assert.equal(await page.getAttribute('#list .row[data-userid="dev001"]', "aria-pressed"), "true");
      assert.equal((await page.textContent("#select-count")).trim(), "已选 2 人");
      await shot(page, "multiselect-phone");
      await page.click("#group-chat");
      assert.deepEqual(await chats(page), [{ userIds: "staff001;dev001", groupName: "张伟、李娜", chatId: "" }]);
      assert.equal(
        await page.getAttribute("#select-button", "aria-pressed"),
        "false",
        "selection ends after the chat opened",
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("save card in WeChat Work offers the QR picture to long-press; the QR code on screen decodes to the card", async () => {
    const { context, page, errors } = await newPage(env.browser, "phone", { init: FAKE_WW });
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await openDetail(page, "zhangwei", "staff001");
      const vcard = expected.vcard("staff001");
      assert.match(vcard, /^BEGIN:VCARD\r\n/);

      // WeChat's in-app browsers ignore most downloads: 存入手机 shows the card's QR picture,
      // which a long-press (识别图中二维码) adds to the phone's contacts.
      let downloads = 0;
      page.on("download", () => downloads++);
      await page.click('button[data-action="vcard"]');
      await page.waitForSelector('#qr-dialog[open] #qr-box img[src^="data:image/png;base64,"]');
      assert.match(await page.textContent("#qr-dialog .hint"), /长按二维码.*识别图中二维码.*存入手机通讯录/);
      assert.equal(downloads, 0, "no file download inside WeChat Work");
      await page.click("#qr-close");

      await page.click('button[data-action="qr"]');
      // A picture, which WeChat's long-press recognises (it does not an inline SVG).
      await page.waitForSelector('#qr-dialog[open] #qr-box img[src^="data:image/png;base64,"]');
      assert.equal(await page.getAttribute("#qr-box img", "alt"), "张伟 的名片二维码");
      assert.equal(
        await page.evaluate(() => document.activeElement.closest("dialog")?.id),
        "qr-dialog",
        "focus is in the dialog",
      );
      assert.equal((await page.textContent("#qr-title")).trim(), "张伟 的名片");
      assert.match(await page.textContent("#qr-dialog .hint"), /用手机相机扫码/, "the QR button's own hint");
      await shot(page, "qr-phone");
      const png = (await page.locator("#qr-box").screenshot()).toString("base64");
      // Decoded in a blank page of its own: the app's Content-Security-Policy rightly refuses a
      // script injected into it.
      const scratch = await page.context().newPage();
      await scratch.addScriptTag({ path: path.join(ROOT, "node_modules", "jsqr", "dist", "jsQR.js") });
      const decoded = await scratch.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const canvas = Object.assign(document.createElement("canvas"), { width: img.width, height: img.height });
        const ctx = canvas.getContext("2d");
        ctx.drawImage(img, 0, 0);
        const { data, width, height } = ctx.getImageData(0, 0, img.width, img.height);
        const code = window.jsQR(data, width, height);
        return code ? new TextDecoder().decode(new Uint8Array(code.binaryData)) : null;
      }, png);
      await scratch.close();
      assert.equal(decoded, vcard, "jsQR reads the card from the screen");

      await page.keyboard.press("Escape");
      assert.equal(await page.isVisible("#qr-dialog"), false);
      assert.equal(
        await page.evaluate(() => document.activeElement.dataset.action),
        "qr",
        "focus returns to the QR button",
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("@ in the message box suggests colleagues and the chat includes who was mentioned", async () => {
    const { context, page, errors } = await newPage(env.browser, "phone", { init: FAKE_WW });
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await openDetail(page, "lina", "dev001");
      await page.click("#message");
      // 𠮷 is one character but two UTF-16 units: the cursor must be converted for the engine.
      await page.keyboard.type("𠮷请 @zhangw");
      await page.waitForSelector("#mention-list:not([hidden]) li");
      const suggestions = await page.$$eval("#mention-list li", (lis) => lis.map((li) => li.dataset.userid));
      assert.deepEqual(
        suggestions,
        expected.mentions("𠮷请 @zhangw", 10).suggestions.map((s) => s.userid),
      );
      assert.equal(suggestions[0], "staff001");
      assert.equal(await page.getAttribute("#message", "aria-expanded"), "true");
      await shot(page, "mention-phone");
      await page.keyboard.press("Enter");
      assert.equal(await page.inputValue("#message"), "𠮷请 @张伟 ");
      await page.keyboard.type("看一下");
      await page.click(".compose button[type=submit]");
      // The text is copied first, then the chat opens.
      await page.waitForFunction(() => window.__chats.length > 0);
      assert.deepEqual(await chats(page), [{ userIds: "dev001;staff001", groupName: "李娜、张伟", chatId: "" }]);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("frequent contacts survive a reload, are listed, and lift ranking", async () => {
    const { context, page, errors } = await newPage(env.browser, "phone", { init: FAKE_WW });
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      assert.equal(await page.$("#frequent"), null, "no frequent contacts yet");
      await search(page, "zw");
      const before = await results(page);
      const target = before.filter((r) => r.kind === "member")[3];
      assert.ok(target && target.marks.length, "a fourth person matches zw");
      await page.click(`#list .row[data-userid="${target.userid}"]`);
      await page.click('button[data-action="chat"]');
      await page.click('button[data-action="back"]');

      await page.reload();
      await page.waitForSelector('body[data-state="ready"]');
      assert.equal(await page.inputValue("#q"), "zw", "a reload comes back to the search it left");
      await page.fill("#q", "");
      await page.waitForSelector("#frequent");
      const listed = await page.$$eval("#frequent .row", (rows) => rows.map((r) => r.dataset.userid));
      assert.deepEqual(listed, [target.userid], "常用联系人 shows who was chatted with");
      assert.equal((await page.textContent("#frequent h2")).trim(), "常用联系人");
      await shot(page, "frequent-phone");
      await search(page, "zw");
      const after = await results(page);
      assert.equal(after[0].userid, target.userid, `${target.name} now ranks first for zw`);
      assert.equal(after[1].userid, before[0].userid);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

describe("member detail in a PC browser", () => {
  test("list and detail side by side; chat outside WeChat Work offers what works instead; save card downloads", async () => {
    const { context, page, errors } = await newPage(env.browser, "pc");
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await openDetail(page, "zhangwei", "staff001");
      const [list, detail] = [
        await page.locator("#list-pane").boundingBox(),
        await page.locator("#detail-pane").boundingBox(),
      ];
      assert.ok(list.x + list.width <= detail.x + 1 && Math.abs(list.y - detail.y) < 1, "list beside the detail");
      await page.click('button[data-action="chat"]');
      // Not a dead end: why, and the account, the WeChat id and a call to reach the person by.
      await page.waitForSelector(".chat-fallback:not([hidden])");
      assert.match(await page.textContent(".chat-fallback"), /请在企业微信中打开以发起聊天/);
      const m = expected.member("staff001");
      const offered = await page.$$eval(".chat-fallback .fallback-actions > *", (els) =>
        els.map((e) => [e.textContent, e.getAttribute("href")]),
      );
      assert.deepEqual(offered, [
        ["复制账号", null],
        ...(m.weixin_id ? [["复制微信号", null]] : []),
        ["打电话", `tel:${m.mobile}`],
      ]);
      await page.click('.chat-fallback button:has-text("复制账号")');
      await page.waitForSelector("#toast:not([hidden])");
      assert.equal((await page.textContent("#toast")).trim(), "已复制账号：staff001");
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "staff001");
      await shot(page, "detail-pc");

      // The message box says what it does, and a chat that did not open does not make 常用.
      assert.equal((await page.textContent(".compose button[type=submit]")).trim(), "复制并打开聊天");
      await page.fill("#message", "明天的会改到三点");
      await page.click(".compose button[type=submit]");
      await page.waitForFunction(() => document.querySelector("#toast").textContent.includes("消息已复制"));
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "明天的会改到三点");
      assert.equal(await page.evaluate(() => localStorage.getItem("tongxunlu.frequent:exec001")), null);

      const [download] = await Promise.all([page.waitForEvent("download"), page.click('button[data-action="vcard"]')]);
      assert.equal(download.suggestedFilename(), "张伟.vcf");
      assert.equal(
        readFileSync(await download.path(), "utf8"),
        expected.vcard("staff001"),
        "the .vcf is the card, byte for byte",
      );
      await page.click('button[data-action="qr"]');
      await page.waitForSelector("#qr-dialog[open] #qr-box img");
      await shot(page, "qr-pc");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
