import { describe, expect, it } from 'vitest';
import { mpirunArgs, rankFailure } from './launch.js';

describe('mpirunArgs', () => {
  it('builds the command line: no binding, environment, MCA, hostfile', () => {
    expect(
      mpirunArgs({
        np: 4,
        oversubscribe: true,
        hostfile: 'hosts',
        mca: { btl: 'self,tcp' },
        env: { IGCNET_CPU_THREADS: '2' },
        command: ['node', 'igc.js', 'train'],
      }),
    ).toEqual([
      '-np',
      '4',
      '--bind-to',
      'none',
      '--oversubscribe',
      '--hostfile',
      'hosts',
      '--mca',
      'btl',
      'self,tcp',
      '-x',
      'IGCNET_CPU_THREADS=2',
      'node',
      'igc.js',
      'train',
    ]);
  });

  it('rejects bad input by name', () => {
    expect(() => mpirunArgs({ np: 0, command: ['x'] })).toThrow(
      /np must be a positive integer, got 0/,
    );
    expect(() => mpirunArgs({ np: 2, command: [] })).toThrow(/no command/);
    expect(() => mpirunArgs({ np: 2, command: ['x'], env: { 'A=B': '1' } })).toThrow(
      /'A=B' is not an environment variable name/,
    );
  });
});

describe('rankFailure', () => {
  it('names a rank killed by a signal', () => {
    const out = `--------------------------------------------------------------------------
mpirun noticed that process rank 1 with PID 4242 on node vm exited on signal 9 (Killed).
--------------------------------------------------------------------------`;
    expect(rankFailure(out)).toEqual({
      rank: 1,
      pid: 4242,
      host: 'vm',
      signal: 'signal 9 (Killed)',
      message: 'rank 1 (PID 4242 on vm) was killed by signal 9 (Killed)',
    });
  });

  it('names a rank that exited with an error, or called MPI_Abort', () => {
    const exited = `mpirun detected that one or more processes exited with non-zero status, thus causing
the job to be terminated. The first process to do so was:

  Process name: [[60316,1],2]
  Exit code:    3`;
    expect(rankFailure(exited)).toMatchObject({
      rank: 2,
      exitCode: 3,
      message: 'rank 2 exited with code 3',
    });
    const aborted = `MPI_ABORT was invoked on rank 0 in communicator MPI_COMM_WORLD
with errorcode 1.`;
    expect(rankFailure(aborted)).toMatchObject({ rank: 0, exitCode: 1 });
    expect(rankFailure('all fine')).toBeUndefined();
  });
});
