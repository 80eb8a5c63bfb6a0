import type { RoomNotification, Unsubscribe } from './types';

export type NotificationListener = (notification: RoomNotification) => void;

/** '*' subscribes to every notification. */
export const ALL_EVENTS = '*';

/**
 * Routes notifications to the listeners of their event name. Dispatch touches only the listeners of
 * that one event (plus the '*' listeners), so a flow with hundreds of event nodes stays cheap.
 * A throwing listener is reported through `onListenerError` and never stops the others.
 */
export class EventRouter {
  private readonly byEvent = new Map<string, Set<NotificationListener>>();

  constructor(private readonly onListenerError: (err: unknown, event: string) => void = () => {}) {}

  subscribe(event: string, listener: NotificationListener): Unsubscribe {
    if (typeof event !== 'string' || event === '') throw new TypeError('event name must be a non-empty string');
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry: NotificationListener = (n) => listener(n);
    let set = this.byEvent.get(event);
    if (!set) {
      set = new Set();
      this.byEvent.set(event, set);
    }
    set.add(entry);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.byEvent.get(event);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.byEvent.delete(event);
    };
  }

  dispatch(notification: RoomNotification): void {
    this.deliver(this.byEvent.get(notification.event), notification);
    if (notification.event !== ALL_EVENTS) this.deliver(this.byEvent.get(ALL_EVENTS), notification);
  }

  /** Listeners of one event (not counting '*'), or of all events when `event` is omitted. */
  listenerCount(event?: string): number {
    if (event !== undefined) return this.byEvent.get(event)?.size ?? 0;
    let n = 0;
    for (const set of this.byEvent.values()) n += set.size;
    return n;
  }

  clear(): void {
    this.byEvent.clear();
  }

  private deliver(set: Set<NotificationListener> | undefined, notification: RoomNotification): void {
    if (!set) return;
    // Copy: a listener may unsubscribe (itself or others) while we iterate.
    for (const listener of [...set]) {
      if (!set.has(listener)) continue; // unsubscribed by an earlier listener of this dispatch
      try {
        listener(notification);
      } catch (err) {
        try {
          this.onListenerError(err, notification.event);
        } catch {
          // The error reporter itself failed; nothing sensible left to do.
        }
      }
    }
  }
}
