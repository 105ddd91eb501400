import { runBackendConformance } from '../testing/index.js';
import { CpuBackend } from './backend.js';

runBackendConformance({ name: 'cpu', factory: () => new CpuBackend() });
