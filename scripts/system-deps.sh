#!/usr/bin/env bash
# The two system packages some tests need, from Debian (nothing is downloaded at test time):
#  - chromium: @nabla/gpu's and the playground's tests run gpu.js's WebGL2 kernels in headless
#    Chromium (software GL, SwiftShader);
#  - python3-torch (PyTorch 1.13): the interop tests load Nabla's safetensors into PyTorch and back.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo=sudo; else
    echo "system-deps: the tests need Debian's ${need[*]}; run as root: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi
echo "system-deps: installing ${need[*]} from Debian" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
