import path from 'node:path';

/** This repository (tests run compiled from dist/test/support). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const packageName = 'node-red-contrib-trueconf-room';
