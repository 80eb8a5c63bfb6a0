import { AppState } from './app-state';
import { NO_ANSWER_CAUSE, scriptFor, userPart } from './peers';
import { fail, ok, type Reply } from './reply';
import { Timers } from './timers';
import type { IncomingCallOptions } from './types';
import type { WorldLink } from './world-link';

/**
 * A call being placed or received (appState 4): `call`, an incoming call, `accept`, `reject`, and what the
 * far end does by its script (peers.ts). An answered call becomes a conference (conference.ts).
 */

export interface PendingCall {
  direction: 'outgoing' | 'incoming';
  /** CallId form (user@server). */
  peerId: string;
  peerDn: string;
  confId: string;
  /** Conference type of an incoming invitation (0 = p2p call). */
  type: number;
  confTitle?: string;
}

export class Calls {
  pending?: PendingCall;
  private readonly timers: Timers;

  constructor(
    private readonly w: WorldLink,
    /** The far end answered, or the Room accepted: the call becomes a conference. */
    private readonly answered: (pending: PendingCall) => void,
  ) {
    this.timers = new Timers((err) => w.onError(err));
  }

  call(peerId: string): Reply {
    const w = this.w;
    return ok(undefined, () => {
      const pending: PendingCall = {
        direction: 'outgoing',
        peerId: w.resolve(peerId),
        peerDn: w.displayName(peerId),
        confId: w.newConfId(),
        type: 0,
      };
      this.pending = pending;
      w.notify('inviteSent', { peerId: pending.peerId, peerDn: pending.peerDn, confType: 0, confId: pending.confId });
      w.setAppState(AppState.Wait);
      const noAnswer = () =>
        this.finish(() =>
          w.notify('rejectReceived', { peerId: pending.peerId, peerDn: pending.peerDn, cause: NO_ANSWER_CAUSE }),
        );
      this.timers.after(w.ringTimeoutMs, noAnswer);
      const script = scriptFor(peerId, w.peers);
      if ('ignore' in script) return;
      this.timers.after(script.delayMs ?? w.answerDelayMs, () => {
        if (this.pending !== pending) return;
        if ('answer' in script) this.answer(pending);
        else if ('reject' in script) {
          this.finish(() =>
            w.notify('rejectReceived', { peerId: pending.peerId, peerDn: pending.peerDn, cause: script.reject }),
          );
        } else this.finish(() => w.notify('stopCalling', { peerId: pending.peerId, side: 1 }));
      });
    });
  }

  /** Test hook: a far end calls the Room (or invites it when type > 0). Returns the conference id. */
  incoming(options: IncomingCallOptions): string {
    const w = this.w;
    if (!options || typeof options.peerId !== 'string' || options.peerId === '')
      throw new Error('incomingCall: peerId is required');
    if (w.appState !== AppState.Normal) throw new Error(`incomingCall: the Room is not idle (appState ${w.appState})`);
    const type = options.type ?? 0;
    const pending: PendingCall = {
      direction: 'incoming',
      peerId: w.resolve(options.peerId.split('/')[0]),
      peerDn: options.peerDn ?? w.displayName(options.peerId),
      confId: options.confId ?? w.newConfId(),
      type,
      confTitle:
        options.confTitle ?? (type === 0 ? undefined : `Conference of ${options.peerDn ?? userPart(options.peerId)}`),
    };
    this.pending = pending;
    const fields: Record<string, unknown> = {
      peerId: pending.peerId,
      peerDn: pending.peerDn,
      type,
      confId: pending.confId,
    };
    if (pending.confTitle !== undefined) fields.confTitle = pending.confTitle;
    w.notify('inviteReceived', fields);
    w.setAppState(AppState.Wait);
    // The caller gives up after the ring timeout (stopCalling side 1: the other user).
    this.timers.after(w.ringTimeoutMs, () => {
      if (this.pending !== pending) return;
      this.finish(() => w.notify('stopCalling', { peerId: pending.peerId, side: 1 }));
    });
    if (w.settings.autoAccept === true) {
      this.timers.after(0, () => {
        if (this.pending === pending) this.answer(pending);
      });
    }
    return pending.confId;
  }

  accept(): Reply {
    const pending = this.pending;
    if (!pending || pending.direction !== 'incoming') return fail('no incoming call');
    return ok(undefined, () => {
      if (this.pending === pending) this.answer(pending);
    });
  }

  reject(): Reply {
    const pending = this.pending;
    if (!pending || pending.direction !== 'incoming') return fail('no incoming call');
    return ok(undefined, () => {
      if (this.pending !== pending) return;
      this.finish(() => this.w.notify('rejectSent', rejectSentFields(pending)));
    });
  }

  /** hangUp while ringing: an outgoing call stops (side 0), an incoming one is rejected [INF]. */
  hangUp(): void {
    const pending = this.pending;
    if (!pending) return;
    if (pending.direction === 'outgoing')
      this.finish(() => this.w.notify('stopCalling', { peerId: pending.peerId, side: 0 }));
    else this.finish(() => this.w.notify('rejectSent', rejectSentFields(pending)));
  }

  clear(): void {
    this.timers.clear();
    this.pending = undefined;
  }

  /** Ends a ringing call and returns to idle after `report` sent its event. */
  private finish(report: () => void): void {
    this.timers.clear();
    if (this.pending) this.w.recordCall({ ...this.record(this.pending), answered: false });
    this.pending = undefined;
    report();
    this.w.setAppState(AppState.Normal);
  }

  private answer(pending: PendingCall): void {
    this.timers.clear();
    this.w.recordCall({ ...this.record(pending), answered: true });
    this.pending = undefined;
    this.answered(pending);
  }

  private record(p: PendingCall): { peerId: string; peerDn: string; direction: 'outgoing' | 'incoming' } {
    return { peerId: p.peerId, peerDn: p.peerDn, direction: p.direction };
  }
}

function rejectSentFields(p: PendingCall): Record<string, unknown> {
  return { peerId: p.peerId, peerDn: p.peerDn, cause: 0, confId: p.confId };
}
