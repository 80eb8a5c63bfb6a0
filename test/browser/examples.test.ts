import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { packageName, repoRoot } from '../support/repo';
import { browserFlavours, useEditorFixture } from './fixture';

/**
 * Every example the package ships imports cleanly from the editor's menu: Import > Examples >
 * node-red-contrib-trueconf-room > <example>. Clean means: no "unrecognised type" warning or other error
 * notification, no node drawn as unknown, no node flagged invalid, and every node of the file on the workspace.
 */
const examplesDir = path.join(repoRoot, 'examples');
const examples = fs
  .readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({
    name: file.replace(/\.json$/, ''),
    flow: JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as Array<Record<string, unknown>>,
  }));

for (const flavour of browserFlavours())
  describe(`editor: Import > Examples (${flavour.label})`, function () {
    this.timeout(60000);

    const fx = useEditorFixture(flavour, { screenshotPrefix: 'example-' });

    it('the package ships examples', function () {
      assert.ok(examples.length >= 1, `no examples in ${examplesDir}`);
    });

    for (const [index, example] of examples.entries()) {
      it(`imports "${example.name}" without errors or unknown nodes`, async function () {
        const { editor } = fx();
        const before = (await editor.canvasNodeIds()).length;
        const notes = await editor.importExample(packageName, example.name, { x: 120, y: 80 });

        assert.doesNotMatch(notes, /unrecogni[sz]ed|unknown|error|fail/i, `import notifications: ${notes}`);
        assert.match(notes, /Imported/, `the import is confirmed: ${notes}`);
        assert.equal(await editor.errorNotifications().count(), 0, `no error notification: ${notes}`);
        assert.equal(await editor.unknownNodes().count(), 0, 'no node is of an unknown type');
        // Nodes with a position are drawn on the workspace; config nodes (no position) are not.
        const drawn = example.flow.filter(
          (n) => typeof n.x === 'number' && typeof n.y === 'number' && n.type !== 'tab',
        ).length;
        assert.equal(
          (await editor.canvasNodeIds()).length - before,
          drawn,
          'every node of the example is on the workspace',
        );
        const invalid = await editor.invalidNodes().count();
        assert.equal(invalid, 0, 'no imported node is flagged invalid (red triangle)');
        assert.deepEqual(fx().browser.pageErrors.splice(0), [], 'the editor page threw');

        await editor.dismissNotifications();
        await editor.screenshot(`07-example-${String(index + 1).padStart(2, '0')}`);
        // Undo the import, so the next example (sharing the demo Room config) imports into a clean workspace.
        await editor.clickCanvas({ x: 20, y: 20 });
        await editor.undoUntilNodeCount(before);
      });
    }
  });
