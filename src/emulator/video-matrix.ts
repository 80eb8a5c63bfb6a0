import type { ConferenceView } from './conference-view';
import type { Handler } from './method-handlers';
import type { Notify } from './notify';
import { fail, ok, type Reply } from './reply';

/**
 * The layout on the Room's screen (getVideoMatrix / videoMatrixChanged): the matrix type, the order of the
 * video slots, hidden slots, and slots moved to the second monitor. A slot is named by the participant's
 * InstanceId (or CallId), `#self:0` is the Room's own camera (docs/protocol.md §6.6).
 */

export const SELF_SLOT = '#self:0';
/** Matrix types accepted (the catalogue's matrixTypes: 0-4 and more, docs/protocol.md §13) [INF: up to 10]. */
const MAX_MATRIX_TYPE = 10;
const SCREEN = { width: 1920, height: 1080 };
const SECOND_MONITOR = { index: 1, name: 'Second Monitor', isPrimary: false };

export type SlotSource = Pick<ConferenceView, 'participants' | 'find' | 'roomDn'>;

export class VideoMatrix {
  matrixType = 1;
  private order: string[] = [];
  private readonly hidden = new Set<string>();
  /** Slots moved to another monitor, by monitor index. */
  private readonly extern = new Map<number, string>();

  constructor(
    private readonly notify: Notify,
    private readonly source: SlotSource,
  ) {}

  /** What getVideoMatrix returns and videoMatrixChanged carries. */
  fields(): Record<string, unknown> {
    const visible = this.slotIds().filter((id) => !this.hidden.has(id) && ![...this.extern.values()].includes(id));
    const columns = Math.max(1, Math.ceil(Math.sqrt(visible.length)));
    const rows = Math.max(1, Math.ceil(visible.length / columns));
    const width = Math.floor(SCREEN.width / columns);
    const height = Math.floor(SCREEN.height / rows);
    return {
      matrixType: this.matrixType,
      mainWindowWidth: SCREEN.width,
      mainWindowHeight: SCREEN.height,
      selfViewMode: 2,
      participants: visible.map((peerId, i) => ({
        peerId,
        peerDn: this.nameOf(peerId),
        left: (i % columns) * width,
        top: Math.floor(i / columns) * height,
        width,
        height,
        type: 0,
      })),
      externVideoSlots: [...this.extern].map(([monitorIdx, callId]) => ({
        callId,
        peerDn: this.nameOf(callId),
        monitorDisplayName: SECOND_MONITOR.name,
        monitorIdx,
        monitorIsPrimary: SECOND_MONITOR.isPrimary,
        type: 0,
      })),
      hiddenVideoSlots: [...this.hidden],
    };
  }

  /** The conference ended: the layout shows the Room alone again. */
  reset(): void {
    this.order = [];
    this.hidden.clear();
    this.extern.clear();
  }

  setType(matrixType: number, order?: string[]): Reply {
    if (!Number.isInteger(matrixType) || matrixType < 0 || matrixType > MAX_MATRIX_TYPE)
      return fail(`matrixType must be 0 to ${MAX_MATRIX_TYPE}`);
    const ids = order?.map((id) => this.slotOf(id));
    if (ids?.includes(undefined)) return fail(`no video slot ${order![ids.indexOf(undefined)]}`);
    return this.change(() => {
      this.matrixType = matrixType;
      if (ids) this.order = ids as string[];
    });
  }

  show(id: string, visible: boolean): Reply {
    const slot = this.slotOf(id);
    if (!slot) return fail(`no video slot ${id}`);
    return this.change(() => (visible ? this.hidden.delete(slot) : this.hidden.add(slot)));
  }

  swap(a: string, b: string): Reply {
    const first = this.slotOf(a);
    const second = this.slotOf(b);
    if (!first || !second) return fail(`no video slot ${first ? b : a}`);
    return this.change(() => {
      const ids = this.slotIds();
      const i = ids.indexOf(first);
      const j = ids.indexOf(second);
      [ids[i], ids[j]] = [ids[j], ids[i]];
      this.order = ids;
    });
  }

  moveToMonitor(id: string, monitorIndex: number): Reply {
    const slot = this.slotOf(id);
    if (!slot) return fail(`no video slot ${id}`);
    if (monitorIndex !== SECOND_MONITOR.index)
      return fail(`no other monitor ${monitorIndex} (the second monitor is 1)`);
    return ok(undefined, () => {
      this.extern.set(monitorIndex, slot);
      this.notify('videoSlotMovedToMonitor', {
        callId: slot,
        peerDn: this.nameOf(slot),
        monitorDisplayName: SECOND_MONITOR.name,
        monitorIdx: monitorIndex,
        monitorIsPrimary: SECOND_MONITOR.isPrimary,
      });
      this.notify('videoMatrixChanged', this.fields());
    });
  }

  removeFromMonitor(monitorIndex: number): Reply {
    const slot = this.extern.get(monitorIndex);
    if (!slot) return fail(`no video slot on monitor ${monitorIndex}`);
    return ok(undefined, () => {
      this.extern.delete(monitorIndex);
      this.notify('videoSlotRemovedFromMonitor', {
        callId: slot,
        monitorDisplayName: SECOND_MONITOR.name,
        monitorIdx: monitorIndex,
        monitorIsPrimary: SECOND_MONITOR.isPrimary,
      });
      this.notify('videoMatrixChanged', this.fields());
    });
  }

  private change(apply: () => void): Reply {
    return ok(undefined, () => {
      apply();
      this.notify('videoMatrixChanged', this.fields());
    });
  }

  /** Slot ids in screen order: the custom order first, then everyone else in joining order. */
  private slotIds(): string[] {
    const all = [SELF_SLOT, ...this.source.participants().map((p) => p.peerId)];
    const ordered = this.order.filter((id) => all.includes(id));
    return [...ordered, ...all.filter((id) => !ordered.includes(id))];
  }

  /** The slot an id names: the Room's own, or a participant's (InstanceId, or a CallId with one instance). */
  private slotOf(id: string): string | undefined {
    if (id === SELF_SLOT) return SELF_SLOT;
    const p = this.source.find(id);
    return 'error' in p ? undefined : p.peerId;
  }

  private nameOf(slot: string): string {
    if (slot === SELF_SLOT) return this.source.roomDn();
    return this.source.participants().find((p) => p.peerId === slot)?.peerDn ?? '';
  }
}

export const VIDEO_MATRIX_HANDLERS: Record<string, Handler> = {
  getVideoMatrix: (c) => ok(c.state.matrix.fields()),
  changeVideoMatrixType: (c) => c.state.matrix.setType(Number(c.frame.matrixType)),
  changeVideoMatrix: (c) =>
    c.state.matrix.setType(
      Number(c.frame.matrixType),
      Array.isArray(c.frame.participants) ? c.frame.participants.map(String) : undefined,
    ),
  showVideoSlot: (c) => c.state.matrix.show(String(c.frame.callId), true),
  hideVideoSlot: (c) => c.state.matrix.show(String(c.frame.callId), false),
  swapVideoSlots: (c) => c.state.matrix.swap(String(c.frame.callId1), String(c.frame.callId2)),
  moveVideoSlotToMonitor: (c) => c.state.matrix.moveToMonitor(String(c.frame.callId), Number(c.frame.monitorIndex)),
  removeVideoSlotFromMonitor: (c) => c.state.matrix.removeFromMonitor(Number(c.frame.monitorIndex)),
};
