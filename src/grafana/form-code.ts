// JavaScript the Business Forms panel (volkovlabs-form-panel) runs in the browser, as strings.
// The plugin runs each with `new Function('context', replaceVariables(code))`, context.panel.elements
// being the form elements ({id, value, ...}). So: no `$` except the variables we mean Grafana to
// substitute, no template literals, and no `||` defaults that would turn 0 or false into something else.
import { MAX_DURATION_MINUTES, MIN_DURATION_SECONDS } from '../bench/spec/duration.js';
import { SERVICE_STATUSES, isFinalStatus } from '../service/record.js';

/** Statuses a service never leaves (from the service store): the dropdowns list every other service. */
const TERMINAL_SERVICE_STATES: readonly string[] = SERVICE_STATUSES.filter(isFinalStatus);

// Helpers every snippet starts with: read values by element id, and check them without coercing 0/false away.
const HELPERS = `
function formValues(elements) {
  const values = {};
  elements.forEach(function (element) { values[element.id] = element.value; });
  return values;
}
function blank(value) {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}
function toNumber(value, label) {
  if (blank(value)) throw new Error(label + ': expected a number, got nothing');
  const n = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(n)) throw new Error(label + ': expected a number, got ' + JSON.stringify(value));
  return n;
}
// Minutes -> seconds rounded to the millisecond, as the CLI's minutesToSeconds does.
function secondsOf(minutes) {
  return Math.round(minutes * 60 * 1000) / 1000;
}
function durationProblem(value) {
  if (blank(value)) return 'Duration (min): required';
  const minutes = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(minutes) || minutes <= 0) return 'Duration (min): expected a number > 0, got ' + JSON.stringify(value);
  if (minutes > ${MAX_DURATION_MINUTES}) return 'Duration (min): expected at most ${MAX_DURATION_MINUTES} minutes (7 days), got ' + minutes;
  if (secondsOf(minutes) < ${MIN_DURATION_SECONDS}) return 'Duration (min): expected minutes worth at least ${MIN_DURATION_SECONDS} s (1 ms; this rounds to 0 s), got ' + JSON.stringify(value);
  return undefined;
}
function serviceProblem(value) {
  return blank(value) ? 'Service: choose a running service' : undefined;
}
`;

/** Start benchmark, Submit: {service_id, concurrency, input_len, output_len, duration_seconds, run_now, rate?}. */
export const START_BENCHMARK_PAYLOAD = `${HELPERS}
const values = formValues(context.panel.elements);
const problem = serviceProblem(values.service_id) || durationProblem(values.duration_min);
if (problem !== undefined) throw new Error(problem);
const minutes = toNumber(values.duration_min, 'Duration (min)');
const payload = {
  service_id: String(values.service_id),
  concurrency: toNumber(values.concurrency, 'Concurrency'),
  input_len: toNumber(values.input_len, 'Input length'),
  output_len: toNumber(values.output_len, 'Output length'),
  duration_seconds: secondsOf(minutes),
  run_now: values.run_now === true,
};
if (!blank(values.rate)) payload.rate = toNumber(values.rate, 'Rate (req/s)');
return payload;
`;

/** Start service, Submit: {model, gpus?, cluster?, vllm_args?}; blank optional fields are left out, 0 is kept. */
export const START_SERVICE_PAYLOAD = `${HELPERS}
const values = formValues(context.panel.elements);
if (blank(values.model)) throw new Error('Model: required');
const payload = { model: String(values.model).trim() };
if (!blank(values.cluster)) payload.cluster = String(values.cluster).trim();
if (!blank(values.gpus)) payload.gpus = toNumber(values.gpus, 'GPUs');
if (!blank(values.vllm_args)) payload.vllm_args = String(values.vllm_args).trim().split(/\\s+/);
return payload;
`;

/** Initial request code of the forms with a service dropdown: GET /api/services -> options of `service_id`. */
export const SERVICE_OPTIONS_CODE = `${HELPERS}
const terminal = ${JSON.stringify(TERMINAL_SERVICE_STATES)};
const response = context.panel.response;
if (response && response.ok === false) {
  context.grafana.notifyError(['Control API', 'GET /api/services answered HTTP ' + response.status]);
}
const services = Array.isArray(context.panel.initial) ? context.panel.initial : [];
const options = services
  .filter(function (s) { return s && typeof s.id === 'string' && terminal.indexOf(String(s.status).toUpperCase()) < 0; })
  .map(function (s) { return { value: s.id, label: s.id + ' · ' + s.model + ' · ' + s.status + (s.cluster ? ' · ' + s.cluster : '') }; });
const elements = context.panel.elements.map(function (e) { return e.id === 'service_id' ? Object.assign({}, e, { options: options }) : e; });
context.panel.onChangeElements(elements);
const values = formValues(elements);
const hasDuration = elements.some(function (e) { return e.id === 'duration_min'; });
const problem = serviceProblem(values.service_id) || (hasDuration ? durationProblem(values.duration_min) : undefined);
if (problem === undefined) context.panel.enableSubmit(); else context.panel.disableSubmit();
`;

/** Start benchmark, on every value change: Submit stays disabled while the service or Duration is invalid. */
export const START_BENCHMARK_VALIDATE = `${HELPERS}
const values = formValues(context.panel.elements);
const problem = serviceProblem(values.service_id) || durationProblem(values.duration_min);
if (problem === undefined) {
  context.panel.enableSubmit();
  context.panel.setError('');
} else {
  context.panel.disableSubmit();
  context.panel.setError(problem);
}
`;

/** Start service, on every value change: Submit needs a model. */
export const START_SERVICE_VALIDATE = `${HELPERS}
const values = formValues(context.panel.elements);
if (blank(values.model)) context.panel.disableSubmit(); else context.panel.enableSubmit();
`;

/** Cancel service, on every value change: Submit needs a chosen service. */
export const CANCEL_SERVICE_VALIDATE = `${HELPERS}
const values = formValues(context.panel.elements);
if (serviceProblem(values.service_id) === undefined) context.panel.enableSubmit(); else context.panel.disableSubmit();
`;

/**
 * Cancel service, Submit (update method "-"): DELETE /api/services/:id itself, because the plugin's URL
 * cannot hold a form value. URL and token come from the dashboard constants as JSON string literals.
 */
export const CANCEL_SERVICE_CODE = `${HELPERS}
const values = formValues(context.panel.elements);
const problem = serviceProblem(values.service_id);
if (problem !== undefined) throw new Error(problem);
let base = String(\${control_api_url:json});
while (base.endsWith('/')) base = base.slice(0, -1);
const token = String(\${control_api_token:json});
return fetch(base + '/api/services/' + encodeURIComponent(String(values.service_id)), {
  method: 'DELETE',
  headers: { Authorization: 'Bearer ' + token },
}).then(function (response) {
  if (response.ok) {
    context.grafana.notifySuccess(['Cancel service', 'Cancelled ' + values.service_id]);
    if (context.panel.initialRequest) return context.panel.initialRequest();
  } else {
    context.grafana.notifyError(['Cancel service', 'The control API answered HTTP ' + response.status]);
  }
  return undefined;
}, function (error) {
  context.grafana.notifyError(['Cancel service', String(error)]);
});
`;

/** After a POST: tell the person what the control API said. */
export function notifyCode(title: string): string {
  return `const response = context.panel.response;
if (response && response.ok) {
  context.grafana.notifySuccess([${JSON.stringify(title)}, 'Accepted (HTTP ' + response.status + ')']);
} else {
  context.grafana.notifyError([${JSON.stringify(title)}, response ? 'The control API answered HTTP ' + response.status : 'The control API could not be reached']);
}
`;
}

/**
 * Initial request code of Start service: GET /api/models (the default cluster's HF cache, or its
 * configured fallback list) -> options of the `model` dropdown. Incomplete models are listed,
 * marked, so a person sees why one would be refused; a fallback list is marked as such.
 */
export const MODEL_OPTIONS_CODE = `${HELPERS}
const response = context.panel.response;
if (response && response.ok === false) {
  context.grafana.notifyError(['Control API', 'GET /api/models answered HTTP ' + response.status]);
}
const catalogue = context.panel.initial && Array.isArray(context.panel.initial.models) ? context.panel.initial : { models: [] };
const fallback = catalogue.source === 'fallback';
const options = catalogue.models
  .filter(function (m) { return m && typeof m.id === 'string'; })
  .map(function (m) {
    const notes = [];
    if (fallback) notes.push('fallback list');
    else if (m.complete === false) notes.push('incomplete');
    if (typeof m.parameters === 'number') notes.push((m.parameters / 1e9).toFixed(1) + 'B');
    if (typeof m.dtype === 'string') notes.push(m.dtype);
    return { value: m.id, label: m.id + (notes.length > 0 ? ' · ' + notes.join(' · ') : '') };
  });
const elements = context.panel.elements.map(function (e) { return e.id === 'model' ? Object.assign({}, e, { options: options }) : e; });
context.panel.onChangeElements(elements);
if (fallback) context.grafana.notifyError(['Models', 'The cluster could not be read; showing the configured fallback list']);
if (blank(formValues(elements).model)) context.panel.disableSubmit(); else context.panel.enableSubmit();
`;
