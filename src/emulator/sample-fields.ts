/**
 * Plausible values for the response fields of the few catalogue methods with no state a getter shows (and the
 * fixed parts of getSystemInfo).
 * Field names come from each method's catalogue `response` list; a field the request itself carries is
 * echoed back, a field named here gets this value, and any other field is left out. All values are
 * invented [INF]: they only have to be well-formed, not true.
 */

export interface SampleContext {
  domain: string;
  roomId: string;
  roomDn: string;
  webPort: number;
  product: 'room' | 'videosdk';
}

type Sample = unknown | ((ctx: SampleContext) => unknown);

const SAMPLES: Record<string, Sample> = {
  confType: 1,
  status: 0,
  key: 'EMULATOR-HARDWARE-KEY',
  logoDisplaying: true,
  timeDisplaying: true,
  connectInfoDisplaying: true,
  currentUserInfoWidgetDisplaying: true,
  incomingRequestWidgetDisplaying: true,
  upcomingMeetingsComponentDisplaying: true,
  length: 64,
  bitrate: 1024,
  properties: {},
  render: 'software',
  version: '1.0',
  vendor: 'emulator',
  imagesQueueForCaching: [],
  cachedSlides: [],
  isImagesCachingRunning: false,
  currentlyCachingImage: '',
  authInfo: (c: SampleContext) => ({ peerId: c.roomId, peerDn: c.roomDn }),
  fileInfo: { maxSize: 0 },
  productInfo: (c: SampleContext) => ({
    name: c.product === 'videosdk' ? 'TrueConf VideoSDK (emulator)' : 'TrueConf Room (emulator)',
    version: '5.0.0-emulator',
    os: process.platform,
  }),
  permissionsInfo: { canUseSlideShow: true, canUseDesktopSharing: true },
  bitrateLimits: { min: 64, max: 4096 },
  systemRating: 100,
  cameraInfo: { name: 'Emulated Camera', supportPTZ: false },
  tariffName: 'emulator',
  p2p: true,
  createMulti: true,
  symMaxNumber: 36,
  asymMaxNumber: 120,
  roleMaxNumber: 250,
  rlMaxNumber: 250,
  canUseSlideShow: true,
  canUseDesktopSharing: true,
  canChangeAddressBook: true,
  canEditGroups: true,
  canUseDialer: true,
  trueconfRoomKey: 'EMULATOR-ROOM-KEY',
  url: (c: SampleContext) => `http://127.0.0.1:${c.webPort}/`,
};

export function sampleFields(
  responseFields: string[],
  request: Record<string, unknown>,
  ctx: SampleContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of responseFields) {
    if (field === 'result' || field === 'error' || field === 'resultCode') continue;
    if (Object.prototype.hasOwnProperty.call(request, field) && field !== 'method' && field !== 'requestId') {
      out[field] = request[field];
    } else if (Object.prototype.hasOwnProperty.call(SAMPLES, field)) {
      const sample = SAMPLES[field];
      out[field] = typeof sample === 'function' ? (sample as (c: SampleContext) => unknown)(ctx) : clone(sample);
    }
  }
  return out;
}

function clone(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value));
}
