import { fmt, pairedRatio } from '../lib/stats';
import { measuredText, targetLine, type BenchResults, type TargetCheck } from './targets';

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
    `Written by \`npm run bench\` on ${m.date} in ${r.durationS.toFixed(0)} s. Every figure is compared with a baseline measured`,
    'in the same run against the same Room emulator, so the ratios hold on a noisy machine even where the absolute numbers move.',
    'The emulated Rooms run in a separate process (a real Room is another machine); Node-RED runs embedded in the measuring process',
    '(sections 1, 2, 4 and the default reconnect) or in fresh worker processes (section 3, and reconnect with settings.js tuning).',
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
    L.push(
      `| ${c.label} | ${op} ${c.target}${unit} | ${value}${unit} (${c.detail}) | ${c.pass ? '**PASS**' : '**FAIL**'} |`,
    );
  }
  const missed = checks.filter((c) => !c.pass);
  if (missed.length) {
    L.push('', '### Missed targets', '');
    for (const c of missed) L.push(`- **${c.label}**: ${notes[c.id] ? notes[c.id](r, c) : 'no analysis recorded.'}`);
  }
  for (const [section, error] of Object.entries(r.errors))
    L.push('', `> Section **${section}** did not complete: \`${error.split('\n')[0]}\``);

  if (r.latency) {
    const l = r.latency;
    L.push(
      ...heading('1. Command round trip'),
      `\`${l.method}\` through three paths, each to its own emulated Room (identical Rooms in one emulator process: a Room gives a control`,
      `mode to one connection at a time, so paths sharing one would displace each other). Every response is checked to be a success. Sequential: ${l.rounds} rounds × ${fmt(l.sequentialPerRound)} requests, one at a time`,
      `(after warm-up). Pipelined: ${l.rounds} rounds × ${fmt(l.pipelinedPerRound)} requests with up to ${l.window} in flight; the median round is shown.`,
      "The order of the paths rotates every round. p50 and p99 pool every round's samples; throughput and CPU are medians of the rounds;",
      "the ratios are medians of per-round ratios (paths measured back to back share the machine's momentary load, so a busy moment",
      'does not count against one path only).',
      '',
      '- **raw ws**: a hand-written `ws` client (setUsedApiVersion + auth, then requests matched by requestId in a Map).',
      '- **room-command**: a real Node-RED 4 runtime: junction → room-command → junction, the message entering with `node.receive()` and timed when it leaves.',
      '- **do-it-yourself**: the same entry and exit around core nodes: function (number the request, remember the msg in flow context) → websocket out; websocket in → json → function (match by requestId); a Status node sends the handshake on connect.',
      '',
      ...tableHead('Path', 'p50', 'p99', 'Throughput', 'CPU per request', 'p50 ÷ raw', 'Throughput ÷ raw'),
    );
    const rows = [
      ['raw ws', l.raw],
      ['room-command', l.node],
      ['do-it-yourself flow', l.diy],
      ['_diagnostic:_ RoomClient alone (protocol core, no Node-RED)', l.client],
      ['_diagnostic:_ Node-RED 2 hops alone (junction → junction → junction, no Room)', l.hops],
    ] as const;
    for (const [name, f] of rows) {
      L.push(
        `| ${name} | ${f.p50.toFixed(3)} ms | ${f.p99.toFixed(3)} ms | ${fmt(f.throughput)}/s | ${f.cpuUs.toFixed(1)} µs | ${pairedRatio(f.p50Rounds, l.raw.p50Rounds).toFixed(2)}× | ${pairedRatio(f.throughputRounds, l.raw.throughputRounds).toFixed(2)}× |`,
      );
    }
    L.push(
      '',
      `Throughput per round (req/s): raw ${l.raw.throughputRounds.map((v) => fmt(v)).join(', ')}; room-command ${l.node.throughputRounds.map((v) => fmt(v)).join(', ')}; ` +
        `do-it-yourself ${l.diy.throughputRounds.map((v) => fmt(v)).join(', ')}.`,
      "CPU per request: this process's user + system time during the pipelined runs divided by the requests (the emulator's CPU is not in it).",
      `The emulator process used ${(l.emulatorCpuDuringRaw * 100).toFixed(0)}% of one core during the raw pipelined runs` +
        (l.emulatorCpuDuringRaw > 0.85 ? ', so the raw figure is bounded by the emulator, not by the client.' : '.'),
    );
  }

  if (r.fanout) {
    const f = r.fanout;
    L.push(
      ...heading('2. Notification fan-out'),
      `The emulator sends ${fmt(f.notifications)} \`${f.event}\` notifications as fast as it can. Node-RED has N room-event nodes whose filters`,
      `(distinct pairs of other catalogue events) never match, plus ${f.catchAll} catch-all room-event nodes that take every notification. The baseline is a`,
      "`ws` client on its own emulator that only `JSON.parse`s each frame. CPU is this process's user + system time per notification",
      `(process.cpuUsage); medians of ${f.rounds} rounds, order rotated; ratios are medians of per-round ratios.`,
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
    L.push(
      '',
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

  if (r.memory) {
    const mem = r.memory;
    L.push(
      ...heading('3. Memory per endpoint'),
      'A fresh Node-RED process per size (started with `--expose-gc`), each endpoint being one room-config plus one room-event on its own',
      'emulated Room (the emulators live in another process). Measured after every node showed "connected" and after forced garbage collection;',
      `median of ${mem.repeats} process(es) per size.`,
      '',
      ...tableHead('Endpoints', 'RSS', 'Heap used'),
    );
    for (const s of mem.samples) L.push(`| ${s.endpoints} | ${mb(s.rss)} | ${mb(s.heapUsed)} |`);
    const a = mem.samples[0];
    const mid = mem.samples[Math.floor(mem.samples.length / 2)];
    const b = mem.samples[mem.samples.length - 1];
    L.push(
      '',
      `Per endpoint, ${a.endpoints} → ${b.endpoints}: **${kb(mem.rssPerEndpoint)} RSS**, ${kb(mem.heapPerEndpoint)} heap. ` +
        `${a.endpoints} → ${mid.endpoints}: ${kb(mem.rssPerEndpointMid)} RSS, ${kb(mem.heapPerEndpointMid)} heap.`,
    );
  }

  if (r.redeploy) {
    const d = r.redeploy;
    L.push(
      ...heading('4. Redeploy'),
      "Full deploys (every node stopped and recreated, as the editor's default Deploy does) of a room-config, a room-command and two room-event",
      'nodes. Time from the deploy call to every node showing "connected"; new connections counted on the emulator until',
      `${d.quietWindowMs} ms after that. ${d.repeats} deploys each.`,
      '',
      ...tableHead('Deploy', 'Ready (median)', 'Each run', 'New connections per deploy'),
      `| same room-config | ${d.unchanged.readyMs.toFixed(1)} ms | ${d.unchanged.readyRuns.map((v) => v.toFixed(1)).join(', ')} ms | ${d.unchanged.newConnections.join(', ')} |`,
      `| room-config points at another Room | ${d.changed.readyMs.toFixed(1)} ms | ${d.changed.readyRuns.map((v) => v.toFixed(1)).join(', ')} ms | ${d.changed.newConnections.join(', ')} |`,
    );
  }

  if (r.reconnect && r.reconnect.length) {
    L.push(
      ...heading('5. Reconnect'),
      'Time from the Room being back to every node showing "connected" again, split into the wait for the next attempt (the rest of the',
      'backoff delay: from "back" to the first new connection the Room sees) and the handshake (socket + setUsedApiVersion + auth + status).',
      '"Room restart": the emulated Room application restarts (sockets close, the WebSocket listens again at once). "Outage": connections',
      'drop and are refused for the given time. Medians; each run listed. "Back" and "first connection" are taken in the emulator process and',
      '"ready" in the Node-RED process (wall clocks of one machine, good to about 1 ms).',
      '',
      ...tableHead(
        'Settings',
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
        `| ${s.profile} (${keys}) | ${s.downMs ? `${fmt(s.downMs)} ms outage` : 'Room restart'} | ${s.readyMs.toFixed(0)} ms | ${worst.toFixed(0)} ms | ` +
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
      `**What dominates: the backoff delay.** Over all runs the wait for the next attempt is ${(waitShare * 100).toFixed(1)}% of the time from "Room back"`,
      `to ready; the handshake itself takes ${Math.min(...medians).toFixed(1)}–${Math.max(...medians).toFixed(1)} ms at the median. The schedule is exponential with jitter:`,
      'attempt n waits min(cap, 500 ms × 2ⁿ) × 0.5–1.0, so the first retry after a drop comes 250–500 ms later whatever the settings, and',
      'after a long outage the wait can approach the cap (30 s by default). Lowering `roomConfigReconnectMaxMs` in settings.js bounds that',
      'wait (with 1000 ms: at most 1 s after the Room is back) at the price of more connection attempts while it is down.',
    );
  }
  L.push(...heading('Target lines as printed'), '```', ...checks.map(targetLine), '```', '');
  return L.join('\n');
}
