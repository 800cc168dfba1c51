// How `service models` prints its answer, shared by the full command (service.ts) and the
// start-up fast path (fast-path.ts) so both print exactly the same.
import { escapeControl } from '../report/escape.js';
import type { Output } from '../report/output.js';
import type { ModelsAnswer } from '../service/models-entry.js';

/** Model ids on stdout (or the JSON document), where they came from on stderr. */
export function printModelsAnswer(out: Output, id: string, answer: ModelsAnswer): void {
  if (answer.stale) out.warn(`service ${id} is unreachable; showing the last known list from ${answer.fetched_at}`);
  if (out.json) out.dataJson(answer);
  else {
    for (const model of answer.models) out.data(escapeControl(model));
    out.info(answer.cached ? `(cached ${answer.source}, fetched ${answer.fetched_at})` : '(fetched from the server)');
  }
}
