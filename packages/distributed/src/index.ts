/**
 * @igcnet/distributed: a thin N-API binding of Open MPI for data-parallel training. `init()`
 * joins the job `mpirun` started and returns this process's rank, size and local rank with the
 * collectives (allreduce, broadcast, barrier); Open MPI does all communication.
 * @packageDocumentation
 */
export { type MpirunOptions, mpirunArgs, rankFailure } from './launch.js';
export { ADDON_PATH, MPI_PACKAGES, MpiUnavailableError, mpiStatus } from './native.js';
export {
  allreduce,
  barrier,
  broadcast,
  finalize,
  init,
  type MpiWorld,
  type ReduceOp,
  type ReducibleArray,
} from './world.js';
