/**
 * The editor code of the three nodes, bundled for the browser into resources/editor.js, which Node-RED serves
 * at resources/node-red-contrib-trueconf-room/editor.js. Each node's .html loads it and keeps its inline
 * registerType, which calls in here through the global `TrueConfRoomEditor`.
 */
import * as command from './room-command';
import * as config from './room-config';
import * as event from './room-event';

const api = { command, config, event };
export type TrueConfRoomEditor = typeof api;

// Every .html of the package loads the bundle; the first copy stays, so the dialogs share one catalogue download.
const global = window as unknown as { TrueConfRoomEditor?: TrueConfRoomEditor };
if (!global.TrueConfRoomEditor) global.TrueConfRoomEditor = api;
