import type { ConferenceView } from './conference-view';
import type { Handler } from './method-handlers';
import type { Notify } from './notify';
import { fail, ok, type Reply } from './reply';
import type { StoredFile } from './room-system';

/**
 * Chat (one chat per peer, by CallId, and one per conference, by confId), commands to participants, DTMF
 * tones, and file transfer: files the Room sends (to a peer or the conference) and files offered to it
 * (a test hook), in both the older id-based and the newer request-based commands.
 */

interface ChatMessage {
  peerId: string;
  chatId: string;
  message: string;
  time: number;
  /** true: the Room sent it. */
  mine: boolean;
}

interface Transfer {
  id: number;
  fileId: number;
  fileName: string;
  peerId: string;
  peerDn: string;
  confId: string;
  directionType: number;
  /** 0 offered, 1 accepted/done, 2 rejected [INF]. */
  status: number;
  totalSize: number;
  timestamp: number;
}

/** fileStatus.directionType [INF]: 0 outgoing, 1 incoming. */
const DIRECTION = { outgoing: 0, incoming: 1 } as const;
const STATUS = { offered: 0, done: 1, rejected: 2 } as const;
/** Messages kept per chat, so that a long demo run stays small. */
const MAX_MESSAGES = 500;

export class Messaging {
  private readonly chats = new Map<string, ChatMessage[]>();
  readonly transfers = new Map<number, Transfer>();
  private transferCounter = 0;
  fileTransferPin = '0000';
  showFileTransferTools = false;

  constructor(
    private readonly notify: Notify,
    private readonly conference: ConferenceView,
    private readonly resolve: (id: string) => string,
    private readonly file: (fileId: unknown) => StoredFile | undefined,
    private readonly storeFile: (fileName: string, size: number) => number,
  ) {}

  // ---- chat -----------------------------------------------------------------------------------------

  chatIds(): string[] {
    return [...this.chats.keys()];
  }

  messages(chatId: string, begin: number, count: number): ChatMessage[] {
    const list = this.chats.get(this.chatKey(chatId)) ?? [];
    // beginNumber counts back from the newest message [INF].
    const end = Math.max(0, list.length - Math.max(0, begin));
    return list.slice(Math.max(0, end - Math.max(0, count)), end).map((m) => ({ ...m }));
  }

  send(peerId: string, message: string): Reply {
    const to = this.resolve(peerId.split('/')[0]);
    return ok(undefined, () => {
      this.add({ peerId: to, chatId: to, message, time: now(), mine: true });
      this.notify('chatMessageSent', { peerId: to, message });
    });
  }

  sendGroup(message: string): Reply {
    const confId = this.conference.confId();
    if (!confId) return fail('not in a conference');
    return ok(undefined, () => {
      this.add({ peerId: '', chatId: confId, message, time: now(), mine: true });
      this.notify('groupChatMessageSent', { message });
    });
  }

  /** Test hook: a message to the Room, from a peer (chat) or in the conference (group chat). */
  receive(peerId: string, message: string, group: boolean): void {
    const from = this.resolve(peerId);
    const confId = this.conference.confId();
    if (group && !confId) throw new Error('incomingChatMessage: no conference for a group message');
    const chatId = group ? confId! : from.split('/')[0];
    const m: ChatMessage = { peerId: from, chatId, message, time: now(), mine: false };
    this.add(m);
    const fields = { peerId: from, chatId, message, time: m.time };
    if (group) this.notify('incomingGroupChatMessage', { ...fields, confId });
    else this.notify('incomingChatMessage', fields);
  }

  clearChat(id: string): Reply {
    const key = this.chatKey(id);
    if (!this.chats.has(key)) return fail(`no chat ${id}`);
    return ok(undefined, () => {
      this.chats.delete(key);
      this.notify('cmdChatClear', { id: key });
    });
  }

  // ---- files ----------------------------------------------------------------------------------------

  sendFile(fileId: number, peerId: string | undefined, newApi = false): Reply {
    const f = this.file(fileId);
    if (!f) return fail(`no file ${fileId}`);
    const confId = this.conference.confId() ?? '';
    let to: { peerId: string; peerDn: string } = { peerId: '', peerDn: '' };
    if (peerId !== undefined) {
      const p = this.conference.find(peerId);
      if ('error' in p) {
        if (!confId) to = { peerId: this.resolve(peerId), peerDn: '' };
        else return fail(p.error);
      } else to = p;
    } else if (!confId) return fail('not in a conference');
    return ok(undefined, () => {
      const t = this.transfer(f, to, confId, DIRECTION.outgoing, STATUS.done);
      if (peerId !== undefined)
        this.notify('fileSent', { name: f.fileName, id: t.id, peerId: to.peerId, peerDn: to.peerDn, fileId, confId });
      else if (newApi)
        this.notify('outgoingFileRequestSentToConference', { id: t.id, fileId, fileName: f.fileName, confId });
      else this.notify('fileConferenceSent', { name: f.fileName, id: t.id, fileId, confId });
    });
  }

  /** Test hook: a participant offers the Room a file (receivedFileRequest). Returns the transfer id. */
  offer(peerId: string, fileName: string, size: number): number {
    const from = this.conference.find(peerId);
    const who = 'error' in from ? { peerId: this.resolve(peerId), peerDn: '' } : from;
    const confId = this.conference.confId() ?? '';
    const t = this.transfer({ fileId: 0, fileName, size }, who, confId, DIRECTION.incoming, STATUS.offered);
    this.notify('receivedFileRequest', { id: t.id, peerId: who.peerId, peerDn: who.peerDn, fileName, confId });
    return t.id;
  }

  answerOffer(id: number, accept: boolean, newApi = false): Reply {
    const t = this.transfers.get(id);
    if (!t || t.directionType !== DIRECTION.incoming || t.status !== STATUS.offered) return fail(`no file offer ${id}`);
    return ok(undefined, () => {
      t.status = accept ? STATUS.done : STATUS.rejected;
      if (accept) t.fileId = this.storeFile(t.fileName, t.totalSize);
      if (newApi)
        this.notify(accept ? 'incomingFileRequestAccepted' : 'incomingFileRequestRejected', {
          fileRequestId: String(id),
        });
      else this.notify(accept ? 'fileAccepted' : 'fileRejected', { id, confId: t.confId });
      this.notify('fileStatus', { id, status: t.status, directionType: t.directionType, confId: t.confId });
    });
  }

  list(filter: (t: Transfer) => boolean): Transfer[] {
    return [...this.transfers.values()].filter(filter).map((t) => ({ ...t }));
  }

  info(id: number): Record<string, unknown> | undefined {
    const t = this.transfers.get(id);
    if (!t) return undefined;
    return {
      id: t.id,
      status: t.status,
      directionType: t.directionType,
      fileName: t.fileName,
      fileId: t.fileId,
      peerId: t.peerId,
      peerDisplayName: t.peerDn,
      timestamp: t.timestamp,
      confId: t.confId,
      totalSize: t.totalSize,
      processedSize: t.status === STATUS.done ? t.totalSize : 0,
      speed: 0,
      peersCount: t.peerId ? 1 : this.conference.participants().length,
    };
  }

  deleteTransferFile(fileId: number): Reply {
    const t = [...this.transfers.values()].find((x) => x.fileId === fileId);
    if (!t) return fail(`no transferred file ${fileId}`);
    return ok(undefined, () => {
      this.transfers.delete(t.id);
      this.notify('fileTransferFileDeleted', { file: { ...t } });
    });
  }

  clearTransfers(event: 'fileTransferCleared' | 'fileTransferHistoryCleared'): Reply {
    return ok(undefined, () => {
      this.transfers.clear();
      this.notify(event, {});
    });
  }

  private transfer(
    f: { fileId: number; fileName: string; size: number },
    to: { peerId: string; peerDn: string },
    confId: string,
    directionType: number,
    status: number,
  ): Transfer {
    this.transferCounter += 1;
    const t: Transfer = {
      id: this.transferCounter,
      fileId: f.fileId,
      fileName: f.fileName,
      peerId: to.peerId,
      peerDn: to.peerDn,
      confId,
      directionType,
      status,
      totalSize: f.size,
      timestamp: now(),
    };
    this.transfers.set(t.id, t);
    return t;
  }

  private add(m: ChatMessage): void {
    const list = this.chats.get(m.chatId) ?? [];
    list.push(m);
    if (list.length > MAX_MESSAGES) list.splice(0, list.length - MAX_MESSAGES);
    this.chats.set(m.chatId, list);
  }

  private chatKey(id: string): string {
    return id.includes('#') ? id : this.resolve(id.split('/')[0]);
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

const str = (frame: Record<string, unknown>, name: string): string => String(frame[name]);
const num = (frame: Record<string, unknown>, name: string): number => Number(frame[name]);
const isOffer = (t: { directionType: number; status: number }) =>
  t.directionType === DIRECTION.incoming && t.status === STATUS.offered;

export const MESSAGING_HANDLERS: Record<string, Handler> = {
  // chat
  sendMessage: (c) => c.state.messaging.send(str(c.frame, 'peerId'), str(c.frame, 'message')),
  sendGroupMessage: (c) => c.state.messaging.sendGroup(str(c.frame, 'message')),
  getListOfChats: (c) => ok({ list: c.state.messaging.chatIds() }),
  getChatLastMessages: (c) =>
    ok({
      messages: c.state.messaging.messages(str(c.frame, 'id'), num(c.frame, 'beginNumber'), num(c.frame, 'count')),
    }),
  chatClear: (c) => c.state.messaging.clearChat(str(c.frame, 'id')),

  // to participants (notification only: nothing a getter shows)
  sendCommand: (c) => {
    const p = c.state.conference.find(str(c.frame, 'peerId'));
    if ('error' in p) return fail(p.error);
    const command = str(c.frame, 'command');
    return ok(undefined, () =>
      c.notify('commandSent', { peerId: p.peerId, command, confId: c.state.conference.confId() }),
    );
  },
  toneDial: (c) => {
    const confId = c.state.conference.confId();
    if (!confId) return fail('not in a call');
    if (!/^[0-9*#A-D]$/.test(str(c.frame, 'symbol'))) return fail('symbol must be one of 0-9, *, #, A-D');
    return ok(undefined, () =>
      c.notify('toneDial', { symbol: str(c.frame, 'symbol'), confId, callId: str(c.frame, 'callId') }),
    );
  },

  // file transfer, older API
  sendFile: (c) => c.state.messaging.sendFile(num(c.frame, 'fileId'), str(c.frame, 'peerId')),
  sendConferenceFile: (c) => c.state.messaging.sendFile(num(c.frame, 'fileId'), undefined),
  acceptFile: (c) => c.state.messaging.answerOffer(num(c.frame, 'id'), true),
  rejectFile: (c) => c.state.messaging.answerOffer(num(c.frame, 'id'), false),
  getFileRequests: (c) => ok({ files: c.state.messaging.list(isOffer) }),
  getFileUploads: (c) => ok({ files: c.state.messaging.list((t) => t.directionType === DIRECTION.outgoing) }),
  getFileTransferInfo: (c) => ok({ files: c.state.messaging.list(() => true) }),
  getFileInfo: (c) => {
    const info = c.state.messaging.info(num(c.frame, 'id'));
    return info ? ok(info) : fail(`no file transfer ${num(c.frame, 'id')}`);
  },
  deleteFileTransferFile: (c) => c.state.messaging.deleteTransferFile(num(c.frame, 'fileId')),
  clearFileTransfer: (c) => c.state.messaging.clearTransfers('fileTransferCleared'),
  getFileTransferAvailability: () => ok({ available: true }),
  getFileTransferPIN: (c) => ok({ pin: c.state.messaging.fileTransferPin }),
  checkFileTransferPIN: (c) => ok({ pin: c.state.messaging.fileTransferPin }),
  resetFileTransferPIN: (c) =>
    ok(undefined, () => {
      const m = c.state.messaging;
      m.fileTransferPin = String(Math.floor(1000 + Math.random() * 9000));
      c.notify('fileTransferPinChanged', { pin: m.fileTransferPin });
    }),
  getShowFileTransferTools: (c) => ok({ show: c.state.messaging.showFileTransferTools }),
  // No parameter in any wrapper: the command shows the tools [INF]; no notification is named.
  setShowFileTransferTools: (c) => {
    c.state.messaging.showFileTransferTools = true;
    return ok();
  },

  // file transfer, newer request-based API
  sendFileToConference: (c) => c.state.messaging.sendFile(num(c.frame, 'fileId'), undefined, true),
  acceptIncomingFileRequest: (c) => c.state.messaging.answerOffer(num(c.frame, 'fileRequestId'), true, true),
  rejectIncomingFileRequest: (c) => c.state.messaging.answerOffer(num(c.frame, 'fileRequestId'), false, true),
  getIncomingFilesRequests: (c) => ok({ files: c.state.messaging.list(isOffer) }),
  getOutgoingFilesRequests: (c) => ok({ files: c.state.messaging.list((t) => t.directionType === DIRECTION.outgoing) }),
  getFileRequestInfo: (c) => {
    const info = c.state.messaging.info(num(c.frame, 'fileRequestId'));
    return info ? ok(info) : fail(`no file request ${str(c.frame, 'fileRequestId')}`);
  },
  getFileTransferHistory: (c) => ok({ files: c.state.messaging.list((t) => t.status !== STATUS.offered) }),
  clearFileTransferHistory: (c) => c.state.messaging.clearTransfers('fileTransferHistoryCleared'),
};
