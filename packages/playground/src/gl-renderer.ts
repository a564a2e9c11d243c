/**
 * The WebGL renderer behind gpu.js's WebGL kernels, as the browser names it. A WebGL2Kernel may
 * run on a software rasterizer (SwiftShader, Mesa's llvmpipe): correct, but slower than the cpu
 * backend, and a person choosing a backend should be told.
 */
export interface GlRenderer {
  /** E.g. 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)'. */
  name: string;
  software: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

/** The WebGL2 renderer of this page, or null without a WebGL2 context. */
export function glRenderer(): GlRenderer | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  try {
    // The unmasked name where the browser offers it (Chromium does); the generic one otherwise.
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return { name, software: SOFTWARE.test(name) };
  } finally {
    // Give the context back at once: browsers cap how many a page may hold.
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
