import { rejectCauseText } from '../protocol/catalogue';
import type { PeerScript } from './types';

/**
 * The scripted far ends: what a callee does when the Room calls or invites it.
 *
 * Lookup order for a callee id (as the controller sent it):
 *   1. `peers[id]` from the emulator options, then `peers[<user part before "@">]`;
 *   2. the first rule below whose word the id contains (case-insensitive);
 *   3. otherwise the callee answers after `answerDelayMs`.
 *
 * | id contains            | far end                                    | the Room reports                     |
 * |------------------------|--------------------------------------------|--------------------------------------|
 * | busy                   | rejects, cause 2 (busy)                    | rejectReceived cause 2               |
 * | decline                | rejects, cause 0 (rejected by participant) | rejectReceived cause 0               |
 * | nobody, noanswer       | never answers                              | rejectReceived cause 16 after ringTimeoutMs |
 * | stop                   | stops the call                             | stopCalling side 1                   |
 * | offline                | is unavailable, cause 3                    | rejectReceived cause 3               |
 * | anything else          | answers                                    | conferenceCreated                    |
 *
 * This table is the only place that decides; the demo and the tests rely on these words.
 */
export const DEFAULT_PEER_RULES: ReadonlyArray<{ words: string[]; script: PeerScript }> = [
  { words: ['busy'], script: { reject: 2 } },
  { words: ['decline'], script: { reject: 0 } },
  { words: ['nobody', 'noanswer'], script: { ignore: true } },
  { words: ['stop'], script: { stop: true } },
  { words: ['offline'], script: { reject: 3 } },
];

const ANSWER: PeerScript = { answer: true };

/** Reject cause the Room reports when a callee never answers. */
export const NO_ANSWER_CAUSE = 16;

export function userPart(id: string): string {
  const at = id.indexOf('@');
  return at < 0 ? id : id.slice(0, at);
}

export function scriptFor(id: string, peers: Record<string, PeerScript> = {}): PeerScript {
  const own = (key: string): PeerScript | undefined =>
    Object.prototype.hasOwnProperty.call(peers, key) ? peers[key] : undefined;
  const listed = own(id) ?? own(userPart(id));
  if (listed) return listed;
  const lower = id.toLowerCase();
  for (const rule of DEFAULT_PEER_RULES) {
    if (rule.words.some((w) => lower.includes(w))) return rule.script;
  }
  return ANSWER;
}

/** One line per script, for help texts: "rejects with cause 2 (user is busy)". */
export function describeScript(script: PeerScript): string {
  if ('answer' in script) return 'answers';
  if ('reject' in script) return `rejects with cause ${script.reject} (${rejectCauseText(script.reject)})`;
  if ('stop' in script) return 'stops calling (stopCalling side 1)';
  return `never answers (cause ${NO_ANSWER_CAUSE}, ${rejectCauseText(NO_ANSWER_CAUSE)}, after the ring timeout)`;
}

/** The default table as text lines (the CLI's --help prints them). */
export function describeDefaultPeers(): string[] {
  return [
    ...DEFAULT_PEER_RULES.map(
      (r) => `ids containing ${r.words.map((w) => `"${w}"`).join(' or ')}: ${describeScript(r.script)}`,
    ),
    `any other id: ${describeScript(ANSWER)}`,
  ];
}
