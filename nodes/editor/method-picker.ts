import type { EditorCatalogue } from './catalogue';
import { textOf } from './values';

const MAX_SUGGESTIONS = 120;

/** Ranks catalogue names for the typed text: exact, prefix, start of a camelCase word, anywhere. */
export function filterMethods(names: readonly string[], text: string): string[] {
  const q = String(text || '')
    .trim()
    .toLowerCase();
  if (!q) return names.slice();
  const ranked: { name: string; rank: number }[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    const at = lower.indexOf(q);
    if (at < 0) continue;
    const rank = lower === q ? 0 : at === 0 ? 1 : name.charAt(at) !== lower.charAt(at) ? 2 : 3;
    ranked.push({ name, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.name.length - b.name.length || (a.name < b.name ? -1 : 1));
  return ranked.map((r) => r.name);
}

export interface MethodPickerOptions {
  node: EditorNode;
  input: JQuery;
  list: JQuery;
  /** The catalogue once loaded; the list stays closed before. */
  catalogue(): EditorCatalogue | null;
  /** The user picked or committed to a method name (Enter, blur, change). */
  onMethod(name: string): void;
}

export interface MethodPicker {
  /** Opens the suggestions for the current text (after the catalogue arrived, when the input has focus). */
  open(): void;
}

/** The searchable method picker: a combobox over the catalogue's method names, driven by the keyboard or mouse. */
export function attachMethodPicker(options: MethodPickerOptions): MethodPicker {
  const { node, input, list } = options;
  let activeIndex = -1;
  let names: string[] = [];
  let namesOf: EditorCatalogue | null = null;

  function close(): void {
    list.hide().empty();
    activeIndex = -1;
    input.attr('aria-expanded', 'false');
  }

  function highlight(index: number): void {
    const items = list.children('.room-picker-item');
    if (!items.length) return;
    activeIndex = Math.max(0, Math.min(index, items.length - 1));
    items.removeClass('room-picker-active');
    const item = items.eq(activeIndex).addClass('room-picker-active');
    const top = item.position().top;
    if (top < 0) list.scrollTop(list.scrollTop() + top);
    else if (top + item.outerHeight() > list.innerHeight())
      list.scrollTop(list.scrollTop() + top + item.outerHeight() - list.innerHeight());
  }

  function pick(name: string): void {
    input.val(name);
    close();
    options.onMethod(name);
  }

  function open(): void {
    const catalogue = options.catalogue();
    if (!catalogue) {
      close();
      return;
    }
    if (namesOf !== catalogue) {
      names = Object.keys(catalogue.methods).sort();
      namesOf = catalogue;
    }
    const text = textOf(input);
    const matches = filterMethods(names, text);
    list.empty();
    for (const name of matches.slice(0, MAX_SUGGESTIONS)) {
      const spec = catalogue.methods[name];
      const li = $('<li class="room-picker-item" role="option"></li>').attr('data-method', name);
      $('<span class="room-picker-name"></span>').text(name).appendTo(li);
      const params = Object.keys(spec.params || {}).map((p) => p + (spec.params[p].required ? '*' : ''));
      if (params.length) $('<span class="room-picker-params"></span>').text(params.join(', ')).appendTo(li);
      if (spec.adminOnly)
        $('<span class="room-badge room-badge-admin"></span>')
          .text(node._('room-command.editor.badge.admin'))
          .appendTo(li);
      li.on('mousedown', (e) => {
        // mousedown, not click: the input keeps focus and its blur does not race the pick.
        e.preventDefault();
        pick(name);
      });
      list.append(li);
    }
    if (!matches.length) {
      $('<li class="room-picker-none"></li>')
        .text(node._('room-command.editor.picker.noMatch', { text: text.trim() }))
        .appendTo(list);
    } else if (matches.length > MAX_SUGGESTIONS) {
      $('<li class="room-picker-more"></li>')
        .text(node._('room-command.editor.picker.more', { count: matches.length - MAX_SUGGESTIONS }))
        .appendTo(list);
    }
    list.show();
    input.attr('aria-expanded', 'true');
    activeIndex = -1;
    if (text.trim() && matches.length) highlight(0);
  }

  input.on('focus', open);
  input.on('input', open);
  input.on('keydown', (e) => {
    const isOpen = list.is(':visible');
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!isOpen) open();
      else highlight(activeIndex + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (isOpen) highlight(activeIndex - 1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const active = list.children('.room-picker-active');
      if (isOpen && active.length) pick(active.attr('data-method') || '');
      else {
        close();
        options.onMethod(textOf(input));
      }
    } else if (e.key === 'Escape' && isOpen) {
      // Close the suggestions only, not the whole edit tray.
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      close();
    }
  });
  input.on('blur', () => {
    close();
    options.onMethod(textOf(input));
  });
  input.on('change', () => options.onMethod(textOf(input)));
  return { open };
}
