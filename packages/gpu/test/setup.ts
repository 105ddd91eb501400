// The tests compare WebGPU with the CPU backend, which @igcnet/tensor no longer brings along.
import '@igcnet/cpu';
