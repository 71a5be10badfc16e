// The service worker: keeps the app shell (every file the build wrote, listed with its content hash
// above this line by build.mjs) so that the wallet opens, shows its credentials and presents with no
// network. Installing fetches the shell but the camera's QR decoder (LAZY: a megabyte of wasm that
// only scanning needs), which is kept the first time it is used. The API (/api/) and the issuers' and
// verifiers' origins always go to the network; the host's /config.json is fetched fresh when
// possible and taken from the cache otherwise.
/* global SHELL, VERSION */
const CACHE = `nansen-wallet-${VERSION}`;
const CONFIG = "/config.json";
const LAZY = [/\/zxing_reader\.wasm$/, /\/chunks\/reader-[^/]*\.js$/];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.filter((path) => !LAZY.some((pattern) => pattern.test(path)))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

async function configFirstFromNetwork(request) {
  const cache = await caches.open(CACHE);
  try {
    const answer = await fetch(request);
    if (answer.ok) await cache.put(CONFIG, answer.clone());
    return answer;
  } catch (error) {
    const kept = await cache.match(CONFIG);
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  if (url.pathname === CONFIG) {
    event.respondWith(configFirstFromNetwork(event.request));
    return;
  }
  const path = event.request.mode === "navigate" ? "/" : url.pathname;
  if (!SHELL.includes(path)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const kept = await cache.match(path);
      if (kept) return kept;
      const answer = await fetch(event.request);
      if (answer.ok) await cache.put(path, answer.clone());
      return answer;
    }),
  );
});
