// The wallet engine (src/core, libsodium's wasm), loaded only when a screen first needs it: this
// module is esbuild's lazily loaded chunk, so the first load stays small.
export * from "../core/index.js";
