import { fmt, meanInterval, median, pairedRatio, percentile } from '../lib/stats';
import { fleetRatio } from '../sections/scale';
import { flatnessBase, measuredText, targetLine, verdict, type BenchResults, type TargetCheck } from './targets';

const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** The start of a section: a blank line, its heading, a blank line. */
const heading = (title: string) => ['', `## ${title}`, ''];

/** The header row and separator of a markdown table. */
const tableHead = (...columns: string[]) => [`| ${columns.join(' | ')} |`, `|${'---|'.repeat(columns.length)}`];

/** Why a target was missed and what would close it; keyed by target id. Filled in from what the run showed. */
export type MissNotes = Record<string, (r: BenchResults, c: TargetCheck) => string>;

export function resultsMarkdown(r: BenchResults, checks: TargetCheck[], notes: MissNotes): string {
  const m = r.machine;
  const L: string[] = [];
  L.push('# Benchmark results', '');
  L.push(
    `Written by \`npm run bench\` on ${m.date} in ${r.durationS.toFixed(0)} s${r.quick ? ' (BENCH_QUICK: smoke-test counts, not results)' : ''}. Every figure is compared with a baseline measured`,
    'in the same run against the same Rooms, so the ratios hold on a noisy machine even where the absolute numbers move.',
    "The Rooms run in separate processes (a real Room is another machine): emulated Rooms (the repository's RoomEmulator) where a Room",
    'must behave like one, and near-zero-cost responders (pre-serialised answers) where the Room side must not cap a throughput baseline.',
    'Node-RED runs embedded in the measuring process (sections 1, 2, 4 and the default reconnect) or in fresh worker processes',
    '(section 3, and reconnect with settings.js tuning).',
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb.toFixed(0)} GB RAM, ${m.os}; Node.js ${m.node}; Node-RED ${m.nodeRed};`,
    `load average at start ${m.loadAverageAtStart.map((v) => v.toFixed(2)).join(' / ')}.`,
    '',
    '![benchmark chart](results.svg)',
    ...heading('Targets'),
    '| | Target | Measured | Result |',
    '|---|---|---|---|',
  );
  for (const c of checks) {
    const op = c.kind === 'max' ? (c.strict ? '<' : '≤') : '≥';
    const unit = c.unit === '×' ? '×' : c.unit ? ` ${c.unit}` : '';
    const value = measuredText(c);
    L.push(`| ${c.label} | ${op} ${c.target}${unit} | ${value}${unit} (${c.detail}) | **${verdict(c)}** |`);
  }
  const missed = checks.filter((c) => !c.pass);
  if (missed.length) {
    L.push('', '### Missed or inconclusive targets', '');
    for (const c of missed) L.push(`- **${c.label}**: ${notes[c.id] ? notes[c.id](r, c) : 'no analysis recorded.'}`);
  }
  for (const [section, error] of Object.entries(r.errors))
    L.push('', `> Section **${section}** did not complete: \`${error.split('\n')[0]}\``);

  if (r.latency) {
    const l = r.latency;
    const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
    L.push(
      ...heading('1. Command round trip'),
      `\`${l.method}\` through each path. **Latency** goes to emulated Rooms (a Room that really parses, checks and answers), one Room per`,
      'path (a Room gives a control mode to one connection at a time, so paths sharing one would displace each other): ' +
        `${l.rounds} rounds × ${fmt(l.sequentialPerRound)} requests, one at a time, after warm-up.`,
      `**Throughput** goes to near-zero-cost responders in their own process (pre-serialised answers, only the requestId spliced in), so the`,
      `Room side cannot cap the baseline: ${l.rounds} rounds × ${fmt(l.pipelinedPerRound)} requests with up to ${l.window} in flight.`,
      "The order of the paths rotates every round. p50 and p99 pool every round's samples; throughput and CPU are medians of the rounds;",
      "**the ratios are medians of per-round ratios** (paths measured back to back share the machine's momentary load); the per-round",
      'figures they come from are printed below the table.',
      '',
      '- **raw ws**: a hand-written `ws` client (setUsedApiVersion + auth, then requests matched by requestId in a Map).',
      '- **room-command**: a real Node-RED runtime: junction → room-command → junction, the message entering with `node.receive()` and timed when it leaves.',
      '- **do-it-yourself**: the same entry and exit around core nodes: function (number the request, remember the msg in flow context) → websocket out; websocket in → json → function (match by requestId); a Status node sends the handshake on connect.',
      '',
      ...tableHead(
        'Path',
        'p50',
        'p99',
        'p50 ÷ raw',
        'Throughput',
        'Throughput ÷ raw',
        'CPU per request',
        'Responder CPU',
      ),
    );
    const rows = [
      ['raw ws', l.raw],
      ['room-command', l.node],
      ['do-it-yourself flow', l.diy],
      ['_diagnostic:_ RoomClient alone (protocol core, no Node-RED)', l.client],
      ['_diagnostic:_ Node-RED 2 hops alone (junction → junction → junction, no Room)', l.hops],
    ] as const;
    for (const [name, f] of rows) {
      const resp = f === l.hops ? '–' : `${(f.responderCpu * 100).toFixed(0)}%`;
      L.push(
        `| ${name} | ${f.p50.toFixed(3)} ms | ${f.p99.toFixed(3)} ms | ${pairedRatio(f.p50Rounds, l.raw.p50Rounds).toFixed(2)}× | ` +
          `${fmt(f.throughput)}/s | ${pairedRatio(f.throughputRounds, l.raw.throughputRounds).toFixed(2)}× | ${f.cpuUs.toFixed(1)} µs | ${resp} |`,
      );
    }
    const perRound = (f: { p50Rounds: number[] }) => f.p50Rounds.map((v, i) => v / l.raw.p50Rounds[i]);
    const node = perRound(l.node);
    const client = perRound(l.client);
    // Where room-command's extra time goes, from this run's medians: the core, Node-RED's hops, the node itself.
    const coreUs = l.client.p50 - l.raw.p50;
    const nodeWork = l.node.p50 - l.client.p50 - l.hops.p50;
    L.push(
      '',
      `Per-round p50 (ms): raw ${l.raw.p50Rounds.map((v) => v.toFixed(3)).join(', ')}; room-command ${l.node.p50Rounds.map((v) => v.toFixed(3)).join(', ')}; ` +
        `RoomClient ${l.client.p50Rounds.map((v) => v.toFixed(3)).join(', ')}.`,
      `Per-round p50 ratios, room-command ÷ raw: ${node.map((v) => v.toFixed(2)).join(', ')} (range ${Math.min(...node).toFixed(2)}–${Math.max(...node).toFixed(2)}, ` +
        `**median ${median(node).toFixed(2)}×**, the figure the target is judged on); RoomClient ÷ raw: ${client.map((v) => v.toFixed(2)).join(', ')} ` +
        `(range ${Math.min(...client).toFixed(2)}–${Math.max(...client).toFixed(2)}).`,
      `Of the ${us(l.node.p50 - l.raw.p50)} room-command adds at the median (pooled p50s): the protocol core ${us(coreUs)} (RoomClient − raw), ` +
        `Node-RED's two message hops ${us(l.hops.p50)}, and room-command's own work ${us(nodeWork)} (the rest).`,
      '',
      `Throughput per round (req/s): raw ${l.raw.throughputRounds.map((v) => fmt(v)).join(', ')}; room-command ${l.node.throughputRounds.map((v) => fmt(v)).join(', ')}; ` +
        `do-it-yourself ${l.diy.throughputRounds.map((v) => fmt(v)).join(', ')}.`,
      "CPU per request: this process's user + system time during the pipelined runs divided by the requests (the responders' CPU is not in it).",
      `Responder CPU: share of one core the responder process used during each path's pipelined runs; well under a core means the Room`,
      'side was not the limit.',
    );
  }

  if (r.fanout) {
    const f = r.fanout;
    L.push(
      ...heading('2. Notification fan-out'),
      `The emulator sends ${fmt(f.notifications)} \`${f.event}\` notifications as fast as it can. Node-RED has N room-event nodes whose filters`,
      `(distinct pairs of other catalogue events) never match, plus ${f.catchAll} catch-all room-event nodes that take every notification. The baseline is a`,
      "`ws` client on its own emulator that only `JSON.parse`s each frame. CPU is this process's user + system time per notification",
      `(process.cpuUsage); medians of ${f.rounds} rounds; ratios are medians of per-round ratios. The smallest and the largest flow run back to`,
      'back in every round (which goes first alternates), so each pair shares the load of its moment; the verdict takes the mean of their',
      'per-round ratios with a 95% confidence interval, and is inconclusive when the interval contains the threshold.',
      '',
      ...tableHead('Receiver', 'Notifications/s', 'CPU per notification', 'CPU ÷ parse-only', 'CPU ÷ smallest flow'),
      `| JSON.parse only | ${fmt(f.baseline.rate)} | ${f.baseline.cpuUs.toFixed(1)} µs | 1.00× | |`,
    );
    const first = f.sizes[0].figures.cpuRounds;
    for (const s of f.sizes) {
      L.push(
        `| ${fmt(s.nodes)} non-matching + ${f.catchAll} catch-all nodes | ${fmt(s.figures.rate)} | ${s.figures.cpuUs.toFixed(1)} µs | ` +
          `${pairedRatio(s.figures.cpuRounds, f.baseline.cpuRounds).toFixed(2)}× | ${pairedRatio(s.figures.cpuRounds, first).toFixed(2)}× |`,
      );
    }
    const big = f.sizes[f.sizes.length - 1];
    const pair = big.figures.cpuRounds.map((v, i) => v / first[i]);
    const ci = meanInterval(pair);
    L.push(
      '',
      `Per-round ratios ${fmt(big.nodes)} ÷ ${fmt(f.sizes[0].nodes)} nodes: ${pair.map((x) => x.toFixed(2)).join(', ')}; mean ${ci.mean.toFixed(3)}×, ` +
        `95% interval ${ci.low.toFixed(3)}–${ci.high.toFixed(3)}× (± ${(((ci.high - ci.low) / 2 / ci.mean) * 100).toFixed(1)}%).`,
      `Per round, µs/notification: ` +
        [['parse-only', f.baseline] as const, ...f.sizes.map((s) => [String(s.nodes), s.figures] as const)]
          .map(([k, v]) => `${k}: ${v.cpuRounds.map((x) => x.toFixed(1)).join(', ')}`)
          .join('; ') +
        '.',
      `Each notification becomes ${f.catchAll} Node-RED messages (one per catch-all node, each with its own copy of the payload): the cost over`,
      'the parse-only baseline is paid per delivered message, and the non-matching nodes add nothing because notifications are routed by',
      'event name (a map lookup), not offered to every node.',
    );
  }

  if (r.scale) {
    const sc = r.scale;
    L.push(
      ...heading('3. Scale: 1 to 1,000 Rooms in one Node-RED'),
      'Per Room the flow an integrator deploys: a room-config as saved by default (web port only, so each connect first fetches',
      `config.json), one room-command (\`${sc.method}\`) and one room-event; every room-command wired to one exit, one Catch node for the tab.`,
      'Each size runs in a fresh Node-RED process; the emulated Rooms live in another process. Memory is taken after forced garbage',
      'collection before the deploy (the empty runtime) and after every node showed "connected". "Per Room" is that difference divided by',
      'the count, so it includes what the first Room pays once (code paths and schemas used for the first time); "per added Room" is the',
      `marginal cost, (this size − ${fmt(r.scale.points[0]?.rooms ?? 1)} Room) ÷ the Rooms added, which is what flat must mean. Idle CPU: the Node-RED process's user + system time over ${(sc.idleMs / 1000).toFixed(0)} s with nothing driven (heartbeats every 15 s by`,
      'default, timers), as a share of one core.',
      '',
      '![scale curve](scale.svg)',
      '',
      ...tableHead(
        'Rooms',
        'Deploy → all green',
        'Node-RED CPU for it',
        'Load average',
        'RSS',
        'Heap',
        'RSS per Room',
        'Heap per Room',
        'RSS per added Room',
        'Heap per added Room',
        'Idle CPU',
      ),
    );
    const added = (v: number) => (Number.isFinite(v) ? kb(v) : '–');
    for (const p of sc.points)
      L.push(
        `| ${fmt(p.rooms)} | ${fmt(p.deployMs)} ms | ${fmt(p.deployCpuMs)} ms | ${p.load.toFixed(1)} | ${mb(p.rss)} | ${mb(p.heap)} | ${kb(p.rssPerRoom)} | ${kb(p.heapPerRoom)} | ` +
          `${added(p.rssMarginal)} | ${added(p.heapMarginal)} | ${(p.idleCpu * 100).toFixed(2)}% |`,
      );
    const base = sc.points.length ? flatnessBase(sc.points) : undefined;
    if (base)
      L.push(
        '',
        `Empty runtime before the deploy: ${mb(base.rssBefore)} RSS, ${mb(base.heapBefore)} heap. RSS moves by a few MB between processes`,
        '(allocator, JIT), which divided by a small count swamps the per-Room figure; heap is the steadier one.',
      );
    for (const mr of [sc.reconnect, sc.outage]) {
      if (!mr) continue;
      const c = mr.commands;
      const t = mr.attemptsMs;
      const blink = mr.downMs === 0;
      L.push(
        '',
        blink
          ? `### Mass reconnect: a network blink (${fmt(mr.rooms)} Rooms, default settings, discovery on)`
          : `### Mass reconnect: a ${fmt(mr.downMs)} ms outage (${fmt(mr.rooms)} Rooms, default settings, discovery on)`,
        '',
        blink
          ? "Every Room's socket is terminated in the same tick (TCP gone, no close frame); the Rooms stay reachable."
          : `Every Room's socket is terminated in the same tick and the Rooms refuse connections (and config.json) for ${fmt(mr.downMs)} ms.`,
        'One command per Room is sent just before the drop and one more while the Rooms are down. Attempts are the WebSocket',
        'connections the Rooms saw (each after a config.json fetch); attempts the Rooms refused are not seen.',
        '',
        blink
          ? `- **All ${fmt(mr.rooms)} green again ${(mr.readyMs / 1000).toFixed(2)} s after the drop** (the loss noticed in Node-RED after ${fmt(mr.noticedMs)} ms).`
          : `- **All ${fmt(mr.rooms)} green again ${((mr.readyMs - mr.backMs) / 1000).toFixed(2)} s after the Rooms were back** (${(mr.readyMs / 1000).toFixed(2)} s after the drop).`,
        `- CPU from just before the drop to all green (the commands included): Node-RED ${fmt(mr.redCpuMs)} ms (${fmt(mr.redCpuMs / mr.rooms)} ms per Room), ` +
          `the Rooms' process ${fmt(mr.roomsCpuMs)} ms; load average ${mr.load.toFixed(1)} on ${r.machine.cpus} cores. Where the wall time is much longer`,
        '  than the CPU, the processes were waiting for a core.',
        `- Reconnections: ${fmt(t.length)}; first ${fmt(t[0] ?? NaN)} ms, p10 ${fmt(percentile(t, 10))} ms, median ${fmt(percentile(t, 50))} ms, ` +
          `p90 ${fmt(percentile(t, 90))} ms, last ${fmt(t[t.length - 1] ?? NaN)} ms after the drop.`,
        `- **Peak ${fmt(mr.peakPerS)} attempts/s** (busiest ${mr.binMs} ms bin); ${fmt(mr.peakInOneS)} in the busiest second.` +
          (blink
            ? " The backoff's jitter puts the first retry of each Room 250–500 ms after its drop (0.5–1.0 × 500 ms); what spreads them"
            : ' Attempt n waits 500 ms × 2ⁿ × 0.5–1.0, so by the time the Rooms are back each one is in a wider jitter window; what spreads them'),
        '  further is the time each config.json fetch and handshake takes.',
        `- Commands: ${fmt(c.sent)} sent, ${fmt(c.ok)} answered, ${fmt(c.errors)} errors (${
          Object.entries(c.codes)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }), ${c.endedTwice} ended twice${c.settled ? '' : ' (**not all ended within 60 s**)'}.`,
        `  The Rooms received ${fmt(c.received)} of them, ${c.repeatedIds} requestIds twice; ${c.roomsOverSent} Rooms received more than the messages`,
        '  that could have reached them (answered, or failed with TIMEOUT / CONNECTION_LOST / ROOM_ERROR).',
      );
    }
    const f = sc.fleet;
    if (f) {
      L.push(
        '',
        `### Commands across the fleet (${fmt(f.rooms)} Rooms)`,
        '',
        `\`${f.method}\` to a random Room each, ${fmt(f.total)} per round with at most ${f.window} in flight, each path as fast as it goes`,
        "(the window stays far below any queue bound). room-command: the message enters the random Room's room-command node of the fleet flow above, deployed with",
        `explicit WebSocket ports against ${fmt(f.rooms)} near-zero-cost responders (deploy to all green: ${fmt(f.deployMs)} ms). Baseline: ${fmt(f.rooms)}`,
        'hand-written `ws` clients in the same Node-RED process, one per responder, the same random traffic. Rounds alternate which goes first.',
        '',
        ...tableHead('Round', 'room-command', 'raw ws', 'Ratio', 'CPU/request node / raw', 'Responder CPU node / raw'),
      );
      f.rounds.forEach((x, i) =>
        L.push(
          `| ${i + 1} | ${fmt(x.node.rate)}/s | ${fmt(x.raw.rate)}/s | ${(x.node.rate / x.raw.rate).toFixed(2)}× | ${x.node.cpuUs.toFixed(0)} / ${x.raw.cpuUs.toFixed(0)} µs | ` +
            `${(x.responderCpuNode * 100).toFixed(0)}% / ${(x.responderCpuRaw * 100).toFixed(0)}% |`,
        ),
      );
      L.push('', `Median of per-round ratios: **${fleetRatio(f).toFixed(2)}×**.`);
    }
  }

  if (r.redeploy?.length) {
    const d0 = r.redeploy[0];
    L.push(
      ...heading('4. Redeploy'),
      "Full deploys (every node stopped and recreated, as the editor's default Deploy does) of a room-config, a room-command and two room-event",
      'nodes. Time from the deploy call to every node showing "connected"; new connections counted on the emulator until',
      `${d0.quietWindowMs} ms after that. ${d0.repeats} deploys each. "Discovery": the room-config as saved by default (web port only; a new`,
      'connection first fetches config.json); "explicit port": the WebSocket port set in the config.',
      '',
      ...tableHead('Config', 'Deploy', 'Ready (median)', 'Each run', 'New connections per deploy'),
    );
    for (const d of r.redeploy) {
      const cfg = d.discovery ? 'discovery (default)' : 'explicit port';
      L.push(
        `| ${cfg} | same room-config | ${d.unchanged.readyMs.toFixed(1)} ms | ${d.unchanged.readyRuns.map((v) => v.toFixed(1)).join(', ')} ms | ${d.unchanged.newConnections.join(', ')} |`,
        `| ${cfg} | room-config points at another Room | ${d.changed.readyMs.toFixed(1)} ms | ${d.changed.readyRuns.map((v) => v.toFixed(1)).join(', ')} ms | ${d.changed.newConnections.join(', ')} |`,
      );
    }
  }

  if (r.reconnect && r.reconnect.length) {
    L.push(
      ...heading('5. Reconnect'),
      'Time from the Room being back to every node showing "connected" again, split into the wait for the next attempt (the rest of the',
      'backoff delay: from "back" to the first new WebSocket connection the Room sees; with discovery it includes the config.json fetch)',
      'and the handshake (socket + setUsedApiVersion + auth + status). "Discovery" is the room-config as saved by default (web port only:',
      'config.json is fetched before every reconnect); "explicit port" sets the WebSocket port in the config.',
      '"Room restart": the emulated Room application restarts (sockets close, the WebSocket listens again at once). "Outage": connections',
      'drop and are refused for the given time. Medians; each run listed. "Back" and "first connection" are taken in the emulator process and',
      '"ready" in the Node-RED process (wall clocks of one machine, good to about 1 ms).',
      '',
      ...tableHead(
        'Settings',
        'Config',
        'Event',
        'Back → ready (median)',
        'Worst run',
        'Backoff wait (median)',
        'Handshake (median)',
        'Runs (ms)',
      ),
    );
    for (const s of r.reconnect) {
      const keys =
        Object.entries(s.settings)
          .map(([k, v]) => `\`${k}: ${v}\``)
          .join(', ') || 'defaults';
      const worst = Math.max(...s.runs.map((x) => x.readyMs));
      L.push(
        `| ${s.profile} (${keys}) | ${s.discovery ? 'discovery' : 'explicit port'} | ${s.downMs ? `${fmt(s.downMs)} ms outage` : 'Room restart'} | ${s.readyMs.toFixed(0)} ms | ${worst.toFixed(0)} ms | ` +
          `${s.waitMs.toFixed(0)} ms | ${s.handshakeMs.toFixed(1)} ms | ${s.runs.map((x) => x.readyMs.toFixed(0)).join(', ')} |`,
      );
    }
    const all = r.reconnect.flatMap((s) => s.runs);
    const waitShare =
      all.reduce((a, x) => a + x.waitMs, 0) /
      Math.max(
        1e-9,
        all.reduce((a, x) => a + x.readyMs, 0),
      );
    const medians = r.reconnect.map((x) => x.handshakeMs);
    L.push(
      '',
      `**What dominates: ${waitShare > 0.5 ? 'the backoff delay' : 'the handshake'}.** Over all runs the wait for the next attempt is ${(waitShare * 100).toFixed(1)}% of the time from "Room back"`,
      `to ready; the handshake itself takes ${Math.min(...medians).toFixed(1)}–${Math.max(...medians).toFixed(1)} ms at the median. The schedule is exponential with jitter:`,
      'attempt n waits min(cap, 500 ms × 2ⁿ) × 0.5–1.0, so the first retry after a drop comes 250–500 ms later whatever the settings, and',
      'after a long outage the wait can approach the cap (30 s by default). Lowering `roomConfigReconnectMaxMs` in settings.js bounds that',
      'wait (with 1000 ms: at most 1 s after the Room is back) at the price of more connection attempts while it is down.',
    );
  }
  L.push(...heading('Target lines as printed'), '```', ...checks.map(targetLine), '```', '');
  return L.join('\n');
}
