/** What the modules outside the conference (layout, camera control, chat, files, slides) may read of it. */
export interface ConferenceView {
  confId(): string | undefined;
  /** The other participants (InstanceId and display name), in joining order. */
  participants(): Array<{ peerId: string; peerDn: string }>;
  /** One participant by InstanceId (or a CallId with one instance), or why not. */
  find(id: string): { peerId: string; peerDn: string } | { error: string };
  roomDn(): string;
}
