import { AddressBook } from './address-book';
import { Devices } from './devices';
import type { Notify } from './notify';
import { RoomSystem } from './room-system';

/**
 * The Room's state outside calls and conferences, one object per method family. The handlers of each
 * family live beside its state (devices.ts, address-book.ts, room-system.ts ...).
 */
export class RoomState {
  readonly devices: Devices;
  readonly abook: AddressBook;
  readonly system: RoomSystem;

  constructor(notify: Notify, resolve: (id: string) => string, domain: string, appStateChanged: () => void) {
    this.devices = new Devices(notify);
    this.abook = new AddressBook(notify, resolve, domain);
    this.system = new RoomSystem(notify, appStateChanged);
  }

  /** What a restart of the Room application resets [INF]: it wakes up; stored state stays. */
  resetAfterRestart(): void {
    this.system.sleepMode = false;
    this.system.desktopSharing = undefined;
    this.system.broadcastPicture = undefined;
    this.system.audioCaptureTest = false;
  }
}
