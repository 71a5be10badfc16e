// Reading a QR code with the camera, in the page: ZXing-C++ compiled to WebAssembly (`zxing-wasm`
// from npm, the decoder the verifier uses in Python as zxing-cpp), loaded only when a person scans.
// Its wasm file is served by the host (/zxing_reader.wasm), never fetched from a CDN.

let reader = null;

async function zxing() {
  if (!reader) {
    reader = await import("zxing-wasm/reader");
    reader.prepareZXingModule({
      overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? "/zxing_reader.wasm" : prefix + path) },
      fireImmediately: true,
    });
  }
  return reader;
}

/** Starts the camera in `video` and resolves with the first QR code's text; `stop()` ends it early. */
export function scanInto(video) {
  let stream = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const track of stream?.getTracks() ?? []) track.stop();
    video.srcObject = null;
  };
  const found = (async () => {
    const { readBarcodes } = await zxing();
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    if (stopped) return stop();
    video.srcObject = stream;
    await video.play();
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    while (!stopped) {
      if (video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const [first] = await readBarcodes(image, { formats: ["QRCode"], maxNumberOfSymbols: 1 });
        if (first?.isValid) {
          stop();
          return first.text;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return null;
  })();
  found.catch(stop);
  return { found, stop };
}
