import { fail, ok, type Reply } from './reply';
import type { Handler } from './method-handlers';
import type { Notify } from './notify';

/**
 * Devices of the Room: microphones, speakers, cameras (getHardware and the three setters), the
 * application sound device, monitors, the self view's rotation and crop, noise suppression, camera modes,
 * camera presets and per-participant receive levels. A setter changes what its getter returns and sends the
 * notification the catalogue pairs with it (`hardwareChanged` for the three device setters [INF]).
 * Mute lives in the world (mute.ts), because conference participants show it.
 */

export interface Device {
  name: string;
  description: string;
}

interface Preset {
  presetId: string;
  videoCapturerName: string;
  videoCapturerDescription: string;
  pan: number;
  tilt: number;
  zoom: number;
}

/** The devices the emulated Room has [INF]. Two of each, so that switching shows. */
const MICROPHONES: Device[] = [
  { name: 'Emulated Microphone', description: 'emulator' },
  { name: 'Ceiling Microphone', description: 'usb' },
];
const SPEAKERS: Device[] = [
  { name: 'Emulated Speakers', description: 'emulator' },
  { name: 'HDMI Speakers', description: 'hdmi' },
];
const CAMERAS: Device[] = [
  { name: 'Emulated Camera', description: 'emulator' },
  { name: 'PTZ Camera', description: 'usb' },
];
const MONITORS = [
  { index: 0, name: 'Emulated Monitor', width: 1920, height: 1080, isPrimary: true },
  { index: 1, name: 'Second Monitor', width: 1920, height: 1080, isPrimary: false },
];
const MODES = ['1920x1080@30', '1280x720@30'];
const ROTATE_ANGLES = new Set([0, 90, 180, 270]);
/** PTZ range of the emulated camera [INF]. */
export const PTZ_RANGE = { min: -100, max: 100, step: 10 };

export class Devices {
  audioCapturer: Device = { ...MICROPHONES[0] };
  audioRenderer: Device = { ...SPEAKERS[0] };
  videoCapturer: Device = { ...CAMERAS[0] };
  appSndDev: Device = { ...SPEAKERS[0] };
  currentMonitor = 0;
  rotateAngle = 0;
  crop = false;
  noiseSuppression = true;
  activeMode = MODES[0];
  activePin = '';
  readonly ptz = { pan: 0, tilt: 0, zoom: 0 };
  /** Axes whose step direction setCurrentPtzPropertyInverted reversed. */
  readonly inverted = new Set<string>();
  readonly presets: Preset[] = [];
  /** getAudioReceivingLevel per participant (CallId form); 100 when never set [INF]. */
  readonly receivingLevels = new Map<string, number>();
  private presetCounter = 0;

  constructor(private readonly notify: Notify) {}

  hardware(): Record<string, unknown> {
    return {
      audioCapturers: MICROPHONES.map((d) => ({ ...d })),
      currentAudioCapturerName: this.audioCapturer.name,
      currentAudioCapturerDescription: this.audioCapturer.description,
      audioRenderers: SPEAKERS.map((d) => ({ ...d })),
      currentAudioRendererName: this.audioRenderer.name,
      currentAudioRendererDescription: this.audioRenderer.description,
      videoCapturers: CAMERAS.map((d) => ({ ...d })),
      currentVideoCapturerName: this.videoCapturer.name,
      currentVideoCapturerDescription: this.videoCapturer.description,
      currentVideoCapturerType: 0,
      DSCaptureList: [],
    };
  }

  select(kind: 'audioCapturer' | 'audioRenderer' | 'videoCapturer' | 'appSndDev', wanted: Device): Reply {
    const list = kind === 'audioCapturer' ? MICROPHONES : kind === 'videoCapturer' ? CAMERAS : SPEAKERS;
    const device = list.find((d) => d.name === wanted.name && d.description === wanted.description);
    if (!device) return fail(`no such device "${wanted.name}" (${wanted.description})`);
    return ok(undefined, () => {
      this[kind] = { ...device };
      if (kind === 'appSndDev') this.notify('appSndDevChanged', { ...device });
      else this.notify('hardwareChanged', this.hardware());
    });
  }

  monitors(): Record<string, unknown> {
    return { monitors: MONITORS.map((m) => ({ ...m })), currentMonitor: this.currentMonitor };
  }

  modes(): Record<string, unknown> {
    return {
      activeMode: this.activeMode,
      activePin: this.activePin,
      modeList: [...MODES],
      pinList: [],
      supportPTZ: this.supportsPtz(),
      videoCapturerName: this.videoCapturer.name,
      videoCapturerDescription: this.videoCapturer.description,
    };
  }

  supportsPtz(): boolean {
    return this.videoCapturer.name === 'PTZ Camera';
  }

  ptzControls(): Record<string, unknown> {
    const axis = (value: number) => ({ ...PTZ_RANGE, value });
    return {
      pan: axis(this.ptz.pan),
      tilt: axis(this.ptz.tilt),
      zoom: axis(this.ptz.zoom),
      videoCapturerName: this.videoCapturer.name,
      videoCapturerDescription: this.videoCapturer.description,
    };
  }

  /** Moves one PTZ axis (by a step, or to a position) and reports ptzControlsChanged. */
  movePtz(axis: 'pan' | 'tilt' | 'zoom', to: (current: number) => number): Reply {
    return ok(undefined, () => {
      this.ptz[axis] = Math.max(PTZ_RANGE.min, Math.min(PTZ_RANGE.max, to(this.ptz[axis])));
      this.notify('ptzControlsChanged', this.ptzControls());
    });
  }

  resetPtz(): Reply {
    return ok(undefined, () => {
      Object.assign(this.ptz, { pan: 0, tilt: 0, zoom: 0 });
      this.notify('ptzControlsChanged', this.ptzControls());
    });
  }

  addPreset(camera: Device): Reply {
    if (!CAMERAS.some((d) => d.name === camera.name && d.description === camera.description))
      return fail(`no such camera "${camera.name}" (${camera.description})`);
    this.presetCounter += 1;
    const preset: Preset = {
      presetId: `preset-${this.presetCounter}`,
      videoCapturerName: camera.name,
      videoCapturerDescription: camera.description,
      ...this.ptz,
    };
    return ok({ presetId: preset.presetId }, () => {
      this.presets.push(preset);
      this.notify('videoCapturerPresetAdded', { ...preset });
    });
  }

  findPreset(id: string): Preset | undefined {
    return this.presets.find((p) => p.presetId === id);
  }
}

const str = (frame: Record<string, unknown>, name: string): string => String(frame[name]);
const device = (frame: Record<string, unknown>): Device => ({
  name: str(frame, 'name'),
  description: str(frame, 'description'),
});
const step =
  (axis: 'pan' | 'tilt' | 'zoom', sign: number): Handler =>
  (c) => {
    const d = c.state.devices;
    const direction = d.inverted.has(axis) ? -sign : sign;
    return d.movePtz(axis, (v) => v + direction * PTZ_RANGE.step);
  };
const position =
  (axis: 'pan' | 'tilt' | 'zoom'): Handler =>
  (c) =>
    c.state.devices.movePtz(axis, () => Number(c.frame.pos));
const presetCall =
  (event: string, change: (d: Devices, p: Preset, frame: Record<string, unknown>) => void): Handler =>
  (c) => {
    const d = c.state.devices;
    const preset = d.findPreset(str(c.frame, 'presetId'));
    if (!preset) return fail(`no preset "${str(c.frame, 'presetId')}"`);
    return ok(undefined, () => {
      change(d, preset, c.frame);
      c.notify(event, { ...preset });
    });
  };

export const DEVICE_HANDLERS: Record<string, Handler> = {
  getHardware: (c) => ok(c.state.devices.hardware()),
  setAudioCapturer: (c) => c.state.devices.select('audioCapturer', device(c.frame)),
  setAudioRenderer: (c) => c.state.devices.select('audioRenderer', device(c.frame)),
  setVideoCapturer: (c) => c.state.devices.select('videoCapturer', device(c.frame)),
  getAppSndDev: (c) => ok({ ...c.state.devices.appSndDev }),
  setAppSndDev: (c) => c.state.devices.select('appSndDev', device(c.frame)),

  getMonitorsInfo: (c) => ok(c.state.devices.monitors()),
  changeCurrentMonitor: (c) => {
    const index = Number(c.frame.monitorIndex);
    if (!MONITORS.some((m) => m.index === index)) return fail(`no monitor ${index}`);
    const d = c.state.devices;
    return ok(undefined, () => {
      d.currentMonitor = index;
      c.notify('monitorsInfoUpdated', d.monitors());
    });
  },
  getOutputSelfVideoRotateAngle: (c) => ok({ outputSelfVideoRotateAngle: c.state.devices.rotateAngle }),
  setOutputSelfVideoRotateAngle: (c) => {
    const angle = Number(c.frame.rotateAngle);
    if (!ROTATE_ANGLES.has(angle)) return fail('rotateAngle must be 0, 90, 180 or 270');
    return ok(undefined, () => {
      c.state.devices.rotateAngle = angle;
      c.notify('outputSelfVideoRotateAngleChanged', { rotateAngle: angle });
    });
  },
  getCrop: (c) => ok({ enabled: c.state.devices.crop }),
  // The wrappers disagree on the parameter's name (enabled / enable): both are accepted.
  setCrop: (c) => {
    const value = c.frame.enabled ?? c.frame.enable;
    if (typeof value !== 'boolean') return fail('missing parameter "enabled"');
    return ok(undefined, () => {
      c.state.devices.crop = value;
      c.notify('cropChanged', { cropImageStatus: value });
    });
  },
  getNoiseSuppression: (c) => ok({ enabled: c.state.devices.noiseSuppression }),
  setNoiseSuppression: (c) =>
    ok(undefined, () => {
      c.state.devices.noiseSuppression = c.frame.enabled === true;
      c.notify('noiseSuppressionChanged', { enabled: c.frame.enabled === true });
    }),
  getModes: (c) => ok(c.state.devices.modes()),
  setModes: (c) => {
    const mode = str(c.frame, 'mode');
    if (!MODES.includes(mode)) return fail(`no camera mode "${mode}" (modes: ${MODES.join(', ')})`);
    const d = c.state.devices;
    return ok(undefined, () => {
      d.activeMode = mode;
      d.activePin = str(c.frame, 'pin');
      c.notify('deviceModesDone', d.modes());
    });
  },
  getAudioReceivingLevel: (c) =>
    ok({ level: c.state.devices.receivingLevels.get(c.resolve(str(c.frame, 'peerId'))) ?? 100 }),
  // No notification names this change [INF: none sent].
  setAudioReceivingLevel: (c) => {
    const level = Number(c.frame.level);
    if (level < 0 || level > 100) return fail('level must be 0 to 100');
    c.state.devices.receivingLevels.set(c.resolve(str(c.frame, 'peerId')), level);
    return ok();
  },

  // PTZ of the Room's own camera
  getPtzControls: (c) => ok(c.state.devices.ptzControls()),
  ptzLeft: step('pan', -1),
  ptzRight: step('pan', 1),
  ptzUp: step('tilt', 1),
  ptzDown: step('tilt', -1),
  ptzZoomInc: step('zoom', 1),
  ptzZoomDec: step('zoom', -1),
  // A step above is already complete; stop only reports where the camera is [INF].
  ptzStop: (c) => ok(undefined, () => c.notify('ptzControlsChanged', c.state.devices.ptzControls())),
  setPanPos: position('pan'),
  setTiltPos: position('tilt'),
  setZoomPos: position('zoom'),
  setPtzDefaults: (c) => c.state.devices.resetPtz(),
  // Reverses an axis of the step commands; no getter reports it and no notification is named [INF: none sent].
  setCurrentPtzPropertyInverted: (c) => {
    const property = str(c.frame, 'property');
    if (!['pan', 'tilt', 'zoom'].includes(property)) return fail('property must be "pan", "tilt" or "zoom"');
    if (c.frame.on === true) c.state.devices.inverted.add(property);
    else c.state.devices.inverted.delete(property);
    return ok();
  },

  // camera presets
  getAllVideoCapturerPresets: (c) => ok({ presets: c.state.devices.presets.map((p) => ({ ...p })) }),
  addVideoCapturerPreset: (c) =>
    c.state.devices.addPreset({
      name: str(c.frame, 'videoCapturerName'),
      description: str(c.frame, 'videoCapturerDescription'),
    }),
  addPresetFromCurrentVideoCapturer: (c) => c.state.devices.addPreset(c.state.devices.videoCapturer),
  applyVideoCapturerPreset: presetCall('videoCapturerPresetApplied', (d, p) =>
    Object.assign(d.ptz, { pan: p.pan, tilt: p.tilt, zoom: p.zoom }),
  ),
  updatePresetFromCurrentVideoCapturer: presetCall('videoCapturerPresetUpdated', (d, p) => Object.assign(p, d.ptz)),
  updateVideoCapturerPreset: presetCall('videoCapturerPresetUpdated', (_d, p, f) =>
    Object.assign(p, {
      videoCapturerName: str(f, 'videoCapturerName'),
      videoCapturerDescription: str(f, 'videoCapturerDescription'),
    }),
  ),
  removeVideoCapturerPreset: presetCall('videoCapturerPresetRemoved', (d, p) =>
    d.presets.splice(d.presets.indexOf(p), 1),
  ),
};
