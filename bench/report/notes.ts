import type { MissNotes } from './markdown';
import type { MassReconnect } from '../sections/scale';
import { flatnessBase } from './targets';

const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

/**
 * Why a target can be missed and what would close it. A note prints only figures from this run (the
 * diagnostic rows of section 1 split the round trip into protocol core, Node-RED hops and the node itself);
 * the rest is where to look, not a measurement.
 */
export const missNotes: MissNotes = {
  'p50-vs-raw': (r) => {
    const l = r.latency!;
    const core = l.client.p50 - l.raw.p50;
    const hops = l.hops.p50;
    const node = l.node.p50 - l.client.p50 - hops;
    return (
      `room-command adds ${us(l.node.p50 - l.raw.p50)} to a ${us(l.raw.p50)} loopback round trip. The diagnostic rows split it: ` +
      `the protocol core alone (RoomClient) is ${us(core)} slower than the hand-written client, Node-RED's two message hops cost ${us(hops)}, ` +
      `and room-command's own work about ${us(node)}. CPU per request (pipelined) tells the same story: raw ${l.raw.cpuUs.toFixed(0)} µs, ` +
      `RoomClient ${l.client.cpuUs.toFixed(0)} µs, room-command ${l.node.cpuUs.toFixed(0)} µs. Closing it means a leaner per-request path in ` +
      'the core (src/protocol/client.ts) where the core share dominates, or in room-command where its own share does. In absolute terms ' +
      `the path takes ${us(l.node.p50)} at the median; against a Room across a network with 1 ms round trips the same overhead would be a ` +
      `ratio of ${(1 + l.node.p50 - l.raw.p50).toFixed(2)}×.`
    );
  },
  'throughput-vs-raw': (r) => {
    const l = r.latency!;
    return (
      `Pipelined throughput is bounded by this process's CPU per request: raw ${l.raw.cpuUs.toFixed(0)} µs, RoomClient ${l.client.cpuUs.toFixed(0)} µs, ` +
      `room-command ${l.node.cpuUs.toFixed(0)} µs (of which Node-RED message delivery is the hops row, ${l.hops.cpuUs.toFixed(0)} µs). ` +
      `The responder used ${(l.raw.responderCpu * 100).toFixed(0)}% of a core during the raw runs, so the Room side was ` +
      `${l.raw.responderCpu > 0.85 ? 'close to its limit too' : 'not the limit'}.`
    );
  },
  'throughput-vs-diy': (r) => {
    const l = r.latency!;
    const rounds = (xs: number[]) => xs.map((v) => v.toFixed(0)).join(', ');
    return (
      `room-command used ${l.node.cpuUs.toFixed(0)} µs CPU per request against ${l.diy.cpuUs.toFixed(0)} µs for the core-node flow` +
      (l.node.cpuUs < l.diy.cpuUs
        ? `, less, so the miss is in the rounds' conditions, not the work: per round room-command ${rounds(l.node.throughputRounds)}/s, ` +
          `do-it-yourself ${rounds(l.diy.throughputRounds)}/s.`
        : '.')
    );
  },
  'p50-vs-diy': (r) => {
    const l = r.latency!;
    return `room-command ${us(l.node.p50)} against ${us(l.diy.p50)} for the core-node flow; see the p50 note for where the time goes.`;
  },
  fanout: (r, c) => {
    const f = r.fanout!;
    const rounds = f.sizes
      .map((s) => `${s.nodes}: ${s.figures.cpuRounds.map((x) => x.toFixed(1)).join('/')}`)
      .join('; ');
    return (
      (c.inconclusive
        ? `The rounds do not decide it (${c.detail}): the interval contains the threshold. More rounds or a quieter machine would. `
        : '') +
      'Notifications are routed by event name (a map from event to listeners), so a non-matching node is never visited; ' +
      `a difference comes from elsewhere. Per-round µs: ${rounds}. If the larger flow is consistently dearer, look at memory pressure ` +
      '(more live objects make each GC of the message garbage slower), not at the dispatch.'
    );
  },
  memory: (r) => {
    const top = r.scale!.points[r.scale!.points.length - 1];
    return (
      `${(top.rssPerRoom / 1024).toFixed(0)} KB RSS per Room, of which ${(top.heapPerRoom / 1024).toFixed(0)} KB is JavaScript heap; ` +
      'the rest is socket buffers, the ws receiver/sender and allocator slack.'
    );
  },
  'memory-flat': (r) => {
    const pts = r.scale!.points;
    const base = flatnessBase(pts);
    return (
      `Heap per added Room: ${pts
        .slice(1)
        .map((p) => `${p.rooms}: ${(p.heapMarginal / 1024).toFixed(1)} KB`)
        .join(', ')}. ` +
      `Growth from ${base.rooms} Rooms on means something is kept per pair of Rooms or per message, not per Room: ` +
      'take heap snapshots at two sizes and compare the retained sizes by constructor.'
    );
  },
  'idle-cpu': (r) => {
    const pts = r.scale!.points;
    return (
      `Idle CPU by size: ${pts.map((p) => `${p.rooms}: ${(p.idleCpu * 100).toFixed(2)}%`).join(', ')}. If it grows with the count it is ` +
      'per-connection work (a heartbeat every 15 s per Room, with its timer); if it is already there with one Room it is the runtime, or ' +
      'the load of other processes on the machine during the window.'
    );
  },
  'deploy-green': (r) => {
    const pts = r.scale!.points;
    return (
      `Deploy to all green by size: ${pts.map((p) => `${p.rooms}: ${(p.deployMs / 1000).toFixed(2)} s wall, ${(p.deployCpuMs / 1000).toFixed(2)} s CPU, load ${p.load.toFixed(1)}`).join('; ')}. ` +
      "Where the CPU is well under the wall time the Node-RED process was waiting for a core: the figure is the machine's load, and on a " +
      'machine of its own the deploy takes about the CPU time. Where the CPU itself is over the target, the cost is the deploy (Node-RED ' +
      'creating three nodes per Room) plus one config.json fetch and one handshake per Room; explicit WebSocket ports skip the fetch.'
    );
  },
  'mass-reconnect': (r) => {
    const m = r.scale!.reconnect!;
    return (
      `The last connection came ${(m.attemptsMs[m.attemptsMs.length - 1] / 1000).toFixed(2)} s after the drop and all were green after ` +
      `${(m.readyMs / 1000).toFixed(2)} s, using ${(m.redCpuMs / 1000).toFixed(2)} s CPU in Node-RED and ${(m.roomsCpuMs / 1000).toFixed(2)} s in ` +
      `the Rooms' process (load average ${m.load.toFixed(1)}). CPU well under the wall time means the processes waited for a core; ` +
      'a late last connection with CPU to spare is the backoff (a Room whose first retry failed waits 0.5-1 s, then 1-2 s, …).'
    );
  },
  'sent-twice': (r) => {
    const runs = [r.scale!.reconnect, r.scale!.outage].filter((x): x is MassReconnect => !!x);
    const n = (f: (m: MassReconnect) => number) => runs.reduce((a, x) => a + f(x), 0);
    return (
      `${n((x) => x.commands.roomsOverSent)} Rooms received more requests than could have reached them, ` +
      `${n((x) => x.commands.repeatedIds)} requestIds arrived twice, ${n((x) => x.commands.endedTwice)} messages ended twice. Any of these breaks the rule that a command is never sent twice: look at what the client does ` +
      'with requests in flight when the socket drops (they must fail with CONNECTION_LOST, never be re-sent).'
    );
  },
  'fleet-throughput': (r) => {
    const f = r.scale!.fleet!;
    const cpu = (k: 'node' | 'raw') =>
      [...f.rounds.map((x) => x[k].cpuUs)].sort((a, b) => a - b)[Math.floor((f.rounds.length - 1) / 2)];
    return (
      `CPU per request across the fleet: room-command ${cpu('node').toFixed(0)} µs, raw ws ${cpu('raw').toFixed(0)} µs; the ratio follows ` +
      'the CPU per request as in section 1.'
    );
  },
  redeploy: () =>
    'An unchanged endpoint is meant to keep its connection through a full deploy: the pool keys connections by endpoint and keeps a released ' +
    'one for a grace period, so the new room-config finds it. A new connection here means the pool key changed between deploys (for example ' +
    'a field that is not part of the endpoint identity made it differ) or the grace period ran out before the new nodes started.',
};
