// Builds the web wallet into dist/ (git-ignored; `./dev setup` runs this): esbuild bundles
// src/ui/main.js as ES modules, the engine (src/core, libsodium) and the QR decoder (zxing-wasm) as
// lazily loaded chunks; the stylesheet; the static files and the message catalogues are copied; and
// the service worker gets the list of every file with its content hash (what it caches, and its
// version: any change to any file makes a new service worker). No inline script or style: the host's
// CSP is `script-src 'self'`.
//
// Every file is also written pre-compressed beside itself (NAME.br, brotli 11; NAME.gz, gzip 9) when
// that is smaller; the host serves whichever the browser accepts (wallet/host/web.py).
//
//   node build.mjs            build once
import { createHash } from "node:crypto";
import { constants, brotliCompressSync, gzipSync } from "node:zlib";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const STATIC = ["manifest.webmanifest", "icon.svg"];
const WASM = "node_modules/zxing-wasm/dist/reader/zxing_reader.wasm";

// The npm `slip39` package (guardian shares) is written for Node: it requires `crypto` and uses the
// global `Buffer`. In the bundle, its `crypto` is src/core/node-crypto.js (@noble/hashes) and its
// `Buffer.from(array)` is `Uint8Array.from`; nothing else in the bundle is touched.
const SLIP39 = /[\\/]node_modules[\\/]slip39[\\/]/;
const slip39ForBrowsers = {
  name: "slip39-for-browsers",
  setup(build) {
    build.onResolve({ filter: /^crypto$/ }, (args) =>
      SLIP39.test(args.importer) ? { path: join(here, "src", "core", "node-crypto.js") } : undefined,
    );
    build.onLoad({ filter: /[\\/]slip39[\\/]src[\\/]slip39_helper\.js$/ }, async (args) => ({
      contents: `const Buffer = { from: (bytes) => Uint8Array.from(bytes) };\n${await readFile(args.path, "utf8")}`,
      loader: "js",
    }));
  },
};

async function files(directory) {
  const found = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await files(path)));
    else found.push(path);
  }
  return found;
}

const digest = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** NAME.br and NAME.gz beside every file of dist/ they make smaller (the host picks by Accept-Encoding). */
async function precompress() {
  for (const path of await files(dist)) {
    if (path.endsWith(".map")) continue;
    const bytes = await readFile(path);
    const brotli = brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
    const gzip = gzipSync(bytes, { level: 9 });
    if (brotli.length < bytes.length) await writeFile(`${path}.br`, brotli);
    if (gzip.length < bytes.length) await writeFile(`${path}.gz`, gzip);
  }
}

async function build() {
  await rm(dist, { recursive: true, force: true });
  await mkdir(join(dist, "messages"), { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: { app: "src/ui/main.js", style: "static/app.css" },
    outdir: dist,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: ["chrome100", "firefox100", "safari15"],
    minify: true,
    entryNames: "[name]-[hash]",
    chunkNames: "chunks/[name]-[hash]",
    metafile: true,
    legalComments: "linked",
    // libsodium's Node-only branches (never taken in a browser).
    external: ["crypto", "fs", "path", "module", "worker_threads"],
    logLevel: "warning",
    plugins: [slip39ForBrowsers],
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => relative(dist, join(here, path)));
  const script = outputs.find((path) => /^app-.*\.js$/.test(path));
  const style = outputs.find((path) => /^style-.*\.css$/.test(path));
  const page = (await readFile(join(here, "static", "index.html"), "utf8"))
    .replace("%SCRIPT%", script)
    .replace("%STYLE%", style);
  await writeFile(join(dist, "index.html"), page);
  for (const name of STATIC) await copyFile(join(here, "static", name), join(dist, name));
  for (const name of await readdir(join(here, "messages"))) {
    if (name.endsWith(".json")) await copyFile(join(here, "messages", name), join(dist, "messages", name));
  }
  await copyFile(join(here, WASM), join(dist, "zxing_reader.wasm"));

  const shell = {};
  for (const path of (await files(dist)).sort()) {
    const name = relative(dist, path).split("\\").join("/");
    if (name.endsWith(".map") || name.endsWith(".LEGAL.txt")) continue;
    shell[name === "index.html" ? "/" : `/${name}`] = digest(await readFile(path));
  }
  const version = digest(JSON.stringify(shell)).slice(0, 16);
  await writeFile(join(dist, "shell.json"), `${JSON.stringify({ version, files: shell }, null, 1)}\n`);
  const worker = await readFile(join(here, "static", "sw.js"), "utf8");
  const list = `const SHELL = ${JSON.stringify(Object.keys(shell))};\nconst VERSION = "${version}";\n`;
  await writeFile(join(dist, "sw.js"), list + worker);
  await precompress();
  console.log(`wallet/web/dist: ${Object.keys(shell).length} files, version ${version}`);
}

await build();
