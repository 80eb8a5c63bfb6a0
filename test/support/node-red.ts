/**
 * Which Node-RED the node tests run on. scripts/run-tests.js runs the suite twice:
 * Node-RED 4.1.x on this machine's Node 20 (package `node-red`) and Node-RED 5.x on Node 22
 * (package alias `node-red-5`), selected by TRUECONF_TEST_NODE_RED.
 */
import { packageVersion } from './package-version';

// node-red-node-test-helper ships no types.
const helper = require('node-red-node-test-helper');

export const nodeRedPackage = process.env.TRUECONF_TEST_NODE_RED || 'node-red';
helper.init(require.resolve(nodeRedPackage));

export function nodeRedVersion(): string {
  return packageVersion(nodeRedPackage);
}

export { helper };
