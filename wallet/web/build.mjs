// Builds the web wallet into dist/ (git-ignored; `./dev setup` runs this): esbuild bundles
// src/ui/main.js as ES modules, the engine (src/core, libsodium) and the QR decoder (zxing-wasm) as
// lazily loaded chunks; the SLIP-39 worker (src/core/slip39-worker.js) as a bundle of its own, whose
// path the engine is given as SLIP39_WORKER; the stylesheet; the static files and the message
// catalogues are copied; and the service worker gets the list of every file with its content hash
// (what it caches, and its version: any change to any file makes a new service worker). No inline
// script or style: the host's CSP is `script-src 'self'` (workers included: no `worker-src`). The
// identity document's facts, in the order a page shows them, are read from Python
// (`nansen.facts.FACT_TERMS`) as the bundle is built: there is one list.
//
// Every file is also written pre-compressed beside itself (NAME.br, brotli 11; NAME.gz, gzip 9) when
// that is smaller; the host serves whichever the browser accepts (wallet/host/web.py).
//
//   node build.mjs            build once
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { constants, brotliCompressSync, gzipSync } from "node:zlib";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const dist = join(here, "dist");
const STATIC = ["manifest.webmanifest", "icon.svg"];
const WASM = "node_modules/zxing-wasm/dist/reader/zxing_reader.wasm";

// The npm `slip39` package (guardian shares) is written for Node: it requires `crypto` and uses the
// global `Buffer`. In the worker's bundle, its `crypto` is src/core/node-crypto.js (@noble/hashes)
// and its `Buffer.from(array)` is `Uint8Array.from`; nothing else in the bundle is touched.
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

// `import FACT_TERMS from "nansen:fact-terms"`: nansen.facts.FACT_TERMS, asked of the project's Python
// (the .venv that `./dev setup` makes, or $NANSEN_PYTHON) when building.
const python = process.env.NANSEN_PYTHON ?? [join(repo, ".venv", "bin", "python")].find(existsSync) ?? "python3";
const ASK_FACT_TERMS = "import json; from nansen.facts import FACT_TERMS; print(json.dumps(FACT_TERMS))";
const factTermsFromPython = {
  name: "fact-terms-from-python",
  setup(build) {
    build.onResolve({ filter: /^nansen:fact-terms$/ }, (args) => ({ path: args.path, namespace: "nansen" }));
    build.onLoad({ filter: /.*/, namespace: "nansen" }, () => {
      const terms = JSON.parse(execFileSync(python, ["-c", ASK_FACT_TERMS], { cwd: repo, encoding: "utf8" }));
      if (!Array.isArray(terms) || terms.length === 0 || !terms.every((term) => typeof term === "string")) {
        throw new Error(`nansen.facts.FACT_TERMS is not a list of terms: ${JSON.stringify(terms)}`);
      }
      return { contents: JSON.stringify(terms), loader: "json" };
    });
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
  // A classic worker (module workers are newer than the browsers targeted), in a realm of its own:
  // the `slip39` package changes built-in prototypes there and nowhere else.
  const worker = await esbuild.build({
    absWorkingDir: here,
    entryPoints: { "slip39-worker": "src/core/slip39-worker.js" },
    outdir: dist,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome100", "firefox100", "safari15"],
    minify: true,
    entryNames: "[name]-[hash]",
    metafile: true,
    legalComments: "linked",
    logLevel: "warning",
    plugins: [slip39ForBrowsers],
  });
  const slip39Worker = Object.keys(worker.metafile.outputs)
    .map((path) => relative(dist, join(here, path)))
    .find((path) => /^slip39-worker-.*\.js$/.test(path));
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
    plugins: [factTermsFromPython],
    define: { SLIP39_WORKER: JSON.stringify(`/${slip39Worker}`) },
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
  const serviceWorker = await readFile(join(here, "static", "sw.js"), "utf8");
  const list = `const SHELL = ${JSON.stringify(Object.keys(shell))};\nconst VERSION = "${version}";\n`;
  await writeFile(join(dist, "sw.js"), list + serviceWorker);
  await precompress();
  console.log(`wallet/web/dist: ${Object.keys(shell).length} files, version ${version}`);
}

await build();
