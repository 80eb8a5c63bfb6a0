import type { RoomConfigApi } from './config-api';
import { NodeCommandError } from './errors';
import type { Translate } from './i18n';
import type { NodeMessage } from './node-red';
import { deployedRooms } from './room-registry';

/** Long enough to recognise a name in an error, short enough that a hostile msg.room cannot flood a log. */
const MAX_QUOTED = 80;

/**
 * The room a message goes to. With `fromMsg`, msg.room (a string) picks one of the deployed room-configs by
 * name or id; without msg.room, or without `fromMsg`, it is the node's own room. A message only ever
 * chooses among rooms an editor user deployed: no host, port or secret comes from it.
 */
export function chooseRoom(
  msg: NodeMessage,
  own: RoomConfigApi | undefined,
  fromMsg: boolean,
  t: Translate,
): RoomConfigApi | NodeCommandError {
  const wanted = fromMsg ? msg.room : undefined;
  if (wanted === undefined || wanted === null) {
    return own ?? new NodeCommandError('NO_CONFIG', t(fromMsg ? 'errors.noRoom' : 'errors.noConfig'));
  }
  if (typeof wanted !== 'string') {
    return new NodeCommandError('UNKNOWN_ROOM', t('errors.roomNotString', { type: typeof wanted }));
  }
  const found = deployedRooms.find(wanted);
  if (found.ok) return found.room;
  const room = wanted.length > MAX_QUOTED ? `${wanted.slice(0, MAX_QUOTED - 1)}…` : wanted;
  return new NodeCommandError(
    found.code,
    t(found.code === 'AMBIGUOUS_ROOM' ? 'errors.ambiguousRoom' : 'errors.unknownRoom', { room }),
  );
}
