// The Start-service form's model dropdown, its code run as the Business Forms plugin runs it, fed
// by GET /api/models answers (the HF cache catalogue, or the configured fallback list).
import { describe, expect, it, vi } from 'vitest';
import { MODEL_OPTIONS_CODE } from '../../../src/grafana/form-code.js';
import type { FormElement } from '../../../src/grafana/form-model.js';
import { startServiceForm } from '../../../src/grafana/forms.js';

const run = (code: string, context: unknown) => new Function('context', code)(context) as unknown;
const form = () => startServiceForm().build().options as { elements: FormElement[]; initial: { method: string; url: string; code: string } };

function answer(initial: unknown) {
  const onChangeElements = vi.fn();
  const panel = { initial, response: { ok: true, status: 200 }, elements: form().elements, onChangeElements, enableSubmit: vi.fn(), disableSubmit: vi.fn() };
  const grafana = { notifyError: vi.fn() };
  run(MODEL_OPTIONS_CODE, { panel, grafana });
  const model = (onChangeElements.mock.calls[0]![0] as Array<{ id: string; options?: Array<{ value: string; label: string }> }>).find((e) => e.id === 'model');
  return { options: model?.options ?? [], panel, grafana };
}

describe('Start service: the model dropdown', () => {
  it('is a select whose initial request is GET /api/models with the token', () => {
    const f = form();
    expect(f.elements.find((e) => e.id === 'model')).toMatchObject({ type: 'select', options: [] });
    expect(f.initial).toMatchObject({ method: 'GET', url: '${control_api_url:raw}/api/models', code: MODEL_OPTIONS_CODE });
  });

  it('lists the catalogue, marking incomplete models, with size and dtype', () => {
    const { options, panel } = answer({
      cluster: 'hpc', source: 'hf-cache', models: [
        { id: 'meta-llama/Llama-3.1-8B-Instruct', complete: true, parameters: 8.03e9, dtype: 'BF16' },
        { id: 'org/partial', complete: false },
      ],
    });
    expect(options).toEqual([
      { value: 'meta-llama/Llama-3.1-8B-Instruct', label: 'meta-llama/Llama-3.1-8B-Instruct · 8.0B · BF16' },
      { value: 'org/partial', label: 'org/partial · incomplete' },
    ]);
    expect(panel.disableSubmit).toHaveBeenCalled();
  });

  it('marks a fallback list as such and says why', () => {
    const { options, grafana } = answer({ cluster: 'hpc', source: 'fallback', models: [{ id: 'a/b' }], error: 'ssh: connection refused' });
    expect(options).toEqual([{ value: 'a/b', label: 'a/b · fallback list' }]);
    expect(grafana.notifyError).toHaveBeenCalledWith(['Models', expect.stringContaining('fallback')]);
  });

  it('survives an answer without models', () => {
    expect(answer(undefined).options).toEqual([]);
  });
});
