import fs from 'node:fs';
import path from 'node:path';
import { packageName, repoRoot } from './repo';

/** A node of a flows file. */
export type FlowNode = { id: string; type: string; [key: string]: unknown };

/** Makes <userDir>/node_modules/<package> a symlink to this repository and lists it in package.json. */
export function linkPackageInto(userDir: string): void {
  const modules = path.join(userDir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, packageName);
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(repoRoot, link, 'dir');
  writeUserPackageJson(userDir, { [packageName]: `file:${repoRoot}` });
}

function writeUserPackageJson(userDir: string, dependencies: Record<string, string>): void {
  const file = path.join(userDir, 'package.json');
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const pkg = {
    name: 'node-red-project',
    description: 'A Node-RED user directory made by the TrueConf Room tests',
    version: '0.0.1',
    private: true,
    ...existing,
    dependencies: { ...(existing.dependencies || {}), ...dependencies },
  };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
}

/** Writes flows.json, moving each node's `credentials` into an unencrypted flows_cred.json (Node-RED accepts it). */
export function writeFlows(userDir: string, flows: object[]): void {
  const credentials: Record<string, unknown> = {};
  const clean = flows.map((node) => {
    const { credentials: creds, ...rest } = node as FlowNode & { credentials?: unknown };
    if (creds && typeof rest.id === 'string') credentials[rest.id] = creds;
    return rest;
  });
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(clean, null, 2));
  const credFile = path.join(userDir, 'flows_cred.json');
  if (Object.keys(credentials).length) fs.writeFileSync(credFile, JSON.stringify(credentials, null, 2));
  else fs.rmSync(credFile, { force: true });
}

/** An empty flows file, unless the directory already has one (a second run over the same user directory). */
export function ensureFlowsFile(userDir: string): void {
  const file = path.join(userDir, 'flows.json');
  if (!fs.existsSync(file)) fs.writeFileSync(file, '[]');
}
