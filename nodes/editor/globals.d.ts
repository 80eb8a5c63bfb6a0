/**
 * The parts of the Node-RED editor's globals (jQuery 3 and RED) this package's editor code uses. Node-RED
 * ships no types for them; these declarations keep the editor code typed without a dependency.
 */

interface JQueryAjaxSettings {
  url: string;
  type?: 'GET' | 'POST';
  contentType?: string;
  dataType?: 'json';
  data?: string;
  timeout?: number;
}

interface JQueryXhr {
  status: number;
  responseJSON?: unknown;
  done(cb: (data: unknown) => void): JQueryXhr;
  fail(cb: (xhr: JQueryXhr, textStatus: string) => void): JQueryXhr;
  always(cb: () => void): JQueryXhr;
}

interface JQueryEvent {
  key: string;
  preventDefault(): void;
  stopPropagation(): void;
}

interface JQuery {
  length: number;
  [index: number]: HTMLElement;
  addClass(name: string): JQuery;
  append(content: JQuery): JQuery;
  appendTo(target: JQuery | string): JQuery;
  attr(name: string): string | undefined;
  attr(name: string, value: string | number): JQuery;
  children(selector?: string): JQuery;
  data(key: string): unknown;
  data(key: string, value: unknown): JQuery;
  each(cb: (this: HTMLElement, index: number) => void): JQuery;
  empty(): JQuery;
  end(): JQuery;
  eq(index: number): JQuery;
  filter(test: string | ((this: HTMLElement, index: number) => boolean)): JQuery;
  find(selector: string): JQuery;
  hide(): JQuery;
  innerHeight(): number;
  is(selector: string): boolean;
  on(events: string, handler: (this: HTMLElement, e: JQueryEvent) => void): JQuery;
  on(events: string, selector: string, handler: (this: HTMLElement, e: JQueryEvent) => void): JQuery;
  outerHeight(): number;
  position(): { top: number; left: number };
  prop(name: string): unknown;
  prop(name: string, value: unknown): JQuery;
  remove(): JQuery;
  removeAttr(name: string): JQuery;
  removeClass(name?: string): JQuery;
  scrollTop(): number;
  scrollTop(value: number): JQuery;
  show(): JQuery;
  text(): string;
  text(value: string): JQuery;
  toggle(show: boolean): JQuery;
  toggleClass(name: string, on: boolean): JQuery;
  trigger(event: string): JQuery;
  val(): string | number | string[] | null | undefined;
  val(value: string): JQuery;
}

interface JQueryStatic {
  (selector: string | HTMLElement): JQuery;
  ajax(settings: JQueryAjaxSettings): JQueryXhr;
}

declare const $: JQueryStatic;

/** A node as the editor hands it to registerType's functions (`this`). */
interface EditorNode {
  id: string;
  type: string;
  valid?: boolean;
  dirty?: boolean;
  changed?: boolean;
  _(key: string, substitutions?: Record<string, unknown>): string;
  [property: string]: unknown;
}

interface EditorTabs {
  addTab(tab: { id: string; label: string }): void;
  resize(): void;
}

declare const RED: {
  settings: Record<string, unknown>;
  notify(text: string, type: string): void;
  tabs: { create(options: { id: string; onchange(tab: { id: string }): void }): EditorTabs };
  nodes: {
    node(id: string): EditorNode | null | undefined;
    eachNode?(cb: (node: EditorNode) => void): void;
    /** Config nodes of the workspace; return false from cb to stop. */
    eachConfig?(cb: (node: EditorNode) => boolean | void): void;
  };
  editor?: { validateNode?(node: EditorNode): void };
  view?: { redraw?(updateActive?: boolean): void };
};
