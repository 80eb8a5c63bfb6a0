/**
 * A room-config node as the editor saves it, reaching an emulator on 127.0.0.1 in unsecured mode; `extra`
 * sets what a test varies (auth, role, credentials).
 */
export function savedRoomConfig(
  id: string,
  name: string,
  webPort: number,
  extra: Record<string, unknown> = {},
): { id: string; type: string; [key: string]: unknown } {
  return {
    id,
    type: 'room-config',
    name,
    host: '127.0.0.1',
    port: webPort,
    wsPort: '',
    instance: 'default',
    apiVersion: '2',
    authType: 'unsecured',
    role: '',
    tls: false,
    tlsInsecure: false,
    ...extra,
  };
}
