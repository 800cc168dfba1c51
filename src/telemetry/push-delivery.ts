// Delivery to the Pushgateway: PUT the registry's latest values every tick unless backing off
// after a failure; on a clean stop one last push, then the group's removal.
import { errorMessage } from '../errors.js';
import type { PushgatewaySink } from './pushgateway-sink.js';
import type { SinkHealth } from './sink-health.js';

export interface PushDelivery {
  /** Push now, unless a failure's backoff is still running. */
  tick(): Promise<void>;
  /** The last push (backoff or not), then DELETE the group so stale GPUs do not linger. */
  finish(): Promise<void>;
}

/** The Pushgateway side of the agent (never throws: failures are counted and backed off). */
export function createPushDelivery(sink: PushgatewaySink, health: SinkHealth, log: (line: string) => void): PushDelivery {
  const push = async (): Promise<void> => {
    try {
      await sink.push();
      health.succeeded();
    } catch (error) {
      health.failed(error);
    }
  };
  return {
    async tick() {
      if (health.ready) await push();
    },
    async finish() {
      await push();
      await sink.deleteGroup().then(
        () => log('telemetry: Pushgateway group deleted'),
        (error: unknown) => log(`telemetry: could not delete the Pushgateway group: ${errorMessage(error)}`),
      );
    },
  };
}
