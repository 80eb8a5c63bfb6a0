import type { ConferenceView } from './conference-view';
import type { Handler } from './method-handlers';
import type { Notify } from './notify';
import { scriptFor } from './peers';
import { fail, ok, type Reply } from './reply';
import { Timers } from './timers';
import type { PeerScript } from './types';
import { callIdOf } from './wire-shapes';

/**
 * Far-end camera control (PTZ requests) in a conference: the Room asks a participant for control of their
 * camera (requestParticipantCameraControl; the far end answers by its script: a "decline" id refuses [INF]),
 * moves a camera it controls (remotelyControlledCameraPtz*), and answers participants who ask for its own
 * camera (accept/rejectRequestCameraControl). Everything ends with the conference.
 */

/** `reason` of incoming/outgoingRequestCameraControlRejected (catalogue): 0 refused, 2 the conference ended. */
const REASON = { refused: 0, conferenceEnded: 2 } as const;

export class CameraControl {
  readonly outgoing = new Set<string>();
  readonly incoming = new Set<string>();
  readonly controlled = new Set<string>();
  private readonly timers: Timers;

  constructor(
    private readonly notify: Notify,
    private readonly conference: ConferenceView,
    private readonly far: { peers: Record<string, PeerScript>; answerDelayMs: number },
    onError: (err: unknown) => void,
  ) {
    this.timers = new Timers(onError);
  }

  request(callId: string): Reply {
    const p = this.conference.find(callId);
    if ('error' in p) return fail(p.error);
    if (this.outgoing.has(p.peerId) || this.controlled.has(p.peerId))
      return fail(`camera control of ${p.peerId} is already requested or granted`);
    const script: PeerScript = scriptFor(callIdOf(p.peerId), this.far.peers);
    return ok(undefined, () => {
      this.outgoing.add(p.peerId);
      this.notify('requestCameraControlSent', { callId: p.peerId });
      this.timers.after(
        'delayMs' in script && script.delayMs !== undefined ? script.delayMs : this.far.answerDelayMs,
        () => {
          if (!this.outgoing.delete(p.peerId)) return;
          if ('answer' in script) {
            this.controlled.add(p.peerId);
            this.notify('outgoingRequestCameraControlAccepted', { callId: p.peerId });
          } else this.notify('outgoingRequestCameraControlRejected', { callId: p.peerId, reason: REASON.refused });
        },
      );
    });
  }

  /** Test hook: a participant asks to control the Room's camera. */
  incomingRequest(callId: string): string {
    const p = this.conference.find(callId);
    if ('error' in p) throw new Error(`cameraControlRequest: ${p.error}`);
    this.incoming.add(p.peerId);
    this.notify('requestCameraControlReceived', { callId: p.peerId });
    return p.peerId;
  }

  answer(callId: string, accept: boolean): Reply {
    const id = [...this.incoming].find((x) => x === callId || callIdOf(x) === callId);
    if (!id) return fail(`no camera control request from ${callId}`);
    return ok(undefined, () => {
      this.incoming.delete(id);
      if (accept) this.notify('incomingRequestCameraControlAccepted', { callId: id });
      else this.notify('incomingRequestCameraControlRejected', { callId: id, reason: REASON.refused });
    });
  }

  /** remotelyControlledCameraPtz*: only a camera the far end handed over; the far camera reports nothing [INF]. */
  move(cameraOwnerCallId: string): Reply {
    const id = [...this.controlled].find((x) => x === cameraOwnerCallId || callIdOf(x) === cameraOwnerCallId);
    return id ? ok() : fail(`the Room does not control the camera of ${cameraOwnerCallId}`);
  }

  /** The emulator stops: pending far-end answers are forgotten without a word. */
  cancelTimers(): void {
    this.outgoing.clear();
    this.timers.clear();
  }

  /** A participant left, or the conference ended: their requests and control go. */
  drop(peerId?: string): void {
    for (const id of [...this.controlled]) {
      if (peerId && id !== peerId) continue;
      this.controlled.delete(id);
      this.notify('remotelyControlledCameraNotAvailableAnymore', { callId: id });
    }
    for (const id of [...this.incoming]) {
      if (peerId && id !== peerId) continue;
      this.incoming.delete(id);
      this.notify('incomingRequestCameraControlRejected', { callId: id, reason: REASON.conferenceEnded });
    }
    if (!peerId) {
      this.outgoing.clear();
      this.timers.clear();
    } else this.outgoing.delete(peerId);
  }
}

const move: Handler = (c) => c.state.camera.move(String(c.frame.cameraOwnerCallId));

export const CAMERA_CONTROL_HANDLERS: Record<string, Handler> = {
  requestParticipantCameraControl: (c) => c.state.camera.request(String(c.frame.callId)),
  acceptRequestCameraControl: (c) => c.state.camera.answer(String(c.frame.callId), true),
  rejectRequestCameraControl: (c) => c.state.camera.answer(String(c.frame.callId), false),
  getIncomingCameraControlRequests: (c) => ok({ callIdList: [...c.state.camera.incoming] }),
  getOutgoingCameraControlRequests: (c) => ok({ callIdList: [...c.state.camera.outgoing] }),
  getRemotelyControlledCameras: (c) => ok({ callIdList: [...c.state.camera.controlled] }),
  remotelyControlledCameraPtzLeft: move,
  remotelyControlledCameraPtzRight: move,
  remotelyControlledCameraPtzUp: move,
  remotelyControlledCameraPtzDown: move,
  remotelyControlledCameraPtzZoomInc: move,
  remotelyControlledCameraPtzZoomDec: move,
};
