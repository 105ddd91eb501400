import { runBackendConformance } from '@igcnet/tensor/testing';
import { createCpuBackend } from './index.js';

runBackendConformance({ name: 'cpu', factory: createCpuBackend });
