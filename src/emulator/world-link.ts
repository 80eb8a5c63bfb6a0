import type { AppState } from './app-state';
import type { Notify } from './notify';
import type { PeerScript } from './types';

/** What the call and conference modules need from the Room's world (room-world.ts implements it). */
export interface WorldLink {
  readonly notify: Notify;
  readonly appState: AppState;
  setAppState(state: AppState): void;
  readonly roomId: string;
  readonly roomDn: string;
  readonly domain: string;
  /** A short id resolves against the Room's server: bob -> bob@<domain> (docs/protocol.md §6.6). */
  resolve(id: string): string;
  displayName(id: string): string;
  newConfId(): string;
  readonly mute: { mic: boolean; video: boolean; audio: boolean };
  readonly settings: Record<string, unknown>;
  readonly peers: Record<string, PeerScript>;
  readonly ringTimeoutMs: number;
  readonly answerDelayMs: number;
  onError(err: unknown): void;
  /** A call was answered, refused or given up (call history). */
  recordCall(record: { peerId: string; peerDn: string; direction: 'outgoing' | 'incoming'; answered: boolean }): void;
}
