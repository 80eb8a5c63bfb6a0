/**
 * `npm run bench`: measures the nodes against baselines taken in the same run and writes bench/results.md and
 * bench/results.svg. Sections: command round trip, notification fan-out, memory per endpoint, redeploy,
 * reconnect. BENCH_QUICK=1 runs every section with small counts (a smoke test of the harness, not figures).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedRed, repoRoot } from './lib/embedded-red';
import { EmulatorFarm } from './lib/emulator-farm';
import { inProcess, RedWorker } from './lib/red-handle';
import { chartSvg } from './report/svg';
import { resultsMarkdown } from './report/markdown';
import { missNotes } from './report/notes';
import { evaluateTargets, targetLine, type BenchResults } from './report/targets';
import { runFanout } from './sections/fanout';
import { runLatency } from './sections/latency';
import { runMemory } from './sections/memory';
import { runReconnect } from './sections/reconnect';
import { runRedeploy } from './sections/redeploy';

const quick = process.env.BENCH_QUICK === '1';
const log = (line: string) => console.log(line);

/** Tuned reconnect: what an operator on a LAN would put in settings.js to recover faster after long outages. */
const FAST_RECONNECT = { roomConfigReconnectMaxMs: 1000 };

async function section<T>(results: BenchResults, name: string, work: () => Promise<T>): Promise<T | undefined> {
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
    durationS: 0,
    errors: {},
  };
  log(
    `bench: Node ${process.version}, Node-RED ${red.version}, ${os.cpus().length} CPUs${quick ? ' (BENCH_QUICK: smoke-test counts)' : ''}`,
  );

  try {
    results.latency = await section(results, '1. command round trip', () =>
      runLatency(
        red,
        farm,
        quick
          ? { rounds: 2, warmup: 50, sequential: 100, pipelined: 500, window: 100, log }
          : { rounds: 5, warmup: 500, sequential: 600, pipelined: 3000, window: 100, log },
      ),
    );
    results.fanout = await section(results, '2. notification fan-out', () =>
      runFanout(
        red,
        farm,
        quick
          ? { sizes: [10, 100, 1000], notifications: 1000, rounds: 1, catchAll: 3, log }
          : { sizes: [10, 100, 1000], notifications: 20_000, rounds: 5, catchAll: 3, log },
      ),
    );
    results.redeploy = await section(results, '4. redeploy', () =>
      runRedeploy(inProcess(red), farm, { repeats: quick ? 2 : 5, quietWindowMs: quick ? 200 : 500, log }),
    );
    const reconnectOpts = { repeats: quick ? 1 : 5, outages: quick ? [0, 1000] : [0, 3000], log };
    const reconnect = await section(results, '5. reconnect (default settings)', () =>
      runReconnect(inProcess(red), farm, 'default', {}, reconnectOpts),
    );
    const tuned = await section(results, '5. reconnect (settings.js tuned)', async () => {
      const worker = await RedWorker.spawn(FAST_RECONNECT, 'Node-RED (tuned reconnect)');
      try {
        return await runReconnect(worker, farm, 'tuned', FAST_RECONNECT, reconnectOpts);
      } finally {
        await worker.end();
      }
    });
    if (reconnect || tuned) results.reconnect = [...(reconnect ?? []), ...(tuned ?? [])];
    results.memory = await section(results, '3. memory per endpoint', () =>
      runMemory(farm, { sizes: quick ? [1, 10, 20] : [1, 50, 200], repeats: quick ? 1 : 3, log }),
    );
  } finally {
    await red.stop().catch(() => undefined);
    await farm.close().catch(() => undefined);
  }

  results.durationS = (Date.now() - started) / 1000;
  const checks = evaluateTargets(results);
  const subtitle = `${results.machine.date.slice(0, 10)} · ${results.machine.cpus} CPUs · Node ${results.machine.node} · Node-RED ${results.machine.nodeRed}`;
  const outDir = path.join(repoRoot(), 'bench');
  const md = resultsMarkdown(results, checks, missNotes);
  if (quick) {
    // A smoke run's figures are not results; keep them out of the committed files.
    fs.writeFileSync(path.join(os.tmpdir(), 'trueconf-bench-quick.md'), md);
  } else {
    fs.writeFileSync(path.join(outDir, 'results.md'), md);
    fs.writeFileSync(path.join(outDir, 'results.svg'), chartSvg(checks, subtitle));
  }

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
  if (results.memory)
    log(
      `memory per endpoint: ${(results.memory.rssPerEndpoint / 1024).toFixed(0)} KB RSS, ${(results.memory.heapPerEndpoint / 1024).toFixed(0)} KB heap`,
    );
  if (results.redeploy)
    log(
      `redeploy ready: unchanged ${results.redeploy.unchanged.readyMs.toFixed(1)} ms, changed ${results.redeploy.changed.readyMs.toFixed(1)} ms`,
    );
  for (const s of results.reconnect ?? [])
    log(
      `reconnect ${s.profile} ${s.downMs ? `${s.downMs} ms outage` : 'restart'}: ${s.readyMs.toFixed(0)} ms (wait ${s.waitMs.toFixed(0)} + handshake ${s.handshakeMs.toFixed(1)})`,
    );
  for (const c of checks) log(targetLine(c));
  log(
    `\n${quick ? 'quick run written to ' + path.join(os.tmpdir(), 'trueconf-bench-quick.md') : 'wrote bench/results.md and bench/results.svg'} in ${results.durationS.toFixed(0)} s`,
  );
  if (Object.keys(results.errors).length) process.exitCode = 1;
}

// Memory figures and the fan-out CPU need forced GC; re-run ourselves with --expose-gc when it is missing.
if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
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
