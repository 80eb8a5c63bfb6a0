import type { MissNotes } from './markdown';

const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

/**
 * Why a target can be missed and what would close it. The texts quote this run's own figures (the diagnostic
 * rows of section 1 split the round trip into protocol core, Node-RED hops and the node itself) and what CPU
 * profiles of these paths showed while the harness was written.
 */
export const missNotes: MissNotes = {
  'p50-vs-raw': (r) => {
    const l = r.latency!;
    const core = l.client.p50 - l.raw.p50;
    const hops = l.hops.p50;
    const node = Math.max(0, l.node.p50 - l.client.p50 - hops);
    return (
      `room-command adds ${us(l.node.p50 - l.raw.p50)} to a ${us(l.raw.p50)} loopback round trip. The diagnostic rows split it: ` +
      `the protocol core alone (RoomClient) is ${us(core)} slower than the hand-written client, Node-RED's two message hops cost ${us(hops)}, ` +
      `and room-command's own work (input parsing, its promise chain, send/done) about ${us(node)}. CPU per request tells the same story ` +
      `(raw ${l.raw.cpuUs.toFixed(0)} µs, RoomClient ${l.client.cpuUs.toFixed(0)} µs, room-command ${l.node.cpuUs.toFixed(0)} µs). ` +
      "Where the core's share goes, from an experiment on patched copies of the compiled core (same harness, 8 rounds × 2,000 requests): " +
      'dropping the per-request deadline timer saved about 3.5 µs, skipping schema validation about 1 µs, decoding the received Buffer without ' +
      'the copy frames.ts makes (Buffer.from(buffer)) about 1 µs; the remaining ~10 µs are the promise/bookkeeping layers of RoomClient.request ' +
      'and onFrame. So no single fix closes it: it needs a leaner per-request path in src/protocol/client.ts (one shared deadline sweep instead of ' +
      'a timer per request, no frame copy, fewer promise layers) and in room-command — roughly 15-20 µs in all. ' +
      `In absolute terms the whole path takes ${us(l.node.p50)} at the median; against a Room across a real network (1 ms per round trip) the ` +
      `same overhead would be a ratio of ${(1 + l.node.p50 - l.raw.p50).toFixed(2)}×.`
    );
  },
  'throughput-vs-raw': (r) => {
    const l = r.latency!;
    return (
      `Pipelined throughput is bounded by this process's CPU per request: raw ${l.raw.cpuUs.toFixed(0)} µs, room-command ${l.node.cpuUs.toFixed(0)} µs ` +
      `(of which Node-RED message delivery is the hops row, ${l.hops.cpuUs.toFixed(0)} µs). The same leaner request path that would close the ` +
      'p50 gap (see above) raises this ratio.'
    );
  },
  'throughput-vs-diy': (r) => {
    const l = r.latency!;
    return `room-command used ${l.node.cpuUs.toFixed(0)} µs CPU per request against ${l.diy.cpuUs.toFixed(0)} µs for the core-node flow; see the p50 note for where it goes.`;
  },
  'p50-vs-diy': (r) => {
    const l = r.latency!;
    return `room-command ${us(l.node.p50)} against ${us(l.diy.p50)} for the core-node flow; see the p50 note for where the time goes.`;
  },
  fanout: (r) => {
    const f = r.fanout!;
    const rounds = f.sizes
      .map((s) => `${s.nodes}: ${s.figures.cpuRounds.map((x) => x.toFixed(1)).join('/')}`)
      .join('; ');
    return (
      'Notifications are routed by event name (EventRouter keeps a map from event to listeners), so a non-matching node is never visited; ' +
      `a difference here comes from elsewhere — per-round µs: ${rounds}. If the rounds overlap, the miss is noise of a loaded machine ` +
      '(rerun, or raise the notification count); if the 1,000-node flow is consistently dearer, look at memory pressure (more live objects make ' +
      'each GC of the message garbage slower), not at the dispatch.'
    );
  },
  memory: (r) => {
    const m = r.memory!;
    return (
      `${(m.rssPerEndpoint / 1024).toFixed(0)} KB RSS per endpoint, of which ${(m.heapPerEndpoint / 1024).toFixed(0)} KB is JavaScript heap; ` +
      'the rest is socket buffers, the ws receiver/sender and allocator slack. Closing it would mean sharing more per connection (timers, ' +
      'buffers) or lowering maxPayload-related buffer sizes.'
    );
  },
  redeploy: () =>
    'An unchanged endpoint is meant to keep its connection through a full deploy: the pool keys connections by endpoint and keeps a released ' +
    'one for a grace period, so the new room-config finds it. A new connection here means the pool key changed between deploys (for example ' +
    'a field that is not part of the endpoint identity made it differ) or the grace period ran out before the new nodes started.',
};
