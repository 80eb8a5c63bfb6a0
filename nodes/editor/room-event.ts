import { loadCatalogue } from './catalogue';
import { textOf } from './values';
import { showRoomNames } from './room-names';

// Event names are identifiers; anything else is most likely a typo or a pasted list.
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `events` validator: empty (all), or a list of event names. */
export function validateEvents(v: unknown): boolean {
  return v === undefined || v === '' || (Array.isArray(v) && v.every((e) => typeof e === 'string' && NAME_RE.test(e)));
}

/** The node's label: its name, its one event, or the first event and how many more. */
export function label(this: EditorNode): string {
  if (this.name) return String(this.name);
  const events = Array.isArray(this.events) ? (this.events as string[]) : [];
  if (events.length === 1) return events[0];
  if (events.length > 1) return this._('room-event.editor.labelCount', { first: events[0], count: events.length - 1 });
  return this._('room-event.label.palette');
}

interface Entry {
  name: string;
  /** Not a catalogue name (typed by the user, or saved in the flow). */
  custom: boolean;
}

/** The room-event edit dialog: a filterable multi-select of the catalogue's notification names plus free text. */
class EventDialog {
  private readonly listEl = $('#node-input-events-list');
  private readonly filterEl = $('#node-input-events-filter');
  private readonly chipsEl = $('#node-input-events-selected');
  private readonly customEl = $('#node-input-events-custom');
  /** Catalogue names. */
  private known = new Set<string>();
  /** Rows shown in the list: catalogue order, then names the catalogue lacks. */
  private entries: Entry[] = [];
  /** In the order the user picked them. */
  private selected: string[] = [];

  constructor(private readonly node: EditorNode) {
    for (const e of Array.isArray(node.events) ? (node.events as unknown[]) : []) {
      if (typeof e === 'string' && this.selected.indexOf(e) < 0) this.selected.push(e);
    }
  }

  private t(key: string, subs?: Record<string, unknown>): string {
    return this.node._(key, subs);
  }

  private isSelected(name: string): boolean {
    return this.selected.indexOf(name) >= 0;
  }

  private setSelected(name: string, on: boolean): void {
    const at = this.selected.indexOf(name);
    if (on && at < 0) this.selected.push(name);
    if (!on && at >= 0) this.selected.splice(at, 1);
    this.listEl
      .find('.room-event-item')
      .filter(function () {
        return $(this).attr('data-event') === name;
      })
      .toggleClass('room-event-on', on)
      .find('input[type="checkbox"]')
      .prop('checked', on);
    this.renderChips();
  }

  private renderChips(): void {
    const chipsEl = this.chipsEl.empty();
    if (!this.selected.length) {
      $('<span class="room-events-all"></span>').text(this.t('room-event.editor.all')).appendTo(chipsEl);
    } else {
      for (const name of this.selected) {
        const chip = $('<span class="room-event-chip"></span>').attr('data-selected-event', name);
        if (!this.known.has(name) && this.known.size)
          chip.addClass('room-event-chip-custom').attr('title', this.t('room-event.editor.notInCatalogue'));
        $('<span></span>').text(name).appendTo(chip);
        $('<a href="#" class="room-event-chip-remove"><i class="fa fa-times"></i></a>')
          .attr('title', this.t('room-event.editor.remove'))
          .on('click', (e) => {
            e.preventDefault();
            this.setSelected(name, false);
          })
          .appendTo(chip);
        chip.appendTo(chipsEl);
      }
    }
    $('#node-input-events-count').text(
      this.selected.length ? this.t('room-event.editor.count', { count: this.selected.length }) : '',
    );
    this.syncTopicHint();
  }

  private renderList(): void {
    this.listEl.empty();
    for (const entry of this.entries) {
      const row = $('<label class="room-event-item"></label>').attr('data-event', entry.name);
      const box = $('<input type="checkbox" class="room-event-check">').prop('checked', this.isSelected(entry.name));
      box.on('change', () => this.setSelected(entry.name, !!box.prop('checked')));
      row.append(box);
      $('<span class="room-event-name"></span>').text(entry.name).appendTo(row);
      if (entry.custom)
        $('<span class="room-event-custom"></span>').text(this.t('room-event.editor.custom')).appendTo(row);
      row.toggleClass('room-event-on', this.isSelected(entry.name));
      this.listEl.append(row);
    }
    this.applyFilter();
  }

  private applyFilter(): void {
    const q = textOf(this.filterEl).trim().toLowerCase();
    let shown = 0;
    this.listEl.find('.room-event-item').each(function () {
      const row = $(this);
      const match = !q || (row.attr('data-event') || '').toLowerCase().indexOf(q) >= 0;
      row.toggle(match);
      if (match) shown++;
    });
    this.listEl.find('.room-events-nomatch').remove();
    if (!shown && this.entries.length) {
      $('<div class="room-events-nomatch"></div>').text(this.t('room-event.editor.noMatch')).appendTo(this.listEl);
    }
  }

  private addCustom(): void {
    // Accept "a, b c" so a pasted list works too.
    const names = textOf(this.customEl)
      .split(/[\s,;]+/)
      .filter((n) => n);
    const bad = names.filter((n) => !NAME_RE.test(n));
    const error = $('#node-input-events-custom-error');
    if (bad.length) {
      this.customEl.addClass('input-error');
      error.text(this.t('room-event.editor.badName', { name: bad[0] })).show();
      return;
    }
    this.customEl.removeClass('input-error');
    error.hide();
    for (const name of names) {
      if (!this.entries.some((e) => e.name === name))
        this.entries.push({ name, custom: this.known.size > 0 && !this.known.has(name) });
      if (!this.isSelected(name)) this.selected.push(name);
    }
    this.customEl.val('');
    this.renderList();
    this.renderChips();
  }

  private syncTopicHint(): void {
    const prefix = textOf($('#node-input-topicPrefix'));
    const example = this.selected.length ? this.selected[0] : 'inviteReceived';
    $('#node-input-topic-example').text(prefix + example);
    $('#node-input-connection-topic').text(prefix + 'connection');
  }

  private withCatalogue(names: string[]): void {
    this.known = new Set(names);
    this.entries = names.map((name) => ({ name, custom: false }));
    for (const name of this.selected) if (!this.known.has(name)) this.entries.push({ name, custom: names.length > 0 });
    this.renderList();
    this.renderChips();
  }

  start(): void {
    this.filterEl.on('input change', () => this.applyFilter());
    this.filterEl.on('keydown', (e) => {
      if (e.key === 'Enter') e.preventDefault();
    });
    $('#node-input-events-add').on('click', (e) => {
      e.preventDefault();
      this.addCustom();
    });
    this.customEl.on('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.addCustom();
      }
    });
    this.customEl.on('input', () => {
      this.customEl.removeClass('input-error');
      $('#node-input-events-custom-error').hide();
    });
    $('#node-input-events-clear').on('click', (e) => {
      e.preventDefault();
      this.selected = [];
      this.listEl
        .find('.room-event-item')
        .removeClass('room-event-on')
        .find('input[type="checkbox"]')
        .prop('checked', false);
      this.renderChips();
    });
    $('#node-input-topicPrefix').on('input change', () => this.syncTopicHint());
    this.listEl.data('room-selected', () => this.selected.slice());
    this.renderChips();

    const status = $('#node-input-events-status')
      .text(this.t('room-event.editor.loading'))
      .attr('data-state', 'loading')
      .show();
    loadCatalogue().then(
      (data) => {
        status.text('').attr('data-state', 'loaded').hide();
        const names = data.events.slice().sort((a, b) => {
          const [x, y] = [a.toLowerCase(), b.toLowerCase()];
          return x < y ? -1 : x > y ? 1 : 0;
        });
        this.withCatalogue(names);
      },
      () => {
        status.text(this.t('room-event.editor.catalogueFailed')).attr('data-state', 'failed').show();
        this.withCatalogue([]);
      },
    );
  }
}

export function prepare(node: EditorNode): void {
  new EventDialog(node).start();
  showRoomNames(node, 'room-event', '#node-input-allRooms-names');
}

export function save(node: EditorNode): void {
  const get = $('#node-input-events-list').data('room-selected') as (() => string[]) | undefined;
  if (get) node.events = get();
}
