import { pairContextFactory } from '../dist/walk/context.js';
import { runPairJob } from '../dist/walk/pair-walk.js';
import { threadWalkFs } from '../dist/walk/walk-fs.js';
import { defaultCreateRule, ATTR } from '../dist/manifest/rules.js';
const [c, t, mode = 'quick'] = process.argv.slice(2);
const side = (root) => ({ relocRoot: root, rules: [defaultCreateRule(root, ATTR.contents)], computeChecksum: false, hash: 'xxh64', acl: 'auto' });
const pcFor = await pairContextFactory({ sides: [side(c), side(t)], mode, sameLineage: false }, threadWalkFs);
const fs = threadWalkFs();
const dc = fs.lstat(c).dev, dt = fs.lstat(t).dev;
const times = [];
for (let r = 0; r < 4; r++) {
  const pc = pcFor(['ext4', 'ext4']);
  let bytes = 0;
  const t0 = performance.now();
  runPairJob(pc, { id: 0, sides: [{ dir: c, dev: dc }, { dir: t, dev: dt }], rootLines: ['x', 'x'], rootLineSorted: true }, {
    text: (s) => { bytes += s.length; }, message: () => {}, hole: () => {}, wantsDonation: () => false, claimDonation: () => undefined, donate: () => {},
  });
  times.push(performance.now() - t0);
}
console.log(process.env.LABEL ?? '', times.map((x) => x.toFixed(0)).join(' '), 'min', Math.min(...times).toFixed(0));
