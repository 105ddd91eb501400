// Tests that run ops need a backend: this package's own, from source (as `import '@igcnet/cpu'`).
import '../src/index.js';
