import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../support/repo';

/**
 * What `npm publish` would put in the tarball (`npm pack --dry-run`, over the current build): only what runs
 * in a user's Node-RED or as the emulator CLI, and everything that runtime loads. A demo, test or benchmark
 * file in the package, or a runtime file missing from it, fails here before a user installs it.
 */

interface PackedFile {
  path: string;
}

function packedFiles(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      { cwd: repoRoot, timeout: 60000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`npm pack --dry-run failed: ${err.message}\n${stderr}`));
        const [result] = JSON.parse(stdout) as { files: PackedFile[] }[];
        resolve(result.files.map((f) => f.path).sort());
      },
    );
  });
}

/** The runtime: one pattern per kind of file a user's install needs. */
const RUNTIME = [
  /^(package\.json|README\.md|LICENSE)$/,
  /^dist\/src\/(protocol|emulator)\/[\w-]+\.(js|d\.ts)$/,
  /^dist\/src\/protocol\/data\/catalogue\.json$/,
  /^dist\/src\/emulator\/status-page\.html$/,
  /^dist\/nodes\/(lib\/)?[\w-]+\.(js|d\.ts)$/,
  /^dist\/nodes\/room-(config|command|event)\.html$/,
  /^dist\/nodes\/locales\/(en-US|ru)\/room-(config|command|event)\.(json|html)$/,
  /^dist\/nodes\/icons\/[\w-]+\.svg$/,
  /^resources\/[\w-]+\.js$/,
  /^examples\/[\w -]+\.json$/,
];

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
  'node-red': { nodes: Record<string, string> };
};

/** Relative and bare module names a compiled file requires. */
function requiresOf(source: string): string[] {
  return [...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
}

describe('install: the npm package holds the runtime and only the runtime', function () {
  this.timeout(90000);
  let files: string[];
  let packed: Set<string>;

  before(async function () {
    files = await packedFiles();
    packed = new Set(files);
  });

  it('holds no demo, test, benchmark, script or TypeScript source', function () {
    const strays = files.filter((f) => !RUNTIME.some((re) => re.test(f)));
    assert.deepEqual(strays, [], 'files outside the runtime were packed');
  });

  it('holds every node with its editor file, both locales, its icon and the editor bundle it loads', function () {
    for (const [type, file] of Object.entries(pkg['node-red'].nodes)) {
      assert.ok(packed.has(file), `${type}: ${file} is not in the package`);
      const html = file.replace(/\.js$/, '.html');
      assert.ok(packed.has(html), `${type}: its .html is not beside ${file}`);
      for (const lang of ['en-US', 'ru']) {
        for (const ext of ['json', 'html'])
          assert.ok(packed.has(`dist/nodes/locales/${lang}/${type}.${ext}`), `${type}: no ${lang} ${ext}`);
      }
      const source = fs.readFileSync(path.join(repoRoot, html), 'utf8');
      for (const [, icon] of source.matchAll(/icon:\s*['"]([^'"]+)['"]/g))
        assert.ok(packed.has(`dist/nodes/icons/${icon}`), `${type}: icon ${icon} is not beside the nodes`);
      for (const [, script] of source.matchAll(/src="resources\/node-red-contrib-trueconf-room\/([^"]+)"/g))
        assert.ok(packed.has(`resources/${script}`), `${type}: editor script ${script} is not in resources/`);
    }
  });

  it('holds the catalogue, the emulator status page, the CLI, the entry points and every example', function () {
    assert.ok(packed.has('dist/src/protocol/data/catalogue.json'), 'the catalogue data');
    assert.ok(packed.has('dist/src/emulator/status-page.html'), 'the emulator status page');
    for (const bin of Object.values(pkg.bin)) assert.ok(packed.has(bin), `bin ${bin}`);
    const entries = [pkg.main, pkg.types];
    for (const target of Object.values(pkg.exports)) {
      if (typeof target === 'string') entries.push(target);
      else entries.push(target.types, target.default);
    }
    for (const entry of entries) assert.ok(packed.has(entry.replace(/^\.\//, '')), `entry point ${entry}`);
    const examples = fs.readdirSync(path.join(repoRoot, 'examples')).filter((f) => f.endsWith('.json'));
    assert.ok(examples.length > 0, 'the repository has examples');
    for (const example of examples) assert.ok(packed.has(`examples/${example}`), `example ${example}`);
  });

  it('every packed module requires only packed files, Node built-ins and the runtime dependencies', function () {
    const allowed = new Set([...builtinModules, ...Object.keys(pkg.dependencies)]);
    const problems: string[] = [];
    for (const file of files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
      for (const name of requiresOf(fs.readFileSync(path.join(repoRoot, file), 'utf8'))) {
        if (name.startsWith('.')) {
          const target = path.posix.join(path.posix.dirname(file), name);
          const found = [target, `${target}.js`, `${target}/index.js`].some((t) => packed.has(t));
          if (!found) problems.push(`${file} requires ${name}, which is not packed`);
        } else {
          const bare = name.replace(/^node:/, '');
          const pkgName = bare.startsWith('@') ? bare.split('/').slice(0, 2).join('/') : bare.split('/')[0];
          if (!allowed.has(bare) && !allowed.has(pkgName))
            problems.push(`${file} requires ${name}, which a user's install does not have`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
