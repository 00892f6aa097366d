/**
 * What stages leave behind when something cuts them short: a recorded BE destroyed outside
 * preupd (`beadm destroy`), or a BE a killed stage made before recording it. stage and prune
 * clean them up; status only reports them.
 */
import type { CycleContext } from './context.js';
import { destroyStageSnapshot } from './stage-replace.js';
import { findPristine, forgetPristine, forgetStaged, unbootedStaged, type PreupdState } from './state.js';

/** User property on a BE that a stage made and has not yet recorded in the state. */
export const STAGE_IN_PROGRESS = 'org.preupd:stage-in-progress';

/** A recorded BE whose dataset is gone (destroyed outside preupd): forgotten, with what only it used. */
export async function forgetVanished(ctx: CycleContext, state: PreupdState): Promise<PreupdState> {
  const { zfs } = ctx.system;
  let next = state;
  for (const gone of unbootedStaged(state)) {
    if (await zfs.exists(gone.dataset)) continue;
    ctx.say(`# ${gone.be} is recorded but ${gone.dataset} is gone: forgetting it`);
    await destroyStageSnapshot(ctx, gone);
    next = forgetStaged(next, gone.stageId);
    // Its pristine went with it unless a promotion had moved it onto another BE.
    const pristine = findPristine(next, gone.pristineGuid);
    if (pristine && !(await zfs.exists(pristine.name))) next = forgetPristine(next, pristine.guid);
  }
  return next;
}

/**
 * Every BE root in the container, mapped to the stage id it carries while a stage has made
 * it but not recorded it (undefined for any other BE). One `zfs list`: reads only.
 */
export async function beRootsWithStageMark(ctx: CycleContext): Promise<Map<string, string | undefined>> {
  const { beContainer } = ctx.config;
  const rows = await ctx.system.zfs.list({ roots: [beContainer], type: 'filesystem', depth: 1, properties: [STAGE_IN_PROGRESS] });
  return new Map(
    rows.filter((row) => row.name !== beContainer).map((row) => {
      const mark = row.properties[STAGE_IN_PROGRESS];
      return [row.name, mark === undefined || mark === '-' ? undefined : mark] as const;
    }),
  );
}
