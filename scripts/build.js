#!/usr/bin/env node
'use strict';
// Plain JavaScript because it is what makes the build: it has to run before anything is compiled.
//
// Builds dist/ from scratch:
//   1. tsconfig.build.json: the published runtime (src/protocol, src/emulator, nodes), with declarations and
//      without test types, so runtime code cannot lean on mocha or dev-only modules.
//   2. tsconfig.json: tests, benchmarks and the demo (they import the runtime, which is emitted again, unchanged).
//   3. tsconfig.editor.json type-checks the editor code (nodes/editor, browser), which esbuild bundles into
//      resources/editor.js; Node-RED serves a module's resources/ folder to the editor.
//   4. The assets Node-RED and the emulator load at run time: node .html files beside their .js, locales and
//      icons beside them, the catalogue data beside its loader, the emulator's status page.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

// A stale file (a module since moved or deleted) must not end up in the package.
fs.rmSync(dist, { recursive: true, force: true });
fs.rmSync(path.join(root, 'resources'), { recursive: true, force: true });

let typeErrors = false;
for (const config of ['tsconfig.build.json', 'tsconfig.json', 'tsconfig.editor.json']) {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, config)], {
      stdio: 'inherit',
      cwd: root,
    });
  } catch {
    typeErrors = true;
  }
}
if (typeErrors) {
  // tsc still emits on type errors; BUILD_ALLOW_TYPE_ERRORS=1 lets work in progress run. CI never sets it.
  if (process.env.BUILD_ALLOW_TYPE_ERRORS !== '1') process.exit(1);
  console.warn('build: type errors ignored (BUILD_ALLOW_TYPE_ERRORS=1)');
}

require('esbuild').buildSync({
  entryPoints: [path.join(root, 'nodes', 'editor', 'index.ts')],
  outfile: path.join(root, 'resources', 'editor.js'),
  bundle: true,
  format: 'iife',
  // Node-RED 4 supports the browsers of the last years; nothing newer than ES2020 is needed.
  target: 'es2020',
  logLevel: 'warning',
});

const assetPattern = /\.(html|json|css|svg|png|txt)$/;
function copyAssets(fromDir, toDir) {
  if (!fs.existsSync(fromDir)) return;
  for (const entry of fs.readdirSync(fromDir, { withFileTypes: true })) {
    const from = path.join(fromDir, entry.name);
    const to = path.join(toDir, entry.name);
    if (entry.isDirectory()) copyAssets(from, to);
    else if (assetPattern.test(entry.name)) {
      fs.mkdirSync(toDir, { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
}
// nodes/icons lands in dist/nodes/icons: Node-RED looks for icons in an `icons` folder beside the node files.
for (const dir of ['src', 'nodes', 'test', 'bench']) copyAssets(path.join(root, dir), path.join(dist, dir));
// The emulator CLI is an npm bin: it must be executable.
const cli = path.join(dist, 'src', 'emulator', 'cli.js');
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
