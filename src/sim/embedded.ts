// The embedded simulator: what `bench run` without a URL and suites' `kind: sim` services start.
import type { SimProfile } from './embedded-profile.js';
import { embeddedSimOptions } from './embedded-profile.js';
import { startSimServer, type SimServer } from './server.js';

/** Start a simulator for a profile's `sim:` settings on 127.0.0.1, any free port; close() stops it. */
export function startEmbeddedSim(profile: SimProfile = {}): Promise<SimServer> {
  return startSimServer(embeddedSimOptions(profile));
}
