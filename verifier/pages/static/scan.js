// The scan page: camera frames, every 300 ms, go to POST /scan as JPEG; the server decodes and verifies.
// Every word shown comes from the page (the server's catalogue); this script only shows and hides.
"use strict";

(function () {
  const scanner = document.getElementById("scanner");
  const result = document.getElementById("result");
  const video = document.getElementById("camera");
  const problem = document.getElementById("scan-problem");
  const canvas = document.createElement("canvas");
  const INTERVAL_MS = 300;
  const MAX_WIDTH = 1280;
  let stream = null;
  let timer = null;
  let busy = false;

  function status(id) {
    for (const line of scanner.querySelectorAll("[data-status]")) {
      line.hidden = line.id !== id;
    }
  }

  function stop() {
    clearInterval(timer);
    if (stream) {
      stream.getTracks().forEach((track) => track.stop());
    }
    video.srcObject = null;
  }

  function show(answer) {
    const shown = answer.getElementById("result");
    stop();
    scanner.hidden = true;
    result.replaceChildren(...shown.childNodes);
    result.focus();
  }

  async function send(blob) {
    try {
      const response = await fetch(scanner.dataset.scan, {
        method: "POST",
        body: blob,
        headers: { "Content-Type": "image/jpeg", Accept: "text/html" },
        cache: "no-store",
        credentials: "same-origin",
      });
      const answer = new DOMParser().parseFromString(await response.text(), "text/html");
      if (response.ok && answer.getElementById("result")) {
        show(answer);
        return;
      }
      status("scan-pointing");
      const refusal = answer.querySelector("[data-problem]");
      // Most frames hold no readable code yet, or come while others are read: keep scanning quietly.
      if (refusal && !["no-qr-code", "busy"].includes(refusal.dataset.problem)) {
        problem.textContent = refusal.textContent;
        problem.hidden = false;
      }
    } catch (error) {
      status("scan-offline");
    } finally {
      busy = false;
    }
  }

  function capture() {
    if (busy || !video.videoWidth) {
      return;
    }
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    busy = true;
    canvas.toBlob((blob) => (blob ? send(blob) : (busy = false)), "image/jpeg", 0.85);
  }

  async function start() {
    scanner.hidden = false;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status("scan-no-camera");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      video.srcObject = stream;
      await video.play();
    } catch (error) {
      stop();
      status("scan-no-camera");
      return;
    }
    status("scan-pointing");
    timer = setInterval(capture, INTERVAL_MS);
  }

  if (scanner && result && video) {
    start();
  }
})();
