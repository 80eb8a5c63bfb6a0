/**
 * `npm run bench`: measures the nodes against baselines taken in the same run and writes bench/results.md,
 * bench/results.svg and bench/scale.svg. Sections: command round trip, notification fan-out, redeploy,
 * reconnect, and the scale curve (1 to 1,000 Rooms, mass reconnect, commands across the fleet).
 * BENCH_QUICK=1 runs every section with small counts (a smoke test of the harness, not figures).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedRed, repoRoot } from './lib/embedded-red';
import { EmulatorFarm } from './lib/emulator-farm';
import { inProcess, RedWorker } from './lib/red-handle';
import { chartSvg, scaleSvg } from './report/svg';
import { resultsMarkdown } from './report/markdown';
import { missNotes } from './report/notes';
import { evaluateTargets, targetLine, type BenchResults } from './report/targets';
import { runFanout } from './sections/fanout';
import { runLatency } from './sections/latency';
import { runReconnect } from './sections/reconnect';
import { runRedeploy } from './sections/redeploy';
import { fleetRatio, runScale } from './sections/scale';

const quick = process.env.BENCH_QUICK === '1';
/** BENCH_ONLY=scale,latency runs only those sections (development); the files are then not written. */
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const wanted = (key: string) => !only || only.has(key);
const log = (line: string) => console.log(line);

/** Tuned reconnect: what an operator on a LAN would put in settings.js to recover faster after long outages. */
const FAST_RECONNECT = { roomConfigReconnectMaxMs: 1000 };

async function section<T>(
  results: BenchResults,
  key: string,
  name: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  if (!wanted(key)) return undefined;
  const t0 = Date.now();
  log(`\n== ${name}`);
  try {
    const value = await work();
    log(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return value;
  } catch (err) {
    results.errors[name] = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`   FAILED: ${results.errors[name]}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const farm = await EmulatorFarm.spawn();
  const responders = await EmulatorFarm.spawn('responder');
  const red = await EmbeddedRed.start();
  const results: BenchResults = {
    machine: {
      date: new Date().toISOString(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: os.totalmem() / 2 ** 30,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      nodeRed: red.version,
      loadAverageAtStart: os.loadavg(),
    },
    quick,
    durationS: 0,
    errors: {},
  };
  log(
    `bench: Node ${process.version}, Node-RED ${red.version}, ${os.cpus().length} CPUs${quick ? ' (BENCH_QUICK: smoke-test counts)' : ''}`,
  );

  try {
    results.latency = await section(results, 'latency', '1. command round trip', () =>
      runLatency(
        red,
        farm,
        responders,
        quick
          ? { rounds: 2, warmup: 50, sequential: 100, pipelined: 500, window: 100, log }
          : { rounds: 7, warmup: 500, sequential: 600, pipelined: 3000, window: 100, log },
      ),
    );
    results.fanout = await section(results, 'fanout', '2. notification fan-out', () =>
      runFanout(
        red,
        farm,
        quick
          ? { sizes: [10, 100, 1000], notifications: 1000, rounds: 2, catchAll: 3, log }
          : { sizes: [10, 100, 1000], notifications: 10_000, rounds: 20, catchAll: 3, log },
      ),
    );
    const redeployOpts = { repeats: quick ? 2 : 5, quietWindowMs: quick ? 200 : 500, log };
    const redeploy = [];
    for (const discovery of [true, false]) {
      const r = await section(results, 'redeploy', `4. redeploy (${discovery ? 'discovery' : 'explicit port'})`, () =>
        runRedeploy(inProcess(red), farm, { ...redeployOpts, discovery }),
      );
      if (r) redeploy.push(r);
    }
    if (redeploy.length) results.redeploy = redeploy;
    const reconnectOpts = { repeats: quick ? 1 : 5, outages: quick ? [0, 1000] : [0, 3000], log };
    const reconnect = await section(results, 'reconnect', '5. reconnect (default settings, discovery)', () =>
      runReconnect(inProcess(red), farm, 'default', {}, { ...reconnectOpts, discovery: true }),
    );
    const explicit = await section(results, 'reconnect', '5. reconnect (default settings, explicit port)', () =>
      runReconnect(inProcess(red), farm, 'default', {}, { ...reconnectOpts, discovery: false }),
    );
    const tuned = await section(results, 'reconnect', '5. reconnect (settings.js tuned, discovery)', async () => {
      const worker = await RedWorker.spawn(FAST_RECONNECT, 'Node-RED (tuned reconnect)');
      try {
        return await runReconnect(worker, farm, 'tuned', FAST_RECONNECT, { ...reconnectOpts, discovery: true });
      } finally {
        await worker.end();
      }
    });
    const all = [...(reconnect ?? []), ...(explicit ?? []), ...(tuned ?? [])];
    if (all.length) results.reconnect = all;
    // Last: the embedded Node-RED idles meanwhile (no flows), the scale runs in worker processes.
    results.scale = await section(results, 'scale', '3. scale: 1 to 1,000 Rooms in one Node-RED', () =>
      runScale(
        farm,
        responders,
        quick
          ? { sizes: [1, 10, 50], idleMs: 1000, outageMs: 1000, fleet: { total: 2000, window: 100, rounds: 2 }, log }
          : {
              sizes: [1, 10, 100, 500, 1000],
              idleMs: 15_000,
              outageMs: 5000,
              fleet: { total: 20_000, window: 200, rounds: 4 },
              log,
            },
      ),
    );
  } finally {
    await red.stop().catch(() => undefined);
    await farm.close().catch(() => undefined);
    await responders.close().catch(() => undefined);
  }

  results.durationS = (Date.now() - started) / 1000;
  const checks = evaluateTargets(results);
  const subtitle = `${results.machine.date.slice(0, 10)} · ${results.machine.cpus} CPUs · Node ${results.machine.node} · Node-RED ${results.machine.nodeRed}`;
  const outDir = path.join(repoRoot(), 'bench');
  const md = resultsMarkdown(results, checks, missNotes);
  // A smoke run's (or a partial run's) figures are not results; keep them out of the committed files.
  const partial = quick || !!only;
  const where = partial ? fs.mkdtempSync(path.join(os.tmpdir(), 'trueconf-bench-')) : outDir;
  fs.writeFileSync(path.join(where, 'results.md'), md);
  fs.writeFileSync(path.join(where, 'results.svg'), chartSvg(checks, subtitle));
  if (results.scale) fs.writeFileSync(path.join(where, 'scale.svg'), scaleSvg(results.scale, subtitle));

  log('\n== summary');
  if (results.latency) {
    const l = results.latency;
    log(
      `round trip p50: raw ${l.raw.p50.toFixed(3)} ms, room-command ${l.node.p50.toFixed(3)} ms, DIY ${l.diy.p50.toFixed(3)} ms; ` +
        `throughput raw ${l.raw.throughput.toFixed(0)}/s, room-command ${l.node.throughput.toFixed(0)}/s, DIY ${l.diy.throughput.toFixed(0)}/s`,
    );
  }
  if (results.fanout) {
    const f = results.fanout;
    log(
      `fan-out µs CPU/notification: parse-only ${f.baseline.cpuUs.toFixed(1)}, ` +
        f.sizes.map((s) => `${s.nodes} nodes ${s.figures.cpuUs.toFixed(1)}`).join(', '),
    );
  }
  for (const d of results.redeploy ?? [])
    log(
      `redeploy ready (${d.discovery ? 'discovery' : 'explicit port'}): unchanged ${d.unchanged.readyMs.toFixed(1)} ms, changed ${d.changed.readyMs.toFixed(1)} ms`,
    );
  for (const s of results.reconnect ?? [])
    log(
      `reconnect ${s.profile} ${s.discovery ? 'discovery' : 'explicit port'} ${s.downMs ? `${s.downMs} ms outage` : 'restart'}: ${s.readyMs.toFixed(0)} ms (wait ${s.waitMs.toFixed(0)} + handshake ${s.handshakeMs.toFixed(1)})`,
    );
  for (const p of results.scale?.points ?? [])
    log(
      `scale ${p.rooms} Rooms: green ${p.deployMs.toFixed(0)} ms after deploy, ${(p.rssPerRoom / 1024).toFixed(0)} KB RSS and ` +
        `${(p.heapPerRoom / 1024).toFixed(0)} KB heap per Room, idle CPU ${(p.idleCpu * 100).toFixed(2)}% of a core`,
    );
  const mr = results.scale?.reconnect;
  if (mr)
    log(
      `mass reconnect ${mr.rooms} Rooms: all green ${mr.readyMs.toFixed(0)} ms after the drop, peak ${mr.peakPerS.toFixed(0)} attempts/s, ` +
        `${mr.commands.roomsOverSent} Rooms received a command more often than it was sent`,
    );
  if (results.scale?.fleet)
    log(
      `fleet commands over ${results.scale.fleet.rooms} Rooms: room-command ÷ raw ws ${fleetRatio(results.scale.fleet).toFixed(2)}×`,
    );
  for (const c of checks) log(targetLine(c));
  log(
    `\n${partial ? 'partial run written to ' + where : 'wrote bench/results.md, bench/results.svg and bench/scale.svg'} in ${results.durationS.toFixed(0)} s`,
  );
  if (Object.keys(results.errors).length) process.exitCode = 1;
}

// Memory figures and the fan-out CPU need forced GC; re-run ourselves with --expose-gc when it is missing.
// Through a shell that raises the open-file limit to the hard limit first: 1,000 emulated Rooms hold about
// 3,000 sockets in their process, more than a default soft limit of 1,024 allows; children inherit it.
if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  const args = ['--expose-gc', ...process.execArgv, __filename, ...process.argv.slice(2)];
  const r = fs.existsSync('/bin/sh')
    ? spawnSync('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', process.execPath, ...args], {
        stdio: 'inherit',
      })
    : spawnSync(process.execPath, args, { stdio: 'inherit' });
  process.exit(r.status ?? 1);
} else {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
