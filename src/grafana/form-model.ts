// The slice of the Business Forms panel's options (volkovlabs-form-panel, v4/v5 option names) that
// aibench sets. The foundation SDK has no builder for this plugin, so the generic PanelBuilder carries it.

export type FormElement =
  | (ElementBase & { type: 'number'; value: number | null; min?: number; max?: number })
  | (ElementBase & { type: 'string'; value: string })
  | (ElementBase & { type: 'textarea'; value: string; rows: number })
  | (ElementBase & { type: 'boolean'; value: boolean })
  | (ElementBase & { type: 'select'; value: string | null; optionsSource: 'Custom'; options: Array<{ value: string; label: string }> });

export interface ElementBase {
  uid: string;
  id: string;
  title: string;
  tooltip: string;
  section: string;
  unit: string;
  labelWidth: number;
  width: number | null;
}

export interface FormRequest {
  method: '-' | 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  header: Array<{ name: string; value: string }>;
  contentType: 'application/json';
  payloadMode: 'all' | 'updated' | 'custom';
  getPayload: string;
  code: string;
  confirm: boolean;
  highlight: boolean;
  highlightColor: string;
  datasource: string;
}

export interface FormPanelOptions {
  layout: { variant: 'single'; padding: number; orientation: 'horizontal'; sections: [] };
  buttonGroup: { orientation: 'center'; size: 'md' };
  submit: { variant: 'primary' | 'destructive'; text: string; icon: string; backgroundColor: string; foregroundColor: string };
  reset: { variant: 'hidden'; text: string; icon: string; backgroundColor: string; foregroundColor: string };
  saveDefault: { variant: 'hidden'; text: string; icon: string };
  resetAction: { mode: 'initial'; confirm: boolean; code: string; getPayload: string; datasource: string };
  confirmModal: { title: string; body: string; confirm: string; cancel: string; columns: { include: string[]; name: string; oldValue: string; newValue: string }; elementDisplayMode: 'all' };
  updateEnabled: 'auto' | 'manual' | 'disabled';
  sync: boolean;
  elementValueChanged: string;
  initial: FormRequest;
  update: FormRequest;
  elements: FormElement[];
}
