// The three forms on the administration dashboard, posting to the control API (`aibench api serve`).
// Submit stays disabled ("manual" mode) until the validation code enables it; getPayload also refuses
// invalid values, so nothing bad is ever sent.
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  CANCEL_SERVICE_CODE, CANCEL_SERVICE_VALIDATE, MODEL_OPTIONS_CODE, SERVICE_OPTIONS_CODE, START_BENCHMARK_PAYLOAD, START_BENCHMARK_VALIDATE,
  START_SERVICE_PAYLOAD, START_SERVICE_VALIDATE, notifyCode,
} from './form-code.js';
import type { ElementBase, FormElement, FormPanelOptions, FormRequest } from './form-model.js';

export const FORM_PANEL_TYPE = 'volkovlabs-form-panel';
const API = '${control_api_url:raw}';
const AUTH = [{ name: 'Authorization', value: 'Bearer ${control_api_token}' }];

function base(form: string, id: string, title: string, tooltip = ''): ElementBase {
  return { uid: `${form}-${id}`, id, title, tooltip, section: '', unit: '', labelWidth: 20, width: null };
}

function request(overrides: Partial<FormRequest>): FormRequest {
  return {
    method: '-', url: '', header: [], contentType: 'application/json', payloadMode: 'all', getPayload: 'return {}',
    code: '', confirm: false, highlight: false, highlightColor: 'red', datasource: '', ...overrides,
  };
}

const serviceOptionsRequest = (): FormRequest => request({ method: 'GET', url: `${API}/api/services`, header: AUTH, code: SERVICE_OPTIONS_CODE });

function options(submit: string, elements: FormElement[], initial: FormRequest, update: FormRequest, validate: string, destructive = false): FormPanelOptions {
  return {
    layout: { variant: 'single', padding: 10, orientation: 'horizontal', sections: [] },
    buttonGroup: { orientation: 'center', size: 'md' },
    submit: { variant: destructive ? 'destructive' : 'primary', text: submit, icon: destructive ? 'trash-alt' : 'play', backgroundColor: 'purple', foregroundColor: 'yellow' },
    reset: { variant: 'hidden', text: 'Reset', icon: 'process', backgroundColor: 'purple', foregroundColor: 'yellow' },
    saveDefault: { variant: 'hidden', text: 'Save Default', icon: 'save' },
    resetAction: { mode: 'initial', confirm: false, code: '', getPayload: 'return {}', datasource: '' },
    confirmModal: {
      title: `${submit}?`, body: 'Please confirm', confirm: 'Confirm', cancel: 'Cancel',
      columns: { include: ['name', 'newValue'], name: 'Field', oldValue: 'Old value', newValue: 'Value' }, elementDisplayMode: 'all',
    },
    updateEnabled: 'manual',
    sync: false,
    elementValueChanged: validate,
    initial,
    update,
    elements,
  };
}

function formPanel(title: string, description: string, formOptions: FormPanelOptions): PanelBuilder {
  return new PanelBuilder().type(FORM_PANEL_TYPE).title(title).description(description).options(formOptions);
}

const serviceSelect = (form: string): FormElement => ({ ...base(form, 'service_id', 'Service', 'Running services from GET /api/services'), type: 'select', optionsSource: 'Custom', options: [], value: null });

/** Start benchmark: Duration in minutes, sent as duration_seconds (getPayload converts; raw values are never sent). */
export function startBenchmarkForm(): PanelBuilder {
  const f = 'start-benchmark';
  const elements: FormElement[] = [
    serviceSelect(f),
    { ...base(f, 'concurrency', 'Concurrency', 'Requests in flight (closed loop)'), type: 'number', value: 8 },
    { ...base(f, 'input_len', 'Input length (tokens)'), type: 'number', value: 1024, min: 1 },
    { ...base(f, 'output_len', 'Output length (tokens)'), type: 'number', value: 128, min: 1 },
    { ...base(f, 'duration_min', 'Duration (min)', 'Minutes, fractional allowed (0.5 = 30 s); must be > 0'), type: 'number', value: 5, min: 0.1 },
    { ...base(f, 'rate', 'Rate (req/s)', 'Optional open-loop request rate; leave empty for closed loop'), type: 'number', value: null, min: 0 },
    { ...base(f, 'run_now', 'Run now', 'Skip the queue (IMMEDIATE priority)'), type: 'boolean', value: false },
  ];
  const update = request({ method: 'POST', url: `${API}/api/benchmarks`, header: AUTH, payloadMode: 'custom', getPayload: START_BENCHMARK_PAYLOAD, code: notifyCode('Start benchmark') });
  return formPanel('Start benchmark', 'POST /api/benchmarks on the control API', options('Start benchmark', elements, serviceOptionsRequest(), update, START_BENCHMARK_VALIDATE));
}

/** Start service: model (a dropdown of the cluster's HF cache, GET /api/models), optional cluster, GPUs, extra `vllm serve` arguments. */
export function startServiceForm(): PanelBuilder {
  const f = 'start-service';
  const elements: FormElement[] = [
    { ...base(f, 'model', 'Model', "Models in the default cluster's HF cache (GET /api/models; marked when incomplete or from the fallback list)"), type: 'select', optionsSource: 'Custom', options: [], value: null },
    { ...base(f, 'cluster', 'Cluster', 'Cluster name from the aibench config; empty = default'), type: 'string', value: '' },
    { ...base(f, 'gpus', 'GPUs'), type: 'number', value: 1, min: 0 },
    { ...base(f, 'vllm_args', 'vLLM arguments', 'Extra `vllm serve` flags, split on whitespace'), type: 'textarea', value: '', rows: 3 },
  ];
  const initial = request({ method: 'GET', url: `${API}/api/models`, header: AUTH, code: MODEL_OPTIONS_CODE });
  const update = request({ method: 'POST', url: `${API}/api/services`, header: AUTH, payloadMode: 'custom', getPayload: START_SERVICE_PAYLOAD, code: notifyCode('Start service') });
  return formPanel('Start service', 'POST /api/services on the control API', options('Start service', elements, initial, update, START_SERVICE_VALIDATE));
}

/** Cancel service: pick a running service, confirm, DELETE /api/services/:id. */
export function cancelServiceForm(): PanelBuilder {
  const elements: FormElement[] = [serviceSelect('cancel-service')];
  const update = request({ method: '-', code: CANCEL_SERVICE_CODE, confirm: true });
  return formPanel('Cancel service', 'DELETE /api/services/:id on the control API', options('Cancel service', elements, serviceOptionsRequest(), update, CANCEL_SERVICE_VALIDATE, true));
}
