#!/usr/bin/env node
'use strict';
// Plain JavaScript: it must work before a build (--list, and the "run npm run build first" message without dist/).
/*
 * Runs every test suite over the compiled tests in dist/test (run `npm run build` first; `npm test`
 * does both), each in its own mocha child process, one after another, streaming mocha's output.
 * The very last line is the sum over all runs:  `N passed, N failed` (`, N skipped` when any).
 * Exit status is non-zero when any test failed or any run crashed or timed out.
 *
 * Suites, in order (a folder with no *.test.js yet is skipped silently):
 *   core         Node 20: dist/test/{protocol,emulator,install} and any other test folder no suite below claims
 *   nodes-nr4    Node-RED 4.1 on Node 20: dist/test/nodes        (TRUECONF_TEST_NODE_RED=node-red)
 *   nodes-nr5    Node-RED 5 on Node 22:   dist/test/nodes        (TRUECONF_TEST_NODE_RED=node-red-5)
 *   e2e          real Node-RED processes, examples, MQTT: dist/test/e2e
 *   reliability  dist/test/reliability
 *   browser      headless Chromium (/usr/bin/chromium): dist/test/browser. Without Chromium it is
 *                SKIPPED (its tests counted as skipped) unless CI=true, where that is a failure.
 *   dashboard    the touch panel example (FlowFuse Dashboard 2.0) in headless Chromium: dist/test/dashboard;
 *                skipped without Chromium like browser. A suite of its own, so each has its own time limit.
 *
 * Usage:
 *   node scripts/run-tests.js                  all suites
 *   node scripts/run-tests.js nodes            only suites whose name contains a given word (nodes-nr4 + nodes-nr5)
 *   node scripts/run-tests.js core e2e         several words: suites matching any of them
 *   node scripts/run-tests.js install          a test folder name: only that folder, in the suite(s) that run it
 *   node scripts/run-tests.js nodes -- --grep redeploy    everything after `--` goes to each mocha run
 *   node scripts/run-tests.js --list           print the suites and their folders, run nothing
 *
 * Environment:
 *   CI=true                          a missing Chromium fails the browser suite instead of skipping it
 *   TRUECONF_TEST_SUITE_TIMEOUT_S    hard limit per suite run in seconds (default 600); a run over it is killed
 *
 * Node 22 for Node-RED 5 comes from test/tooling/node22 (`npm ci --prefix test/tooling/node22`); it is installed here
 * when missing, before the first suite that needs it.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const distTest = path.join(root, 'dist', 'test');
const mochaBin = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const mocharc = path.join(root, '.mocharc.json');
// Compiled from test/support/summary-reporter.ts, like the tests it reports on.
const reporter = path.join(distTest, 'support', 'summary-reporter.js');
const node22 = path.join(root, 'test', 'tooling', 'node22', 'node_modules', 'node', 'bin', 'node');
const chromium = '/usr/bin/chromium';
const isCI = process.env.CI === 'true';
const suiteTimeoutMs = Number(process.env.TRUECONF_TEST_SUITE_TIMEOUT_S || 600) * 1000;

// Folders claimed by a named suite; every other folder under dist/test (but support) runs in `core`.
const claimed = ['nodes', 'e2e', 'reliability', 'browser', 'dashboard', 'support'];

const suites = [
  { name: 'core', dirs: null, describe: 'protocol core, emulator, install (Node 20)' },
  {
    name: 'nodes-nr4',
    dirs: ['nodes'],
    env: { TRUECONF_TEST_NODE_RED: 'node-red' },
    describe: 'nodes on Node-RED 4.1 / Node 20',
  },
  {
    name: 'nodes-nr5',
    dirs: ['nodes'],
    env: { TRUECONF_TEST_NODE_RED: 'node-red-5' },
    node22: true,
    describe: 'nodes on Node-RED 5 / Node 22',
  },
  { name: 'e2e', dirs: ['e2e'], describe: 'Node-RED processes, examples, MQTT' },
  { name: 'reliability', dirs: ['reliability'], describe: 'faults, reconnects, leaks' },
  { name: 'browser', dirs: ['browser'], needsChromium: true, describe: 'editor in headless Chromium' },
  {
    name: 'dashboard',
    dirs: ['dashboard'],
    needsChromium: true,
    describe: 'touch panel example (Dashboard 2.0) in headless Chromium',
  },
];

function parseArgs(argv) {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const mochaArgs = dash >= 0 ? argv.slice(dash + 1) : [];
  return { list: own.includes('--list'), words: own.filter((a) => !a.startsWith('--')), mochaArgs };
}

function suiteDirs(suite) {
  if (suite.dirs) return suite.dirs;
  if (!fs.existsSync(distTest)) return [];
  return fs
    .readdirSync(distTest, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !claimed.includes(e.name))
    .map((e) => e.name)
    .sort();
}

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(full));
    else if (entry.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

let node22Attempted = false;
function ensureNode22() {
  if (fs.existsSync(node22)) return true;
  if (node22Attempted) return false;
  node22Attempted = true;
  console.log('\n>>> Node 22 for Node-RED 5 is missing: npm ci --prefix test/tooling/node22');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(
    npm,
    ['ci', '--prefix', path.join(root, 'test', 'tooling', 'node22'), '--no-audit', '--no-fund'],
    {
      stdio: 'inherit',
      cwd: root,
    },
  );
  return res.status === 0 && fs.existsSync(node22);
}

/** One mocha child process; resolves with its counts, or crashed:true when it produced none. */
function runMocha({ executable, files, env, extraArgs }) {
  const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trueconf-tests-')), 'summary.json');
  const args = [mochaBin, '--config', mocharc, '--reporter', reporter, ...extraArgs, ...files];
  return new Promise((resolve) => {
    const child = spawn(executable, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env, TRUECONF_TEST_SUMMARY_FILE: summaryFile },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.log(`\n!!! run exceeded ${seconds(suiteTimeoutMs)}: killing it`);
      child.kill('SIGKILL');
    }, suiteTimeoutMs);
    const finish = (code, signal, spawnError) => {
      clearTimeout(timer);
      let counts;
      try {
        counts = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
      } catch {
        counts = undefined;
      }
      fs.rmSync(path.dirname(summaryFile), { recursive: true, force: true });
      const crashed =
        timedOut || spawnError || !counts || (code !== 0 && counts.failures === 0) || (signal && code === null);
      resolve({
        counts: counts || { passes: 0, failures: 0, pending: 0 },
        crashed: Boolean(crashed),
        code,
        signal,
        timedOut,
        spawnError,
      });
    };
    child.once('error', (err) => finish(null, null, err));
    child.once('exit', (code, signal) => finish(code, signal));
  });
}

/** How many tests a suite has, without running them (for an honest skipped count). */
async function countTests(executable, files, env) {
  const res = spawnSync(executable, [mochaBin, '--config', mocharc, '--dry-run', '--reporter', 'json', ...files], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  try {
    const stats = JSON.parse(res.stdout).stats;
    return stats.tests || stats.passes + stats.pending || files.length;
  } catch {
    return files.length;
  }
}

async function main() {
  const { list, words, mochaArgs } = parseArgs(process.argv.slice(2));
  // A word picks whole suites by name, or one test folder (e.g. `install`) within the suites that own it.
  const selected = [];
  for (const suite of suites) {
    const dirs = suiteDirs(suite);
    if (!words.length || words.some((w) => suite.name.includes(w))) selected.push({ ...suite, only: null });
    else {
      const picked = dirs.filter((d) => words.includes(d));
      if (picked.length) selected.push({ ...suite, only: picked });
    }
  }
  if (words.length && !selected.length) {
    console.error(
      `no suite or test folder matches ${words.join(', ')}; suites: ${suites.map((s) => s.name).join(', ')}`,
    );
    process.exit(2);
  }
  if (list) {
    for (const s of suites)
      console.log(
        `${s.name.padEnd(12)} ${
          suiteDirs(s)
            .map((d) => `dist/test/${d}`)
            .join(' ') || '(none)'
        }  — ${s.describe}`,
      );
    return;
  }
  if (!fs.existsSync(distTest)) {
    console.error('dist/test does not exist: run `npm run build` first (npm test does)');
    process.exit(2);
  }

  const totals = { passes: 0, failures: 0, pending: 0 };
  const report = [];
  let brokenRuns = 0;

  for (const suite of selected) {
    const files = (suite.only || suiteDirs(suite)).flatMap((d) => testFiles(path.join(distTest, d)));
    if (!files.length) continue;
    const env = { ...(suite.env || {}) };
    let executable = process.execPath;

    // Every Node-RED 5 process (nodes-nr5, and any test spawning one) needs Node 22.
    if (!fs.existsSync(node22) && !ensureNode22()) {
      if (suite.node22) {
        console.log(`\n!!! ${suite.name}: Node 22 could not be installed (npm ci --prefix test/tooling/node22)`);
        brokenRuns++;
        report.push({ name: suite.name, ms: 0, note: 'FAILED: Node 22 missing' });
        continue;
      }
    }
    if (suite.node22) executable = node22;

    if (suite.needsChromium && !fs.existsSync(chromium)) {
      const count = await countTests(executable, files, env);
      if (isCI) {
        console.log(
          `\n!!! ${suite.name}: ${chromium} is missing and CI=true: install it with \`apt-get install chromium\``,
        );
        brokenRuns++;
        report.push({ name: suite.name, ms: 0, note: `FAILED: no Chromium (${count} tests not run)` });
      } else {
        console.log(
          `\nSKIPPED ${suite.name}: ${count} browser tests need Debian's Chromium at ${chromium}; install it with \`sudo apt-get install chromium\``,
        );
        totals.pending += count;
        report.push({ name: suite.name, ms: 0, note: `SKIPPED (${count} tests): no Chromium` });
      }
      continue;
    }

    const version = suite.node22
      ? spawnSync(executable, ['--version'], { encoding: 'utf8' }).stdout.trim()
      : process.version;
    console.log(`\n>>> ${suite.name}: ${suite.describe} — ${files.length} files, Node ${version}\n`);
    const started = Date.now();
    const result = await runMocha({ executable, files, env, extraArgs: mochaArgs });
    const ms = Date.now() - started;
    totals.passes += result.counts.passes;
    totals.failures += result.counts.failures;
    totals.pending += result.counts.pending;
    let note =
      `${result.counts.passes} passed, ${result.counts.failures} failed` +
      (result.counts.pending ? `, ${result.counts.pending} skipped` : '');
    if (result.crashed) {
      brokenRuns++;
      const why = result.timedOut
        ? 'timed out'
        : result.spawnError
          ? `could not start: ${result.spawnError.message}`
          : `mocha exited with ${result.signal || result.code} and ${result.counts.failures} failures counted`;
      note += ` — RUN BROKEN (${why})`;
      console.log(`\n!!! ${suite.name}: ${why}`);
    }
    report.push({ name: suite.name, ms, note });
  }

  console.log('\n=== Suites ===');
  for (const r of report) console.log(`${r.name.padEnd(12)} ${seconds(r.ms).padStart(8)}  ${r.note}`);
  // A crashed run counts as one failure so the total never looks green when a run died.
  const failed = totals.failures + brokenRuns;
  console.log(`${totals.passes} passed, ${failed} failed` + (totals.pending ? `, ${totals.pending} skipped` : ''));
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
