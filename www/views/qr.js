// The QR business card (二维码名片) in its dialog. It is shown as a picture (PNG), so that
// WeChat's long-press offers 识别图中二维码 and 保存图片, which it does for images and not for
// inline SVG; the SVG itself where drawing it fails.

import { h } from "./dom.js";

/** Opens `dialog` with `m`'s card as a QR code; `hint` replaces the dialog's usual hint. */
export async function showQr({ dir, dialog, m, opener, hint, toast }) {
  let svg;
  try {
    svg = dir.qrSvg(m.userid);
  } catch (err) {
    console.warn("tongxunlu: no QR code:", err);
    return toast("无法生成二维码，请稍后再试");
  }
  dialog.querySelector("#qr-title").textContent = `${m.name} 的名片`;
  const hintEl = dialog.querySelector(".hint");
  hintEl.dataset.usual ??= hintEl.textContent;
  hintEl.textContent = hint ?? hintEl.dataset.usual;
  const label = `${m.name} 的名片二维码`;
  const picture = await qrPicture(svg).catch(() => null);
  const box = dialog.querySelector("#qr-box");
  if (picture) {
    box.replaceChildren(h("img", { src: picture, alt: label, class: "qr-image" }));
  } else {
    // The SVG comes from the engine (paths and rectangles only), parsed as SVG, not HTML.
    const el = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", label);
    box.replaceChildren(document.importNode(el, true));
  }
  dialog.showModal();
  dialog.addEventListener("close", () => opener?.focus(), { once: true });
}

/** The engine's QR SVG drawn as a PNG data URL, its modules sharp at any size the phone shows. */
async function qrPicture(svg) {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const side = 640;
  const canvas = Object.assign(document.createElement("canvas"), { width: side, height: side });
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, side, side);
  ctx.drawImage(image, 0, 0, side, side);
  return canvas.toDataURL("image/png");
}
