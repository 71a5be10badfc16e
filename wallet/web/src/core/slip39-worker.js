// The dedicated Web Worker that runs the npm `slip39` package away from the wallet's page (see
// slip39-realm.js). build.mjs bundles it on its own (classic worker, from 'self' under the host's CSP).
import { serve } from "./slip39-realm.js";

serve(self);
