import { AddressBook } from './address-book';
import { CameraControl } from './camera-control';
import type { ConferenceView } from './conference-view';
import { Devices } from './devices';
import { Messaging } from './messaging';
import type { Notify } from './notify';
import { RoomSystem } from './room-system';
import { Slides } from './slides';
import type { PeerScript } from './types';
import { VideoMatrix } from './video-matrix';

/**
 * The Room's state outside calls and conferences, one object per method family. The handlers of each
 * family live beside its state (devices.ts, address-book.ts, room-system.ts, video-matrix.ts ...).
 */

export interface RoomStateDeps {
  notify: Notify;
  /** user -> user@<current server>. */
  resolve: (id: string) => string;
  domain: string;
  /** Sends appStateChanged with the current payload. */
  appStateChanged: () => void;
  conference: ConferenceView;
  far: { peers: Record<string, PeerScript>; answerDelayMs: number };
  onError: (err: unknown) => void;
}

export class RoomState {
  readonly devices: Devices;
  readonly abook: AddressBook;
  readonly system: RoomSystem;
  readonly matrix: VideoMatrix;
  readonly camera: CameraControl;
  readonly messaging: Messaging;
  readonly slides: Slides;
  readonly conference: ConferenceView;

  constructor(d: RoomStateDeps) {
    this.conference = d.conference;
    this.devices = new Devices(d.notify);
    this.abook = new AddressBook(d.notify, d.resolve, d.domain);
    this.system = new RoomSystem(d.notify, d.appStateChanged);
    this.matrix = new VideoMatrix(d.notify, d.conference);
    this.camera = new CameraControl(d.notify, d.conference, d.far, d.onError);
    const file = (fileId: unknown) => this.system.file(fileId);
    this.messaging = new Messaging(d.notify, d.conference, d.resolve, file, (name, size) =>
      this.system.addFile(name, size),
    );
    this.slides = new Slides(d.notify, file);
  }

  /** The conference ended: what belonged to it goes. */
  conferenceEnded(): void {
    this.matrix.reset();
    this.camera.drop();
  }

  participantLeft(peerId: string): void {
    this.camera.drop(peerId);
  }

  /** The emulator stops: no timer of a family may outlive it. */
  cancelTimers(): void {
    this.camera.cancelTimers();
  }

  /** What a restart of the Room application resets [INF]: it wakes up; stored state stays. */
  resetAfterRestart(): void {
    this.system.sleepMode = false;
    this.system.desktopSharing = undefined;
    this.system.broadcastPicture = undefined;
    this.system.audioCaptureTest = false;
  }
}
