// Mocha's spec output for people, plus the run's counts in a JSON file for scripts/run-tests.js, which
// sums the counts of all its child runs into one summary line. The file is named by
// TRUECONF_TEST_SUMMARY_FILE; without it this is just the spec reporter.
import fs from 'node:fs';
import Mocha from 'mocha';

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.TRUECONF_TEST_SUMMARY_FILE;
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0 } = runner.stats || {};
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending }));
    });
  }
}

// Mocha loads a reporter with require() and uses the module itself as the class.
export = SummaryReporter;
