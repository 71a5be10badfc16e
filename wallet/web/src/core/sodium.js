// libsodium (wasm, from npm): the same primitives PyNaCl wraps, so the browser and the command line
// read and write the same bytes. `ready()` must resolve before any other function of the engine runs.
import sodiumModule from "libsodium-wrappers-sumo";

let loaded = null;

export async function ready() {
  await sodiumModule.ready;
  loaded = sodiumModule;
}

export function sodium() {
  if (loaded === null) {
    throw new Error("The wallet engine is not ready: await ready() first.");
  }
  return loaded;
}
