import { catalogueForValidation, loadCatalogue, type EditorCatalogue, type EditorMethod } from './catalogue';
import { LiveLists } from './live-lists';
import { attachMethodPicker } from './method-picker';
import { paramRow, type ParamRow } from './param-form';
import { showRoomNames } from './room-names';
import { isPlainObject } from '../../src/protocol/plain-object';
import { hasOwn, isBlank, textOf } from './values';

// Validators take two arguments (the second unused): Node-RED then shows a returned text as the reason.

/** The node whose dialog is open: its live "strict" box counts for the method validator. */
let editingNode: EditorNode | null = null;

function methodSpec(data: EditorCatalogue | null, method: string): EditorMethod | null {
  return data && method && hasOwn(data.methods, method) ? data.methods[method] : null;
}

/**
 * `method` validator. With "Only catalogue methods" the runtime refuses other names (UNKNOWN_METHOD): say so
 * before deploy. Accepted while the catalogue is not known.
 */
export function validateMethod(this: EditorNode, v: unknown, _opt: unknown): boolean | string {
  const method = String(v === undefined || v === null ? '' : v).trim();
  if (!method) return true;
  const box = editingNode === this ? $('#node-input-strict') : null;
  const strict = box && box.length ? box.prop('checked') : this.strict;
  if (strict === false || strict === 'false') return true;
  const data = catalogueForValidation();
  if (!data || hasOwn(data.methods, method)) return true;
  return this._('room-command.editor.validate.unknownMethod', { method });
}

/**
 * `params` validator: why configured params are not what the runtime takes (a plain object or its JSON text),
 * or values the form saved as typed because they did not read as their catalogue type. Invalid JSON is saved
 * as typed (a string) so nothing is lost; it marks the node invalid.
 */
export function validateParams(this: EditorNode, value: unknown, _opt: unknown): boolean | string {
  if (value === undefined || value === null || value === '') return true;
  let params = value;
  if (typeof value === 'string') {
    try {
      params = JSON.parse(value);
    } catch {
      return this._('room-command.editor.validate.paramsJson');
    }
  }
  if (!isPlainObject(params)) return this._('room-command.editor.validate.paramsObject');
  const spec = methodSpec(catalogueForValidation(), String(this.method || '').trim());
  if (!spec || !spec.params) return true;
  const bad = Object.keys(params).filter((k) => {
    if (!hasOwn(spec.params, k)) return false;
    const type = spec.params[k].type;
    const v = params[k];
    if (type === 'object') return !isPlainObject(v);
    if (type === 'array') return !Array.isArray(v);
    if (type === 'integer') return !(typeof v === 'number' && Number.isInteger(v));
    if (type === 'number') return !(typeof v === 'number' && Number.isFinite(v));
    return false;
  });
  return bad.length ? this._('room-command.editor.validate.paramsTypes', { names: bad.join(', ') }) : true;
}

/** `timeout` validator: empty, or a positive number of ms up to the runtime's limit (sent with the catalogue). */
export function validateTimeout(v: unknown): boolean {
  if (isBlank(v)) return true;
  const n = Number(v);
  const max = catalogueForValidation()?.limits.maxTimeoutMs ?? Infinity;
  return Number.isFinite(n) && n > 0 && n <= max;
}

interface CurrentParams {
  /** null when what is shown does not read as parameters (errors say why). */
  params: Record<string, unknown> | null;
  errors: string[];
}

/** The room-command edit dialog: method picker, parameter form or JSON, outcome option, hints. */
class CommandDialog {
  private readonly methodInput = $('#node-input-method');
  private readonly form = $('#node-input-params-form');
  private readonly jsonRow = $('#node-input-params-json-row');
  private readonly jsonArea = $('#node-input-params-json');
  private readonly jsonError = $('#node-input-params-json-error');
  private readonly toggle = $('#node-input-params-mode');
  private readonly live: LiveLists;
  private readonly picker;

  /** null until loaded; false when it could not be loaded. */
  private catalogue: EditorCatalogue | null | false = null;
  /** Rows of the form currently shown. */
  private rows: ParamRow[] = [];
  /** Saved parameters the chosen method's schema does not list. */
  private extras: Record<string, unknown> = {};
  private mode: 'form' | 'json' = 'json';
  private shownMethod: string | null = null;

  constructor(private readonly node: EditorNode) {
    this.live = new LiveLists(node);
    this.picker = attachMethodPicker({
      node,
      input: this.methodInput,
      list: $('#node-input-method-list'),
      catalogue: () => this.catalogue || null,
      onMethod: (name) => this.showMethod(name),
    });
  }

  private t(key: string, subs?: Record<string, unknown>): string {
    return this.node._(key, subs);
  }

  private specOf(name: string | null): EditorMethod | null {
    return name ? methodSpec(this.catalogue || null, name) : null;
  }

  start(): void {
    const node = this.node;
    if (typeof node.params === 'string') {
      // Text saved as typed (it did not parse, or an older flow kept JSON text): shown unchanged.
      this.jsonArea.val(node.params);
    } else {
      const initial = isPlainObject(node.params) ? node.params : {};
      this.jsonArea.val(Object.keys(initial).length ? JSON.stringify(initial, null, 2) : '');
    }
    // A saved text that does not parse is flagged as soon as the dialog opens.
    const cur = this.currentParams();
    this.showJsonError(cur.params ? '' : cur.errors.join('; '));

    this.toggle.on('click', (e) => {
      e.preventDefault();
      const spec = this.specOf(this.shownMethod);
      if (!spec) return;
      const now = this.currentParams();
      if (!now.params) {
        this.showJsonError(now.errors.join('; '));
        return;
      }
      this.setMode(this.mode === 'form' ? 'json' : 'form', spec, now.params);
    });
    this.jsonArea.on('input change', () => {
      const now = this.currentParams();
      this.showJsonError(now.params ? '' : now.errors.join('; '));
    });
    $('#node-input-strict').on('change', () => this.syncHint(this.specOf(this.shownMethod), this.shownMethod || ''));
    $('#node-input-room').on('change', () => {
      if (this.mode === 'form') this.fillLiveLists();
    });
    this.form.data('room-collect', () => this.currentParams());

    const status = $('#node-input-catalogue-status');
    status.text(this.t('room-command.editor.catalogue.loading')).attr('data-state', 'loading').show();
    this.form.hide();
    this.jsonRow.show();
    this.toggle.hide();
    const method = String(node.method || '');
    this.syncOutcome(null, method);
    this.syncHint(null, method);
    loadCatalogue().then(
      (data) => {
        this.catalogue = data;
        status.text('').attr('data-state', 'loaded').hide();
        this.showMethod(textOf(this.methodInput), true);
        // Node-RED judges the method field again (red frame) now that the catalogue can tell.
        this.methodInput.trigger('change');
        if (this.methodInput.is(':focus')) this.picker.open();
      },
      () => {
        this.catalogue = false;
        status.text(this.t('room-command.editor.catalogue.failed')).attr('data-state', 'failed').show();
        this.showMethod(textOf(this.methodInput), true);
      },
    );
  }

  /** The parameters as the dialog shows them now; errors listed, values kept so nothing typed is lost. */
  currentParams(): CurrentParams {
    if (this.mode === 'json') {
      const raw = textOf(this.jsonArea);
      if (isBlank(raw)) return { params: {}, errors: [] };
      try {
        const parsed: unknown = JSON.parse(raw);
        if (!isPlainObject(parsed)) return { params: null, errors: [this.t('room-command.editor.params.notObject')] };
        return { params: parsed, errors: [] };
      } catch {
        return { params: null, errors: [this.t('room-command.editor.params.notJson')] };
      }
    }
    const params: Record<string, unknown> = {};
    const errors: string[] = [];
    for (const r of this.rows) {
      const res = r.read();
      if (res.error) errors.push(r.name + ': ' + res.error);
      if (res.set) params[r.name] = res.value;
    }
    for (const k of Object.keys(this.extras)) params[k] = JSON.parse(JSON.stringify(this.extras[k])) as unknown; // a copy: the form may be re-rendered
    return { params, errors };
  }

  private showJsonError(text: string): void {
    this.jsonError.text(text || '').toggle(!!text);
    this.jsonArea.toggleClass('input-error', !!text);
  }

  private renderForm(spec: EditorMethod, values: Record<string, unknown>): void {
    const form = this.form.empty();
    this.rows = [];
    this.extras = {};
    const specs = spec.params || {};
    // Required parameters first, then the catalogue's order.
    const names = Object.keys(specs).sort((a, b) => (specs[b].required ? 1 : 0) - (specs[a].required ? 1 : 0));
    for (const name of names) {
      const r = paramRow(this.node, name, specs[name]);
      if (hasOwn(values, name)) r.set(values[name]);
      r.row.appendTo(form);
      this.rows.push(r);
    }
    for (const k of Object.keys(values)) if (!hasOwn(specs, k)) this.extras[k] = values[k];
    if (!names.length)
      $('<div class="room-params-empty"></div>').text(this.t('room-command.editor.params.none')).appendTo(form);
    const extraNames = Object.keys(this.extras);
    if (extraNames.length) {
      $('<div class="room-params-extra" id="node-input-params-extra"></div>')
        .text(this.t('room-command.editor.params.extra', { names: extraNames.join(', ') }))
        .appendTo(form);
    }
    for (const r of this.rows) r.read();
    this.fillLiveLists();
  }

  private fillLiveLists(): void {
    const method = this.shownMethod || '';
    this.live.fill(this.rows, method, () => this.shownMethod === method);
  }

  private setToggleLabel(): void {
    const key = this.mode === 'form' ? 'room-command.editor.params.asJson' : 'room-command.editor.params.asForm';
    this.toggle.find('span').text(this.t(key));
    this.toggle.attr('data-mode', this.mode);
  }

  private setMode(mode: 'form' | 'json', spec: EditorMethod | null, values: Record<string, unknown>): void {
    this.mode = mode;
    if (mode === 'form' && spec) {
      this.renderForm(spec, values);
      this.form.show();
      this.jsonRow.hide();
    } else {
      this.form.hide().empty();
      this.rows = [];
      this.extras = {};
      this.jsonArea.val(Object.keys(values).length ? JSON.stringify(values, null, 2) : '');
      this.showJsonError('');
      this.jsonRow.show();
    }
    this.toggle.toggle(!!spec);
    this.setToggleLabel();
  }

  private syncOutcome(spec: EditorMethod | null, method: string): void {
    const box = $('#node-input-waitForOutcome');
    // An empty method is taken from the message: the option then applies to methods that have an outcome.
    // Until the catalogue is known (or when it cannot be loaded) nothing is judged, so nothing is unticked.
    const possible = !method || !this.catalogue || !!(spec && spec.outcome);
    if (!possible) box.prop('checked', false);
    box.prop('disabled', !possible);
    $('#node-input-row-waitForOutcome').toggleClass('room-disabled', !possible);
    $('#node-input-waitForOutcome-hint').text(
      !method
        ? this.t('room-command.editor.outcome.fromMsg')
        : !this.catalogue
          ? ''
          : possible
            ? this.t('room-command.editor.outcome.available')
            : this.t('room-command.editor.outcome.none'),
    );
  }

  private syncHint(spec: EditorMethod | null, method: string): void {
    const hint = $('#node-input-method-hint').removeClass('room-hint-warning');
    const strict = !!$('#node-input-strict').prop('checked');
    const unknown = !!this.catalogue && !spec;
    let text = '';
    if (!method) {
      text = this.t('room-command.editor.hint.fromMsg');
    } else if (unknown) {
      text = this.t(strict ? 'room-command.editor.hint.unknownStrict' : 'room-command.editor.hint.unknown', { method });
      if (strict) hint.addClass('room-hint-warning');
    }
    const state = !method ? 'from-msg' : unknown ? (strict ? 'unknown-strict' : 'unknown') : '';
    hint.text(text).toggle(!!text).attr('data-hint', state);
  }

  private showMethodInfo(spec: EditorMethod | null): void {
    $('#node-input-method-admin').toggle(!!(spec && spec.adminOnly));
    $('#node-input-method-outcome').toggle(!!(spec && spec.outcome));
    const doc = $('#node-input-method-doc');
    if (spec && spec.doc) {
      doc
        .attr('href', spec.doc)
        .attr('title', spec.docGuessed ? this.t('room-command.editor.docGuessed') : spec.doc)
        .toggleClass('room-doc-guessed', !!spec.docGuessed)
        .show();
    } else {
      doc.removeAttr('href').hide();
    }
    $('#node-input-method-notes')
      .toggle(!!(spec && spec.notes))
      .find('div')
      .text(spec && spec.notes ? spec.notes : '');
    $('#node-input-method-info').toggle(!!spec);
  }

  showMethod(given: string, force = false): void {
    const method = String(given || '').trim();
    if (method === this.shownMethod && !force) return;
    const cur = this.currentParams();
    let values = cur.params || {};
    const switching = this.shownMethod !== null && this.shownMethod !== method;
    this.shownMethod = method;
    const spec = this.specOf(method);
    if (switching && spec) {
      // Carry over only what the new method takes (a peerId typed for call stays for kickPeer).
      const kept: Record<string, unknown> = {};
      for (const k of Object.keys(values)) if (hasOwn(spec.params || {}, k)) kept[k] = values[k];
      values = kept;
    }
    this.showMethodInfo(spec);
    if (!cur.params && this.mode === 'json') {
      // Keep whatever the user typed in the JSON box rather than throwing it away.
      this.showJsonError(cur.errors.join('; '));
      this.toggle.toggle(!!spec).attr('data-mode', this.mode);
      this.toggle.find('span').text(this.t('room-command.editor.params.asForm'));
    } else {
      this.setMode(spec ? 'form' : 'json', spec, values);
    }
    this.syncOutcome(spec, method);
    this.syncHint(spec, method);
  }
}

export function prepare(node: EditorNode): void {
  editingNode = node;
  new CommandDialog(node).start();
  showRoomNames(node, 'room-command', '#node-input-roomFromMsg-names');
}

export function save(node: EditorNode): void {
  editingNode = null;
  const method = textOf($('#node-input-method')).trim();
  $('#node-input-method').val(method);
  const collect = $('#node-input-params-form').data('room-collect') as (() => CurrentParams) | undefined;
  const cur = collect ? collect() : { params: (node.params as Record<string, unknown>) || {}, errors: [] };
  if (cur.params) {
    node.params = cur.params;
  } else {
    // Like the function node with invalid code: keep what was typed (as text), and let the params validator
    // mark the node invalid; the runtime refuses such params without sending anything.
    node.params = textOf($('#node-input-params-json'));
  }
  if (cur.errors.length) {
    RED.notify(node._('room-command.editor.params.invalidSaved', { errors: cur.errors.join('; ') }), 'error');
  }
}

export function close(): void {
  editingNode = null;
}
