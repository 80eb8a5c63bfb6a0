import { DEFAULT_TUNING, type ClientTuning } from '../../src/protocol';
import type { SettingDeclaration } from './node-red';

/**
 * Operator settings (settings.js). Node-RED requires node settings to be prefixed with the node type in
 * camelCase (room-config -> roomConfig...); each maps onto one field of the core's ClientTuning.
 */
const SETTINGS = {
  roomConfigReconnectMaxMs: { field: 'reconnectMaxMs', zeroAllowed: false },
  roomConfigHeartbeatIntervalMs: { field: 'heartbeatIntervalMs', zeroAllowed: true },
  roomConfigHeartbeatTimeoutMs: { field: 'heartbeatTimeoutMs', zeroAllowed: false },
  roomConfigRequestTimeoutMs: { field: 'requestTimeoutMs', zeroAllowed: false },
  roomConfigConnectTimeoutMs: { field: 'connectTimeoutMs', zeroAllowed: false },
  roomConfigMaxQueued: { field: 'maxQueued', zeroAllowed: false },
} as const satisfies Record<string, { field: keyof ClientTuning; zeroAllowed: boolean }>;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** For registerType({settings}); exportable so the config dialog's Advanced tab shows the values in force (none is secret). */
export function settingDeclarations(): Record<string, SettingDeclaration> {
  const out: Record<string, SettingDeclaration> = {};
  for (const name of SETTING_NAMES) out[name] = { value: DEFAULT_TUNING[SETTINGS[name].field], exportable: true };
  return out;
}

export interface SettingProblem {
  name: SettingName;
  rule: string;
  fallback: number;
}

/**
 * Reads the tuning from RED.settings. A bad value is reported and replaced by the default instead of
 * failing the node: a typo in settings.js must not take every Room connection down.
 */
export function tuningFromSettings(settings: Record<string, unknown>): {
  tuning: Partial<ClientTuning>;
  problems: SettingProblem[];
} {
  const tuning: Partial<ClientTuning> = {};
  const problems: SettingProblem[] = [];
  for (const name of SETTING_NAMES) {
    const { field, zeroAllowed } = SETTINGS[name];
    let value: unknown;
    try {
      value = settings[name];
    } catch {
      value = undefined; // a settings getter that throws counts as unset
    }
    if (value === undefined || value === null) continue;
    const ok = typeof value === 'number' && Number.isFinite(value) && (zeroAllowed ? value >= 0 : value > 0);
    if (!ok) {
      problems.push({ name, rule: zeroAllowed ? '>= 0' : '> 0', fallback: DEFAULT_TUNING[field] });
      continue;
    }
    (tuning as Record<keyof ClientTuning, number>)[field] = value as number;
  }
  // The core refuses a cap below the first delay; an operator lowering only the cap means "retry sooner".
  if (tuning.reconnectMaxMs !== undefined && tuning.reconnectMaxMs < DEFAULT_TUNING.reconnectInitialMs) {
    tuning.reconnectInitialMs = tuning.reconnectMaxMs;
  }
  return { tuning, problems };
}
