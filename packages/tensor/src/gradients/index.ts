// Side-effect imports: each file registers the gradients of its kernels with the engine.
import './batchnorm_grad.js';
import './conv_grad.js';
import './elementwise_grad.js';
import './layout_grad.js';
import './loss_grad.js';
import './matmul_grad.js';
import './pool_grad.js';
import './reduction_grad.js';
