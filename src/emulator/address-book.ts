import { fail, ok, type Reply } from './reply';
import type { Handler } from './method-handlers';
import type { Notify } from './notify';

/**
 * The Room's address book: contacts, groups and the block list. Ids are kept in CallId form (`user@server`);
 * a short id resolves against the Room's server. Every change sends the notification the catalogue names
 * for it (contactsAdded, groupsRenamed, usersAddedToGroups, contactBlocked ...), with the changed items only.
 */

export interface Contact {
  peerId: string;
  peerDn: string;
  status: number;
}

interface Group {
  groupId: number;
  name: string;
  peers: string[];
}

/** The demo contacts follow the scripted far ends of peers.ts (statuses [INF]: 2 online, 7 busy, 6 away, 0 offline). */
export function demoContacts(domain: string): Contact[] {
  return [
    { peerId: `alice@${domain}`, peerDn: 'Alice (answers)', status: 2 },
    { peerId: `busy-bob@${domain}`, peerDn: 'Bob (busy)', status: 7 },
    { peerId: `decline-dave@${domain}`, peerDn: 'Dave (declines)', status: 2 },
    { peerId: `nobody-nick@${domain}`, peerDn: 'Nick (never answers)', status: 6 },
    { peerId: `offline-olga@${domain}`, peerDn: 'Olga (offline)', status: 0 },
  ];
}

export class AddressBook {
  private readonly contacts = new Map<string, Contact>();
  private readonly groups = new Map<number, Group>();
  private readonly banned = new Map<string, string>();
  private groupCounter = 1;

  constructor(
    private readonly notify: Notify,
    /** user -> user@<current server>. */
    private readonly resolve: (id: string) => string,
    domain: string,
  ) {
    for (const c of demoContacts(domain)) this.contacts.set(c.peerId.toLowerCase(), c);
    this.groups.set(1, { groupId: 1, name: 'Favourites', peers: [`alice@${domain}`] });
  }

  list(): Contact[] {
    return [...this.contacts.values()].map((c) => ({ ...c }));
  }

  find(id: string): Contact | undefined {
    return this.contacts.get(this.key(id));
  }

  groupList(): Group[] {
    return [...this.groups.values()].map((g) => ({ ...g, peers: [...g.peers] }));
  }

  banList(): Array<{ peerId: string; peerDn: string }> {
    return [...this.banned].map(([peerId, peerDn]) => ({ peerId, peerDn }));
  }

  add(id: string, peerDn: string): Reply {
    const peerId = this.resolve(id);
    if (this.find(peerId)) return fail(`${peerId} is already in the address book`);
    return ok({ peerId }, () => {
      const contact = { peerId, peerDn, status: 0 };
      this.contacts.set(this.key(peerId), contact);
      this.notify('contactsAdded', { contacts: [{ ...contact }] });
    });
  }

  remove(id: string): Reply {
    const contact = this.find(id);
    if (!contact) return fail(`${this.resolve(id)} is not in the address book`);
    return ok({ peerId: contact.peerId }, () => {
      this.contacts.delete(this.key(contact.peerId));
      for (const g of this.groups.values()) g.peers = g.peers.filter((p) => this.key(p) !== this.key(contact.peerId));
      this.notify('contactsDeleted', { contacts: [{ peerId: contact.peerId, peerDn: contact.peerDn }] });
    });
  }

  rename(id: string, peerDn: string): Reply {
    const contact = this.find(id);
    if (!contact) return fail(`${this.resolve(id)} is not in the address book`);
    return ok({ peerId: contact.peerId }, () => {
      contact.peerDn = peerDn;
      this.notify('contactsRenamed', { contacts: [{ peerId: contact.peerId, peerDn }] });
    });
  }

  createGroup(name: string): Reply {
    if (name.trim() === '') return fail('the group name must not be empty');
    this.groupCounter += 1;
    const group: Group = { groupId: this.groupCounter, name, peers: [] };
    // The new id is not in the documented response; it is returned too, so that a flow can use it [INF].
    return ok({ groupId: group.groupId }, () => {
      this.groups.set(group.groupId, group);
      this.notify('groupsAdded', { groups: [{ groupId: group.groupId, name }] });
    });
  }

  removeGroup(groupId: number): Reply {
    const group = this.groups.get(groupId);
    if (!group) return fail(`no group ${groupId}`);
    return ok(undefined, () => {
      this.groups.delete(groupId);
      this.notify('groupsRemoved', { groups: [{ groupId, name: group.name }] });
    });
  }

  renameGroup(groupId: number, newName: string): Reply {
    const group = this.groups.get(groupId);
    if (!group) return fail(`no group ${groupId}`);
    return ok(undefined, () => {
      group.name = newName;
      this.notify('groupsRenamed', { groups: [{ groupId, name: newName }] });
    });
  }

  addToGroup(groupId: number, id: string): Reply {
    const group = this.groups.get(groupId);
    if (!group) return fail(`no group ${groupId}`);
    const contact = this.find(id);
    if (!contact) return fail(`${this.resolve(id)} is not in the address book`);
    if (group.peers.some((p) => this.key(p) === this.key(contact.peerId)))
      return fail(`${contact.peerId} is already in group ${groupId}`);
    return ok(undefined, () => {
      group.peers.push(contact.peerId);
      this.notify('usersAddedToGroups', { addedUsers: [{ groupId, peerId: contact.peerId }] });
    });
  }

  removeFromGroup(groupId: number, id: string): Reply {
    const group = this.groups.get(groupId);
    if (!group) return fail(`no group ${groupId}`);
    const key = this.key(id);
    const member = group.peers.find((p) => this.key(p) === key);
    if (!member) return fail(`${this.resolve(id)} is not in group ${groupId}`);
    return ok(undefined, () => {
      group.peers = group.peers.filter((p) => p !== member);
      this.notify('usersRemovedFromGroups', { removedUsers: [{ groupId, peerId: member }] });
    });
  }

  block(id: string, displayName: (id: string) => string): Reply {
    const peerId = this.resolve(id);
    if (this.banned.has(this.key(peerId))) return fail(`${peerId} is already blocked`);
    const peerDn = this.find(peerId)?.peerDn ?? displayName(id);
    return ok({ peerId }, () => {
      this.banned.set(this.key(peerId), peerDn);
      this.notify('contactBlocked', { peerId, peerDn });
    });
  }

  unblock(id: string): Reply {
    const peerId = this.resolve(id);
    const peerDn = this.banned.get(this.key(peerId));
    if (peerDn === undefined) return fail(`${peerId} is not blocked`);
    return ok({ peerId }, () => {
      this.banned.delete(this.key(peerId));
      this.notify('contactUnblocked', { peerId, peerDn });
    });
  }

  isBlocked(id: string): boolean {
    return this.banned.has(this.key(id));
  }

  search(text: string): Contact[] {
    const needle = text.toLowerCase();
    return this.list().filter(
      (c) => c.peerId.toLowerCase().includes(needle) || c.peerDn.toLowerCase().includes(needle),
    );
  }

  private key(id: string): string {
    return this.resolve(id.split('/')[0]).toLowerCase();
  }
}

const str = (frame: Record<string, unknown>, name: string): string => String(frame[name]);
const num = (frame: Record<string, unknown>, name: string): number => Number(frame[name]);

export const ADDRESS_BOOK_HANDLERS: Record<string, Handler> = {
  getAbook: (c) => ok({ abook: c.state.abook.list() }),
  addToAbook: (c) => c.state.abook.add(str(c.frame, 'peerId'), str(c.frame, 'peerDn')),
  removeFromAbook: (c) => c.state.abook.remove(str(c.frame, 'peerId')),
  renameInAbook: (c) => c.state.abook.rename(str(c.frame, 'peerId'), str(c.frame, 'peerDn')),
  getGroups: (c) => ok({ groups: c.state.abook.groupList() }),
  createGroup: (c) => c.state.abook.createGroup(str(c.frame, 'name')),
  removeGroup: (c) => c.state.abook.removeGroup(num(c.frame, 'groupId')),
  renameGroup: (c) => c.state.abook.renameGroup(num(c.frame, 'groupId'), str(c.frame, 'newName')),
  addToGroup: (c) => c.state.abook.addToGroup(num(c.frame, 'groupId'), str(c.frame, 'peerId')),
  removeFromGroup: (c) => c.state.abook.removeFromGroup(num(c.frame, 'groupId'), str(c.frame, 'peerId')),
  getBanList: (c) => ok({ banList: c.state.abook.banList() }),
  block: (c) => c.state.abook.block(str(c.frame, 'peerId'), c.displayName),
  unblock: (c) => c.state.abook.unblock(str(c.frame, 'peerId')),
  // peerId is echoed as sent [INF]; the name comes from the address book, or is made from the id.
  getDisplayNameById: (c) => {
    const peerId = str(c.frame, 'peerId');
    return ok({ peerId, peerDn: c.state.abook.find(peerId)?.peerDn ?? c.displayName(peerId) });
  },
  // The details arrive as a detailsInfo notification (catalogue); the emulator knows names only [INF].
  getContactDetails: (c) => {
    const peerId = c.resolve(str(c.frame, 'peerId'));
    const peerDn = c.state.abook.find(peerId)?.peerDn ?? c.displayName(peerId);
    return ok(undefined, () => c.notify('detailsInfo', { peerId, peerDn }));
  },
  searchContact: (c) => {
    const found = c.state.abook.search(str(c.frame, 'searchingString'));
    return ok({ searchingResult: 0, foundContacts: found }, () =>
      c.notify('contactsSearched', { foundContacts: found }),
    );
  },
  searchContact2: (c) => {
    const found = c.state.abook.search(str(c.frame, 'searchingString'));
    return ok(undefined, () => c.notify('contactsSearched', { foundContacts: found }));
  },
};
