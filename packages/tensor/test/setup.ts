// The backend the engine tests run on (see vitest.config.ts for why it comes from source).
import '@igcnet/cpu';
