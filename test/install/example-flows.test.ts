import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/repo';

/**
 * The shipped example files hold together on their own: an import silently drops a wire to a missing node, and
 * a dangling config reference only shows once the user opens the node. The browser and install suites check
 * the node types against a real Node-RED; this checks what they cannot see.
 */
type FlowNode = Record<string, unknown> & { id: string; type: string };

const examplesDir = path.join(repoRoot, 'examples');
const examples = fs
  .readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, flow: JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as FlowNode[] }));

// Properties that name another node of the flow: ours (room), MQTT (broker) and Dashboard 2.0 (group, page, ui, theme).
const REFERENCES = ['room', 'broker', 'group', 'page', 'ui', 'theme', 'g'];

describe('example flows', function () {
  it('the package ships examples', function () {
    assert.ok(examples.length >= 1, `no examples in ${examplesDir}`);
  });

  for (const { file, flow } of examples) {
    describe(file, function () {
      const ids = new Map(flow.map((n) => [n.id, n]));

      it('is a list of nodes with unique ids', function () {
        assert.ok(Array.isArray(flow) && flow.length > 0);
        for (const n of flow) assert.ok(typeof n.id === 'string' && typeof n.type === 'string', JSON.stringify(n));
        assert.equal(ids.size, flow.length, 'duplicate ids');
      });

      it('wires every output to a node of the same tab', function () {
        const bad: string[] = [];
        for (const n of flow) {
          for (const port of (n.wires as string[][] | undefined) ?? []) {
            for (const target of port) {
              const to = ids.get(target);
              if (!to) bad.push(`${n.type} ${n.id} -> missing ${target}`);
              else if (to.z !== n.z) bad.push(`${n.type} ${n.id} -> ${target} on another tab`);
            }
          }
        }
        assert.deepEqual(bad, []);
      });

      it('refers only to config nodes it contains', function () {
        const bad: string[] = [];
        for (const n of flow) {
          for (const key of REFERENCES) {
            const ref = n[key];
            // mqtt-broker's `broker` is a host name, not a reference.
            if (typeof ref !== 'string' || ref === '' || (n.type === 'mqtt-broker' && key === 'broker')) continue;
            if (!ids.has(ref)) bad.push(`${n.type} ${n.id}.${key} -> missing ${ref}`);
          }
        }
        assert.deepEqual(bad, []);
      });

      it('carries no credentials and starts with a comment that explains it', function () {
        for (const n of flow) {
          assert.equal(n.credentials, undefined, `${n.type} ${n.id} carries credentials`);
          assert.equal(n.secret, undefined, `${n.type} ${n.id} carries a secret`);
        }
        const comments = flow.filter((n) => n.type === 'comment' && typeof n.info === 'string' && n.info.length > 0);
        assert.ok(comments.length >= 1, 'no comment node with an explanation');
        const usesDashboard = flow.some((n) => n.type.startsWith('ui-'));
        if (usesDashboard)
          assert.ok(
            comments.some((n) => String(n.info).includes('@flowfuse/node-red-dashboard')),
            'a Dashboard 2.0 example says which package to install',
          );
      });
    });
  }
});
