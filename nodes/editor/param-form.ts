import type { ParamSpec } from '../../src/protocol/catalogue';
import { hasOwn, isBlank, textOf } from './values';

/** Parameters that name a peer: the dialog offers ids the Room knows (live list) as suggestions. */
export const PEER_PARAMS = ['peerId', 'callId', 'cameraOwnerCallId'];

/** What one row of the form holds now: `set` false when empty; `error` when it does not read as its type. */
export interface RowValue {
  set: boolean;
  value?: unknown;
  error?: string;
}

export interface ParamRow {
  name: string;
  row: JQuery;
  input: JQuery;
  /** Reads the row and shows its error, if any. */
  read(): RowValue;
  set(value: unknown): void;
}

type Translate = EditorNode['_'];

function idFor(param: string): string {
  return 'node-input-param-' + String(param).replace(/[^A-Za-z0-9_-]/g, '_');
}

function paramPlaceholder(t: Translate, spec: Partial<ParamSpec>): string {
  const type = spec.type || 'any';
  let text = t('room-command.editor.types.' + type);
  if (text.indexOf('room-command.') === 0) text = type;
  if (hasOwn(spec, 'default'))
    text += ', ' + t('room-command.editor.params.default', { value: JSON.stringify(spec.default) });
  return text;
}

/** Text of the empty choice of a select: "choose" when required, else "not set" (with the Room's default). */
function emptyChoice(t: Translate, spec: Partial<ParamSpec>): string {
  if (spec.required) return t('room-command.editor.params.choose');
  if (hasOwn(spec, 'default'))
    return t('room-command.editor.params.unsetDefault', { value: JSON.stringify(spec.default) });
  return t('room-command.editor.params.unset');
}

function valueToText(spec: Partial<ParamSpec>, value: unknown): string {
  if (value === undefined || value === null) return '';
  const type = spec.type || 'any';
  if (type === 'object' || type === 'array' || type === 'any') {
    return typeof value === 'string' && type === 'any' ? value : JSON.stringify(value);
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

interface Control {
  input: JQuery;
  read(): RowValue;
  set(value: unknown): void;
}

function emptySelect(id: string, t: Translate, spec: Partial<ParamSpec>): JQuery {
  const input = $('<select class="room-param-input"></select>').attr('id', id);
  $('<option value=""></option>').text(emptyChoice(t, spec)).appendTo(input);
  return input;
}

function enumControl(id: string, t: Translate, spec: Partial<ParamSpec>, choices: unknown[]): Control {
  const input = emptySelect(id, t, spec);
  choices.forEach((v, i) => {
    $('<option></option>').attr('value', String(i)).text(String(v)).appendTo(input);
  });
  return {
    input,
    read() {
      const i = textOf(input);
      return i === '' ? { set: false } : { set: true, value: choices[Number(i)] };
    },
    set(v) {
      const index = choices.findIndex((e) => e === v || String(e) === String(v));
      input.val(index < 0 ? '' : String(index));
    },
  };
}

function booleanControl(id: string, t: Translate, spec: Partial<ParamSpec>): Control {
  const input = emptySelect(id, t, spec);
  $('<option value="true">true</option>').appendTo(input);
  $('<option value="false">false</option>').appendTo(input);
  return {
    input,
    read() {
      const v = textOf(input);
      return v === 'true' ? { set: true, value: true } : v === 'false' ? { set: true, value: false } : { set: false };
    },
    set(v) {
      input.val(v === true || v === 'true' ? 'true' : v === false || v === 'false' ? 'false' : '');
    },
  };
}

function numberControl(id: string, t: Translate, integer: boolean): Control {
  const input = $('<input type="number" class="room-param-input">')
    .attr('id', id)
    .attr('step', integer ? '1' : 'any');
  return {
    input,
    read() {
      const raw = textOf(input);
      if (isBlank(raw)) {
        // A browser gives '' for text it cannot read as a number: tell the user instead of dropping it.
        const bad = (input[0] as HTMLInputElement).validity?.badInput;
        return bad ? { set: false, error: t('room-command.editor.params.notNumber') } : { set: false };
      }
      const n = Number(raw);
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
        const key = integer ? 'room-command.editor.params.notInteger' : 'room-command.editor.params.notNumber';
        return { set: true, value: raw, error: t(key) };
      }
      return { set: true, value: n };
    },
    set(v) {
      input.val(v === undefined || v === null ? '' : String(v));
    },
  };
}

function jsonControl(id: string, t: Translate, spec: Partial<ParamSpec>): Control {
  const type = spec.type || 'any';
  const input = $('<input type="text" class="room-param-input room-param-json">').attr('id', id);
  return {
    input,
    read() {
      const raw = textOf(input);
      if (isBlank(raw)) return { set: false };
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        if (type === 'any') return { set: true, value: raw };
        return { set: true, value: raw, error: t('room-command.editor.params.notJson') };
      }
      if (type === 'array' && !Array.isArray(parsed))
        return { set: true, value: raw, error: t('room-command.editor.params.notArray') };
      if (type === 'object' && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)))
        return { set: true, value: raw, error: t('room-command.editor.params.notObject') };
      return { set: true, value: parsed };
    },
    set(v) {
      input.val(valueToText(spec, v));
    },
  };
}

function textControl(id: string, spec: Partial<ParamSpec>): Control {
  const input = $('<input type="text" class="room-param-input">').attr('id', id);
  return {
    input,
    read() {
      const raw = textOf(input);
      return raw === '' ? { set: false } : { set: true, value: raw };
    },
    set(v) {
      input.val(valueToText(spec, v));
    },
  };
}

function controlFor(id: string, t: Translate, spec: Partial<ParamSpec>): Control {
  const type = spec.type || 'any';
  if (Array.isArray(spec.enum) && spec.enum.length) return enumControl(id, t, spec, spec.enum);
  if (type === 'boolean') return booleanControl(id, t, spec);
  if (type === 'integer' || type === 'number') return numberControl(id, t, type === 'integer');
  if (type === 'object' || type === 'array' || type === 'any') return jsonControl(id, t, spec);
  return textControl(id, spec);
}

/** One row of the parameter form, built from the parameter's catalogue schema. */
export function paramRow(node: EditorNode, name: string, given: Partial<ParamSpec> | undefined): ParamRow {
  const spec = given || {};
  const t: Translate = (key, subs) => node._(key, subs);
  const type = spec.type || 'any';
  const id = idFor(name);
  const row = $('<div class="form-row room-param-row"></div>').attr('data-param', name).attr('data-type', type);
  const label = $('<label></label>').attr('for', id).appendTo(row);
  $('<span class="room-param-name"></span>').text(name).appendTo(label);
  if (spec.required) {
    $('<span class="room-param-required">*</span>')
      .attr('title', t('room-command.editor.params.required'))
      .appendTo(label);
  }
  if (spec.note) label.attr('title', spec.note);
  const control = controlFor(id, t, spec);
  const input = control.input;
  if (input.is('input')) input.attr('placeholder', paramPlaceholder(t, spec));
  input.attr('data-param-input', name).appendTo(row);
  if (PEER_PARAMS.indexOf(name) >= 0 && input.is('input[type="text"]')) {
    const listId = id + '-options';
    input.attr('list', listId).attr('autocomplete', 'off');
    $('<datalist></datalist>').attr('id', listId).appendTo(row);
  }
  let note = spec.note ? String(spec.note) : '';
  if (type === 'array' && spec.items)
    note = (note ? note + ' · ' : '') + t('room-command.editor.params.arrayOf', { items: spec.items });
  if (note) $('<div class="room-param-note"></div>').text(note).appendTo(row);
  const error = $('<div class="room-param-error"></div>').appendTo(row);
  function check(): RowValue {
    const r = control.read();
    input.toggleClass('input-error', !!r.error);
    error.text(r.error || '').toggle(!!r.error);
    return r;
  }
  input.on('change input', check);
  return { name, row, input, read: check, set: control.set };
}
