// QR codes drawn in the page (the `qrcode` package from npm), on a canvas, never fetched: the holder's
// DID for a partner to scan, and the NV1 presentation for a verifier (alphanumeric, ECC M, as
// nansen/qr/codec.py sizes them).
import QRCode from "qrcode";

/** A canvas showing `text` as a QR code, described for screen readers by `label`. */
export async function qrCanvas(text, label, id) {
  const canvas = document.createElement("canvas");
  canvas.id = id;
  canvas.className = "qr";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  await QRCode.toCanvas(canvas, text, { errorCorrectionLevel: "M", margin: 4, scale: 6 });
  return canvas;
}
