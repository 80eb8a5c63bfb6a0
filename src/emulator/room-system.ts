import { fail, ok, type Reply } from './reply';
import type { Handler } from './method-handlers';
import { isUnsafeKey, type Notify } from './notify';

/**
 * The Room as an appliance: sleep mode, window, status line, the files on its embedded HTTP server, logo
 * and background, NDI, the HTTP server, stored data containers, call history, scheduler, broadcast picture
 * and selfie, desktop capture and the audio tests. Each setter changes what its getter shows and sends the
 * notification the catalogue names for it; where the catalogue names none, none is sent.
 */

export interface StoredFile {
  fileId: number;
  fileName: string;
  size: number;
}

interface CallRecord {
  peerId: string;
  peerDn: string;
  direction: 'outgoing' | 'incoming';
  time: number;
  answered: boolean;
}

/** Files the emulated Room has on its embedded HTTP server from the start [INF]. */
const SEED_FILES: StoredFile[] = [
  { fileId: 1, fileName: 'logo.png', size: 24_576 },
  { fileId: 2, fileName: 'background.jpg', size: 310_272 },
  { fileId: 3, fileName: 'slide-1.png', size: 102_400 },
  { fileId: 4, fileName: 'slide-2.png', size: 98_304 },
];
const MAX_CALL_HISTORY = 100;

export class RoomSystem {
  sleepMode = false;
  window = { windowState: 0, stayOnTop: false };
  /** Overrides of appState's extStatus/additionalStatus set by setExtStatus (undefined: derived from appState). */
  extStatus?: { extStatus: number; additionalStatus: string };
  comPort = '';
  logo = { isCustomImage: false, fileId: 0, mode: 0 };
  background = { isCustomImage: false, fileId: 0 };
  blur = false;
  replaceBackground = { enabled: false, fileId: 0 };
  ndi = false;
  readonly ndiDevices = new Map<string, { deviceId: string; displayName: string; mixedType: number }>();
  httpServerRunning = true;
  readonly httpSettings: Record<string, unknown> = { port: 0, allowRemoteAccess: false };
  readonly containers = new Map<string, { data: string; flags: string }>();
  readonly calls: CallRecord[] = [];
  lastCallsView = 0;
  readonly servers: string[] = [];
  scheduler: unknown[] = [];
  broadcastSelfie = { enabled: false, fps: 15 };
  broadcastPicture?: StoredFile;
  desktopSharing?: { captureId: number; name: string };
  audioCaptureTest = false;
  audioDelayTest = 0;
  license = { product_id: 'room', value: 'free', start_date: '2024-01-01', end_date: '2099-12-31' };
  readonly files = new Map<number, StoredFile>(SEED_FILES.map((f) => [f.fileId, { ...f }]));
  private fileCounter = SEED_FILES.length;

  constructor(
    private readonly notify: Notify,
    /** Sends appStateChanged with the current payload (its extras changed). */
    private readonly appStateChanged: () => void,
  ) {}

  /** The parts of getAppState this module owns. */
  appStateExtras(): Record<string, unknown> {
    const extras: Record<string, unknown> = {
      desktopSharing: this.desktopSharing
        ? { running: true, sourceType: 0, id: this.desktopSharing.captureId, windowName: this.desktopSharing.name }
        : { running: false, sourceType: 0, id: 0, windowName: '' },
      broadcastPicture: this.broadcastPicture
        ? { running: true, fileName: this.broadcastPicture.fileName, fileId: this.broadcastPicture.fileId }
        : { running: false },
      audioCaptureTest: this.audioCaptureTest,
    };
    if (this.extStatus) Object.assign(extras, this.extStatus);
    return extras;
  }

  /** Test hook: a file appears on the embedded HTTP server (an upload). Returns its fileId. */
  addFile(fileName: string, size = 1024): number {
    this.fileCounter += 1;
    this.files.set(this.fileCounter, { fileId: this.fileCounter, fileName, size });
    return this.fileCounter;
  }

  file(fileId: unknown): StoredFile | undefined {
    return this.files.get(Number(fileId));
  }

  recordCall(call: Omit<CallRecord, 'time'>): void {
    this.calls.unshift({ ...call, time: Math.floor(Date.now() / 1000) });
    if (this.calls.length > MAX_CALL_HISTORY) this.calls.length = MAX_CALL_HISTORY;
  }

  rememberServer(name: string): void {
    const i = this.servers.indexOf(name);
    if (i >= 0) this.servers.splice(i, 1);
    this.servers.unshift(name);
  }

  setSleepMode(enabled: boolean): Reply {
    return ok(undefined, () => {
      this.sleepMode = enabled;
      // The catalogue names sleepModeChanged without fields; it carries the new value here [INF].
      this.notify('sleepModeChanged', { enabled });
    });
  }

  setLogo(fileId: number, mode: number): Reply {
    const f = this.file(fileId);
    if (!f) return fail(`no file ${fileId}`);
    return ok(undefined, () => {
      this.logo = { isCustomImage: true, fileId, mode };
      this.notify('logoImageChanged', { ...this.logo });
      this.notify('customLogoUsageChanged', { use: true });
    });
  }

  setDefaultLogo(): Reply {
    return ok(undefined, () => {
      this.logo = { isCustomImage: false, fileId: 0, mode: 0 };
      this.notify('logoImageChanged', { ...this.logo });
      this.notify('customLogoUsageChanged', { use: false });
    });
  }

  setBackground(fileId: number | undefined): Reply {
    if (fileId !== undefined && !this.file(fileId)) return fail(`no file ${fileId}`);
    return ok(undefined, () => {
      this.background = fileId === undefined ? { isCustomImage: false, fileId: 0 } : { isCustomImage: true, fileId };
      this.notify('backgroundImageChanged', { ...this.background });
    });
  }

  httpSettingChanged(settings: Record<string, unknown>): Reply {
    return ok(undefined, () => {
      for (const [name, value] of Object.entries(settings)) {
        if (isUnsafeKey(name)) continue;
        this.httpSettings[name] = value;
        this.notify('httpServerSettingChanged', {
          name,
          value,
          httpServerRestartNeededForApplying: false,
          isPendingToBeApplied: false,
          pendingValue: '',
        });
      }
    });
  }

  setHttpServer(running: boolean): Reply {
    return ok(undefined, () => {
      this.httpServerRunning = running;
      this.notify('httpServerStateChanged', { state: running ? 1 : 0 });
    });
  }

  /** appStateChanged after a change of its extras (desktop sharing, broadcast picture, audio test, status) [INF]. */
  extrasChanged(): void {
    this.appStateChanged();
  }
}

const str = (frame: Record<string, unknown>, name: string): string => String(frame[name]);
const bool = (frame: Record<string, unknown>, name: string): boolean => frame[name] === true;

export const SYSTEM_HANDLERS: Record<string, Handler> = {
  getSleepMode: (c) => ok({ enabled: c.state.system.sleepMode }),
  setSleepMode: (c) => c.state.system.setSleepMode(bool(c.frame, 'enabled')),

  changeWindowState: (c) => {
    const s = c.state.system;
    return ok(undefined, () => {
      s.window = { windowState: Number(c.frame.windowState), stayOnTop: bool(c.frame, 'stayOnTop') };
      c.notify('windowStateChanged', { ...s.window });
    });
  },
  restoreWindow: (c) => {
    const s = c.state.system;
    return ok(undefined, () => {
      s.window = { ...s.window, windowState: 0 };
      c.notify('windowStateChanged', { ...s.window });
    });
  },
  setExtStatus: (c) => {
    const s = c.state.system;
    return ok(undefined, () => {
      s.extStatus = { extStatus: Number(c.frame.extStatus), additionalStatus: str(c.frame, 'additionalStatus') };
      s.extrasChanged();
    });
  },
  getComPort: (c) => ok({ port: c.state.system.comPort }),
  setComPort: (c) =>
    ok(undefined, () => {
      c.state.system.comPort = str(c.frame, 'port');
      c.notify('comPortChanged', { port: c.state.system.comPort });
    }),

  // files on the embedded HTTP server
  getFileList: (c) => ok({ fileList: [...c.state.system.files.values()].map((f) => ({ ...f })) }),

  // logo and branding (admin-only by the catalogue)
  getLogo: (c) => ok({ ...c.state.system.logo }),
  setLogo: (c) => c.state.system.setLogo(Number(c.frame.fileId), Number(c.frame.mode)),
  setDefaultLogo: (c) => c.state.system.setDefaultLogo(),

  // background and blur
  getBackground: (c) => ok({ ...c.state.system.background }),
  setBackground: (c) => c.state.system.setBackground(Number(c.frame.fileId)),
  setDefaultBackground: (c) => c.state.system.setBackground(undefined),
  getBlur: (c) => ok({ enabled: c.state.system.blur }),
  setBlur: (c) =>
    ok(undefined, () => {
      c.state.system.blur = bool(c.frame, 'enabled');
      c.notify('blurChanged', { enabled: c.state.system.blur });
    }),
  getReplaceBackground: (c) => ok({ ...c.state.system.replaceBackground }),
  setReplaceBackground: (c) => {
    const fileId = Number(c.frame.fileId);
    if (bool(c.frame, 'enabled') && !c.state.system.file(fileId)) return fail(`no file ${fileId}`);
    return ok(undefined, () => {
      c.state.system.replaceBackground = { enabled: bool(c.frame, 'enabled'), fileId };
      c.notify('replaceBackgroundChanged', { ...c.state.system.replaceBackground });
    });
  },

  // NDI
  getNDIState: (c) => ok({ enabled: c.state.system.ndi }),
  setNDIState: (c) =>
    ok(undefined, () => {
      c.state.system.ndi = bool(c.frame, 'enabled');
      c.notify('NDIStateChanged', { enabled: c.state.system.ndi });
    }),
  getCreatedNDIDevices: (c) =>
    ok({ createdNDIDevices: [...c.state.system.ndiDevices.values()].map((d) => ({ ...d })) }),
  createNDIDevice: (c) => {
    const s = c.state.system;
    const deviceId = str(c.frame, 'deviceId');
    if (!s.ndi) return fail('NDI is off (setNDIState first)');
    if (s.ndiDevices.has(deviceId)) return fail(`NDI device ${deviceId} exists`);
    return ok(undefined, () => {
      const device = { deviceId, displayName: `Room NDI ${deviceId}`, mixedType: 0 };
      s.ndiDevices.set(deviceId, device);
      c.notify('NDIDeviceCreated', { ...device });
    });
  },
  deleteNDIDevice: (c) => {
    const s = c.state.system;
    const device = s.ndiDevices.get(str(c.frame, 'deviceId'));
    if (!device) return fail(`no NDI device ${str(c.frame, 'deviceId')}`);
    return ok(undefined, () => {
      s.ndiDevices.delete(device.deviceId);
      c.notify('NDIDeviceDeleted', { ...device });
    });
  },

  // the embedded HTTP server
  getHttpServerState: (c) => ok({ state: c.state.system.httpServerRunning ? 1 : 0 }),
  startHttpServer: (c) => c.state.system.setHttpServer(true),
  stopHttpServer: (c) => c.state.system.setHttpServer(false),
  getHttpServerSettings: (c) => ok({ settings: { ...c.state.system.httpSettings } }),
  setHttpServerSettings: (c) => c.state.system.httpSettingChanged(c.frame.settings as Record<string, unknown>),

  // data containers
  getAllUserContainersNames: (c) => ok({ containersNames: [...c.state.system.containers.keys()] }),
  saveData: (c) =>
    ok(undefined, () => {
      const entry = { data: str(c.frame, 'data'), flags: str(c.frame, 'flags') };
      c.state.system.containers.set(str(c.frame, 'containerName'), entry);
      c.notify('dataSaved', { containerName: str(c.frame, 'containerName'), data: entry.data, flag: entry.flags });
    }),
  loadData: (c) => {
    const entry = c.state.system.containers.get(str(c.frame, 'containerName'));
    if (!entry) return fail(`no container "${str(c.frame, 'containerName')}"`);
    return ok({ containerName: str(c.frame, 'containerName'), data: entry.data });
  },
  deleteData: (c) => {
    const name = str(c.frame, 'containerName');
    if (!c.state.system.containers.has(name)) return fail(`no container "${name}"`);
    return ok(undefined, () => {
      c.state.system.containers.delete(name);
      c.notify('dataDeleted', { containerName: name });
    });
  },

  // call history and servers
  getCallHistory: (c) =>
    ok({
      calls: c.state.system.calls.slice(0, Math.max(0, Number(c.frame.count))).map((r) => ({ ...r })),
      lastView: c.state.system.lastCallsView,
    }),
  getLastCallsViewTime: (c) => ok({ time: c.state.system.lastCallsView }),
  setLastCallsViewed: (c) =>
    ok(undefined, () => {
      c.state.system.lastCallsView = Math.floor(Date.now() / 1000);
      c.notify('lastCallsViewed', { lastView: c.state.system.lastCallsView });
    }),
  clearCallHistory: (c) =>
    ok(undefined, () => {
      c.state.system.calls.length = 0;
      c.notify('callHistoryCleared', {});
    }),
  getLastUsedServersList: (c) =>
    ok({ lastUsedServersList: c.state.system.servers.slice(0, Math.max(0, Number(c.frame.count))) }),
  // No notification names this change [INF: none sent].
  removeFromServersList: (c) => {
    const s = c.state.system;
    const i = s.servers.indexOf(str(c.frame, 'serverName'));
    if (i < 0) return fail(`${str(c.frame, 'serverName')} is not in the list`);
    s.servers.splice(i, 1);
    return ok();
  },

  // scheduler: the custom list replaces the server's conference list [INF]
  getScheduler: (c) =>
    ok({ cnt: c.state.system.scheduler.length, conferences: structuredClone(c.state.system.scheduler) }),
  setCustomScheduler: (c) =>
    ok(undefined, () => {
      c.state.system.scheduler = structuredClone(c.frame.conferences as unknown[]);
      c.notify('conferenceList', {
        cnt: c.state.system.scheduler.length,
        conferences: structuredClone(c.state.system.scheduler),
        succeed: true,
      });
    }),
  eraseCustomScheduler: (c) =>
    ok(undefined, () => {
      c.state.system.scheduler = [];
      c.notify('conferenceList', { cnt: 0, conferences: [], succeed: true });
    }),

  // a controller's own event, echoed to every controller
  fireMyEvent: (c) => ok(undefined, () => c.notify('myEvent', { data: str(c.frame, 'data') })),

  // broadcast picture and selfie, desktop capture, audio tests (appState extras)
  getBroadcastSelfie: (c) => ok({ ...c.state.system.broadcastSelfie }),
  setBroadcastSelfie: (c) =>
    ok(undefined, () => {
      const s = c.state.system;
      s.broadcastSelfie = {
        enabled: bool(c.frame, 'enabled'),
        fps: typeof c.frame.fps === 'number' ? c.frame.fps : s.broadcastSelfie.fps,
      };
      c.notify('broadcastSelfieChanged', { ...s.broadcastSelfie });
    }),
  getBroadcastPicture: (c) => {
    const p = c.state.system.broadcastPicture;
    return ok({ fileName: p?.fileName ?? '', fileId: p?.fileId ?? 0 });
  },
  startBroadcastPicture: (c) => {
    const f = c.state.system.file(c.frame.fileId);
    if (!f) return fail(`no file ${str(c.frame, 'fileId')}`);
    return ok(undefined, () => {
      c.state.system.broadcastPicture = f;
      c.notify('broadcastPictureStateChanged', { running: true, fileName: f.fileName, fileId: f.fileId });
      c.state.system.extrasChanged();
    });
  },
  stopBroadcastPicture: (c) => {
    if (!c.state.system.broadcastPicture) return fail('no picture is being broadcast');
    return ok(undefined, () => {
      c.state.system.broadcastPicture = undefined;
      c.notify('broadcastPictureStateChanged', { running: false, fileName: '', fileId: 0 });
      c.state.system.extrasChanged();
    });
  },
  startCapture: (c) => {
    const captureId = Number(c.frame.captureId);
    return ok(undefined, () => {
      c.state.system.desktopSharing = { captureId, name: `Screen ${captureId}` };
      c.notify('dsStarted', { captureId, name: `Screen ${captureId}` });
      c.state.system.extrasChanged();
    });
  },
  stopCapture: (c) => {
    const sharing = c.state.system.desktopSharing;
    if (!sharing) return fail('no desktop capture is running');
    return ok(undefined, () => {
      c.state.system.desktopSharing = undefined;
      c.notify('dsStopped', { captureId: sharing.captureId });
      c.state.system.extrasChanged();
    });
  },
  testAudioCapturerStart: (c) => audioTest(c.state.system, c.notify, true),
  testAudioCapturerStop: (c) => audioTest(c.state.system, c.notify, false),
  getAudioDelayDetectorInfo: (c) => ok({ state: c.state.system.audioDelayTest }),
  startAudioDelayDetectorTest: (c) => delayTest(c.state.system, c.notify, 1),
  stopAudioDelayDetectorTest: (c) => delayTest(c.state.system, c.notify, 0),

  // licence (activateLicense is admin-only by the catalogue); any non-empty key activates [INF]
  getLicenseType: (c) => ok({ ...c.state.system.license }),
  activateLicense: (c) => {
    const key = str(c.frame, 'key');
    if (key.trim() === '') return fail('the licence key must not be empty');
    const s = c.state.system;
    return ok({ status: 0 }, () => {
      s.license = { ...s.license, value: 'pro' };
      c.notify('licenseActivation', {
        status: 0,
        tariff: 'pro',
        start_date: s.license.start_date,
        end_date: s.license.end_date,
      });
      c.notify('licenseStatusChanged', { pro: true, start_date: s.license.start_date, end_date: s.license.end_date });
    });
  },
};

function audioTest(s: RoomSystem, notify: Notify, started: boolean): Reply {
  if (s.audioCaptureTest === started)
    return fail(started ? 'the microphone test is running' : 'no microphone test is running');
  return ok(undefined, () => {
    s.audioCaptureTest = started;
    notify('testAudioCapturerStateChanged', { started });
    s.extrasChanged();
  });
}

function delayTest(s: RoomSystem, notify: Notify, state: number): Reply {
  return ok(undefined, () => {
    s.audioDelayTest = state;
    notify('audioDelayDetectorTestStateChanged', { state, delay: 0 });
  });
}
