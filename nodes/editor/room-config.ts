import { loadCatalogue } from './catalogue';
import { isBlank, textOf } from './values';

function isPort(v: unknown): boolean {
  const n = Number(v);
  return String(v).trim() !== '' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** `wsPort` validator. */
export function isOptionalPort(v: unknown): boolean {
  return isBlank(v) || isPort(v);
}

/** `port` validator: the web port may be left empty only when a WebSocket port makes discovery unnecessary. */
export function validatePort(this: EditorNode, v: unknown): boolean {
  const blank = isBlank(v);
  return blank ? v === undefined || isPort(this.wsPort) : isPort(v);
}

function intOrUndefined(v: string): number | undefined {
  return v.trim() === '' ? undefined : Number(v);
}

/** The dialog's current values: what "Test connection" checks, saved or not. */
function dialogValues(node: EditorNode): Record<string, unknown> {
  const secret = textOf($('#node-config-input-secret'));
  return {
    id: node.id,
    host: textOf($('#node-config-input-host')).trim(),
    port: intOrUndefined(textOf($('#node-config-input-port'))),
    wsPort: intOrUndefined(textOf($('#node-config-input-wsPort'))),
    instance: textOf($('#node-config-input-instance')).trim() || 'default',
    apiVersion: $('#node-config-input-apiVersion').val(),
    authType: $('#node-config-input-authType').val(),
    role: $('#node-config-input-role').val(),
    tls: $('#node-config-input-tls').prop('checked'),
    tlsInsecure: $('#node-config-input-tlsInsecure').prop('checked'),
    // '__PWRD__' is the editor's stand-in for a stored password: send '' so the runtime uses the stored one.
    secret: secret === '__PWRD__' ? '' : secret,
  };
}

type TestResult = 'ok' | 'failed' | 'running' | 'untested';

function showTestResult(kind: TestResult, text: string): void {
  const el = $('#node-config-test-connection-result');
  el.removeClass('room-test-ok room-test-failed room-test-running room-test-untested').addClass('room-test-' + kind);
  el.empty();
  const icon =
    kind === 'ok'
      ? 'fa-check-circle'
      : kind === 'failed'
        ? 'fa-exclamation-circle'
        : kind === 'untested'
          ? 'fa-info-circle'
          : 'fa-spinner fa-spin';
  $('<i class="fa"></i>').addClass(icon).appendTo(el);
  $('<span></span>')
    .text(' ' + text)
    .appendTo(el);
  el.attr('data-result', kind).show();
}

interface TestAnswer {
  ok?: boolean;
  result?: boolean;
  untested?: boolean;
  message?: string;
  error?: string;
}

function testConnection(node: EditorNode): void {
  const values = dialogValues(node);
  if (!values.host) {
    showTestResult('failed', node._('room-config.editor.test.needHost'));
    return;
  }
  const button = $('#node-config-input-test-connection').prop('disabled', true);
  showTestResult('running', node._('room-config.editor.test.running'));
  $.ajax({
    url: 'trueconf-room/test-connection',
    type: 'POST',
    contentType: 'application/json',
    dataType: 'json',
    data: JSON.stringify(values),
    timeout: 60000,
  })
    .done((data) => {
      const res = (data || {}) as TestAnswer;
      const ok = res.ok === true || res.result === true;
      const text =
        res.message || res.error || node._(ok ? 'room-config.editor.test.ok' : 'room-config.editor.test.failed');
      // untested: the Room answered, but the credentials were left alone so as not to displace a deployed connection.
      showTestResult(ok ? (res.untested ? 'untested' : 'ok') : 'failed', text);
    })
    .fail((xhr, textStatus) => {
      const body = (xhr.responseJSON || {}) as TestAnswer;
      const text =
        body.message ||
        body.error ||
        (xhr.status === 404
          ? node._('room-config.editor.test.noRoute')
          : xhr.status === 401 || xhr.status === 403
            ? node._('room-config.editor.test.forbidden')
            : node._('room-config.editor.test.failed') + (textStatus ? ' (' + textStatus + ')' : ''));
      showTestResult('failed', text);
    })
    .always(() => {
      button.prop('disabled', false);
    });
}

/** The settings.js keys the runtime names in the catalogue, with the values it exports to the editor. */
function renderTuning(node: EditorNode, keys: string[]): void {
  const tbody = $('#node-config-room-tuning tbody').empty();
  for (const key of keys) {
    const row = $('<tr></tr>').attr('data-setting', key).appendTo(tbody);
    $('<td><code></code></td>').find('code').text(key).end().appendTo(row);
    const value = RED.settings[key];
    $('<td class="room-tuning-value"></td>')
      .text(value === undefined || value === null ? node._('room-config.editor.advanced.builtIn') : String(value))
      .appendTo(row);
    $('<td class="room-tuning-what"></td>')
      .text(node._('room-config.editor.advanced.keys.' + key))
      .appendTo(row);
  }
}

export function prepare(node: EditorNode): void {
  const tabs = RED.tabs.create({
    id: 'node-config-room-tabs',
    onchange(tab) {
      $('#node-config-room-tabs-content').children().hide();
      $('#' + tab.id).show();
    },
  });
  tabs.addTab({ id: 'node-config-room-tab-connection', label: node._('room-config.editor.tabs.connection') });
  tabs.addTab({ id: 'node-config-room-tab-security', label: node._('room-config.editor.tabs.security') });
  tabs.addTab({ id: 'node-config-room-tab-advanced', label: node._('room-config.editor.tabs.advanced') });
  setTimeout(() => tabs.resize(), 0);

  // Old or hand-written flows may hold the version as a number.
  $('#node-config-input-apiVersion').val(String(node.apiVersion || '2'));
  if (!node.instance) $('#node-config-input-instance').val('default');

  function syncSecurity(): void {
    const secured = $('#node-config-input-authType').val() === 'secured';
    $('#node-config-row-secret').toggle(secured);
    const tls = !!$('#node-config-input-tls').prop('checked');
    $('#node-config-input-tlsInsecure').prop('disabled', !tls);
    $('#node-config-row-tlsInsecure').toggleClass('room-disabled', !tls);
  }
  $('#node-config-input-authType').on('change', syncSecurity);
  $('#node-config-input-tls').on('change', syncSecurity);
  syncSecurity();

  function syncDiscoveryHint(): void {
    const ws = textOf($('#node-config-input-wsPort')).trim();
    $('#node-config-room-discovery-hint').text(
      ws
        ? node._('room-config.editor.hint.discoverySkipped', { port: ws })
        : node._('room-config.editor.hint.discovery'),
    );
  }
  $('#node-config-input-wsPort').on('input change', syncDiscoveryHint);
  syncDiscoveryHint();

  loadCatalogue().then(
    (data) => renderTuning(node, data.settings),
    () => undefined, // without the runtime's list the Advanced tab shows only its help text
  );

  // A result describes the values it was run with: hide it as soon as one changes.
  $('#node-config-room-tabs-content').on('input change', 'input, select', () => {
    if ($('#node-config-test-connection-result').attr('data-result') !== 'running') {
      $('#node-config-test-connection-result').hide().removeAttr('data-result');
    }
  });

  $('#node-config-input-test-connection').on('click', (e) => {
    e.preventDefault();
    testConnection(node);
  });
}
