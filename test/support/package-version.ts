import fs from 'node:fs';

/** The version of an installed package, from its package.json. */
export function packageVersion(name: string): string {
  const file = require.resolve(`${name}/package.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
