// Tests run ops, and @igcnet/tensor ships no backend: every test file gets the CPU backend here.
import '@igcnet/cpu';
