// QR codes drawn in the page, on a canvas, never fetched: the holder's DID for a partner to scan
// (byte mode) and the NV1 presentation for a verifier (alphanumeric), both at ECC level M with the
// mask chosen by ISO/IEC 18004's penalty rules, as nansen/qr/image.py draws them with segno. The
// symbol comes from the `qr` package (npm): it scores the eight masks over packed rows, which is what
// keeps a presentation's large symbol within the time budget (issue #14). The canvas holds one pixel
// per module; the stylesheet enlarges it without smoothing (`.qr`, `image-rendering: pixelated`).
import encodeQR from "qr";

/** The quiet zone around the symbol, in modules (ISO/IEC 18004:2024 §5.3.8: at least 4). */
const QUIET_ZONE = 4;

/** A canvas showing `text` as a QR code in `encoding` ("byte" or "alphanumeric"), described for screen
 * readers by `label`. */
export function qrCanvas(text, encoding, label, id) {
  const rows = encodeQR(text, "raw", { ecc: "medium", encoding, border: QUIET_ZONE });
  const size = rows.length;
  const canvas = document.createElement("canvas");
  canvas.id = id;
  canvas.className = "qr";
  canvas.width = size;
  canvas.height = size;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const context = canvas.getContext("2d");
  const image = context.createImageData(size, size);
  image.data.fill(255); // white, opaque
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) image.data.fill(0, (y * size + x) * 4, (y * size + x) * 4 + 3); // black, still opaque
    }),
  );
  context.putImageData(image, 0, 0);
  return canvas;
}
