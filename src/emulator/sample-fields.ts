/**
 * Plausible values for the response fields of catalogue methods the emulator does not model with state.
 * Field names come from each method's catalogue `response` list; a field the request itself carries is
 * echoed back, a field named here gets this value, and any other field is left out. All values are
 * invented [INF]: they only have to be well-formed, not true.
 */

export interface SampleContext {
  domain: string;
  roomId: string;
  roomDn: string;
  webPort: number;
}

type Sample = unknown | ((ctx: SampleContext) => unknown);

const SAMPLES: Record<string, Sample> = {
  status: 0,
  containersNames: [],
  name: 'Emulated Speakers',
  description: 'emulator',
  state: 0,
  level: 100,
  isCustomImage: false,
  fileId: 0,
  banList: [],
  fileName: '',
  enabled: false,
  fps: 15,
  calls: [],
  lastView: 0,
  messages: [],
  fileList: [],
  files: [],
  available: true,
  groups: [{ groupId: 1, name: 'Favourites', peers: [] }],
  audioCapturers: [{ name: 'Emulated Microphone', description: 'emulator' }],
  currentAudioCapturerName: 'Emulated Microphone',
  currentAudioCapturerDescription: 'emulator',
  audioRenderers: [{ name: 'Emulated Speakers', description: 'emulator' }],
  currentAudioRendererName: 'Emulated Speakers',
  currentAudioRendererDescription: 'emulator',
  videoCapturers: [{ name: 'Emulated Camera', description: 'emulator' }],
  currentVideoCapturerName: 'Emulated Camera',
  currentVideoCapturerDescription: 'emulator',
  currentVideoCapturerType: 0,
  DSCaptureList: [],
  key: 'EMULATOR-HARDWARE-KEY',
  callIdList: [],
  logoDisplaying: true,
  timeDisplaying: true,
  connectInfoDisplaying: true,
  currentUserInfoWidgetDisplaying: true,
  incomingRequestWidgetDisplaying: true,
  upcomingMeetingsComponentDisplaying: true,
  time: 0,
  lastUsedServersList: (c: SampleContext) => [c.domain],
  product_id: 'room',
  value: 'emulator',
  start_date: '2024-01-01',
  end_date: '2099-12-31',
  list: [],
  length: 64,
  activeMode: '',
  activePin: '',
  modeList: [],
  pinList: [],
  supportPTZ: false,
  videoCapturerName: 'Emulated Camera',
  videoCapturerDescription: 'emulator',
  monitors: [{ index: 0, name: 'Emulated Monitor', width: 1920, height: 1080 }],
  currentMonitor: 0,
  bitrate: 1024,
  outputSelfVideoRotateAngle: 0,
  properties: {},
  pan: 0,
  tilt: 0,
  zoom: 0,
  render: 'software',
  version: '1.0',
  vendor: 'emulator',
  cnt: 0,
  conferences: [],
  imagesQueueForCaching: [],
  cachedSlides: [],
  isImagesCachingRunning: false,
  currentlyCachingImage: '',
  started: false,
  slides: [],
  currentSlideIdx: -1,
  authInfo: (c: SampleContext) => ({ peerId: c.roomId, peerDn: c.roomDn }),
  fileInfo: { maxSize: 0 },
  productInfo: { name: 'TrueConf Room (emulator)', version: '5.0.0-emulator', os: process.platform },
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
  matrixType: 1,
  mainWindowWidth: 1920,
  mainWindowHeight: 1080,
  selfViewMode: 1,
  participants: [],
  externVideoSlots: [],
  hiddenVideoSlots: [],
  data: '',
  searchingResult: 0,
  foundContacts: [],
  createdNDIDevices: [],
  url: (c: SampleContext) => `http://127.0.0.1:${c.webPort}/`,
  serverInfo: (c: SampleContext) => ({ server: c.domain, service: false, port: 4307, domain: c.domain }),
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
