import { loginResultText, rejectCauseText } from './catalogue';
import type { RoomNotification } from './types';

/**
 * "Wait for outcome": for action commands `result:true` only means "accepted"; the real outcome arrives
 * later as a notification (docs/protocol.md §8). This is the ONE table of those rules; change a rule here.
 *
 * The Room handles one call/conference at a time, so the first matching notification after the request
 * is taken as its outcome; we do not correlate by peerId because the Room rewrites ids (user1 ->
 * user1@server) [guess, docs/protocol.md §6.6].
 */

export interface OutcomeMatcher {
  event: string;
  /** Extra condition on the notification; absent = any notification of that event matches. */
  when?: (n: RoomNotification) => boolean;
  /** For failure matchers: the readable cause. */
  text?: (n: RoomNotification) => string;
}

export interface OutcomeRule {
  success: OutcomeMatcher[];
  failure: OutcomeMatcher[];
}

const ev = (event: string, when?: OutcomeMatcher['when'], text?: OutcomeMatcher['text']): OutcomeMatcher => ({
  event,
  when,
  text,
});
const stopCallingText = (n: RoomNotification): string =>
  n.side === 1 ? 'the other side stopped the call' : 'the call was cancelled on the Room';

const RULES: Record<string, OutcomeRule> = {
  // [DOC flow B] answered -> conferenceCreated; declined -> rejectReceived{cause}; cancelled -> stopCalling{side}.
  call: {
    success: [ev('conferenceCreated')],
    failure: [
      ev('rejectReceived', undefined, (n) => rejectCauseText(n.cause)),
      ev('stopCalling', undefined, stopCallingText),
    ],
  },
  // [flow C] stopCalling = the caller gave up before we accepted [guess].
  accept: { success: [ev('conferenceCreated')], failure: [ev('stopCalling', undefined, stopCallingText)] },
  // [flow E] rejectReceived as the failure of createConference is a guess.
  createConference: {
    success: [ev('conferenceCreated')],
    failure: [ev('rejectReceived', undefined, (n) => rejectCauseText(n.cause))],
  },
  // [flow A] serverDisconnected as the failure is a guess (no documented "connect failed" event).
  connectToServer: {
    success: [ev('serverConnected')],
    failure: [ev('serverDisconnected', undefined, () => 'disconnected from the server')],
  },
  // [DOC] login event result 0 = success, else the catalogue's login result text.
  login: {
    success: [ev('login', (n) => n.result === 0)],
    failure: [
      ev(
        'login',
        (n) => n.result !== 0,
        (n) => loginResultText(n.result),
      ),
    ],
  },
  logout: { success: [ev('logout')], failure: [] },
  // [flow D] conferenceDeleted; stopCalling when hanging up while the call is still ringing [guess].
  hangUp: { success: [ev('conferenceDeleted'), ev('stopCalling')], failure: [] },
  reject: { success: [ev('rejectSent')], failure: [] },
};

export function outcomeRule(method: string): OutcomeRule | undefined {
  return Object.prototype.hasOwnProperty.call(RULES, method) ? RULES[method] : undefined;
}

export function hasOutcome(method: string): boolean {
  return outcomeRule(method) !== undefined;
}

/** Methods for which "wait for outcome" makes sense (the editor offers the option only for these). */
export const OUTCOME_METHODS: readonly string[] = Object.freeze(Object.keys(RULES).sort());

/** Events an outcome rule listens to (success and failure), without duplicates. */
export function outcomeEvents(rule: OutcomeRule): string[] {
  return [...new Set([...rule.success, ...rule.failure].map((m) => m.event))];
}

export type OutcomeVerdict = { ok: true } | { ok: false; text: string } | undefined;

/** Judges one notification against a rule: success, failure (with text) or not relevant (undefined). */
export function judgeOutcome(rule: OutcomeRule, n: RoomNotification): OutcomeVerdict {
  for (const m of rule.failure) {
    if (m.event === n.event && (!m.when || m.when(n))) return { ok: false, text: m.text ? m.text(n) : n.event };
  }
  for (const m of rule.success) {
    if (m.event === n.event && (!m.when || m.when(n))) return { ok: true };
  }
  return undefined;
}
