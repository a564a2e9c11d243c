"""The PyTorch side of Nabla's interop test: weights travel both ways as safetensors.

  export   --model lenet|alexnet --weights W --input X --output Y [--seed S] [--batch N]
           random weights and a random input made in PyTorch; writes the weights (state_dict names),
           the input (tensor "input") and the eval-mode output (tensor "output").
  check    --model lenet|alexnet --weights W --input X --expected Y [--atol A] [--rtol R]
           loads weights written by Nabla into the PyTorch module STRICTLY (every name, every shape),
           runs the eval-mode forward on X and compares with Nabla's output Y (tensor "output"):
           prints the max abs error; exit 1 when |torch - nabla| > atol + rtol·|torch| anywhere.
  echo     --input A --output B
           reads A into torch tensors and writes them back with this writer (a format round trip).
  describe --model lenet|alexnet
           prints JSON: the parameter count and every state_dict name with its shape and dtype.

Exit codes: 0 pass, 1 outputs differ, 2 bad usage or a file refused.
Runs as /usr/bin/python3 (Debian's python3-torch); threads default to 1 (NABLA_TORCH_THREADS), since
the machine is shared and one thread makes the reference deterministic.
"""

import argparse
import json
import os
import sys

import torch

# Import the sibling modules from here, without leaving __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import safetensors_io  # noqa: E402
from alexnet import INPUT_SHAPE as ALEXNET_INPUT  # noqa: E402
from alexnet import alexnet  # noqa: E402
from lenet import INPUT_SHAPE as LENET_INPUT  # noqa: E402
from lenet import lenet  # noqa: E402

MODELS = {"lenet": (lenet, LENET_INPUT), "alexnet": (alexnet, ALEXNET_INPUT)}


def build(name):
    make, input_shape = MODELS[name]
    return make(), input_shape


def randomize_batchnorm(model, generator):
    # Fresh BatchNorm is the identity in eval mode (mean 0, var 1, weight 1, bias 0): give it values
    # so the comparison exercises every statistic.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            with torch.no_grad():
                m.weight.copy_(0.5 + torch.rand(n, generator=generator))
                m.bias.copy_(0.1 * torch.randn(n, generator=generator))
                m.running_mean.copy_(0.1 * torch.randn(n, generator=generator))
                m.running_var.copy_(0.5 + torch.rand(n, generator=generator))
                m.num_batches_tracked.fill_(7)


def cmd_export(args):
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    model, input_shape = build(args.model)
    randomize_batchnorm(model, generator)
    model.eval()
    x = torch.randn((args.batch, *input_shape), generator=generator)
    with torch.no_grad():
        y = model(x)
    safetensors_io.save(model.state_dict(), args.weights, {"format": "pt", "model": args.model})
    safetensors_io.save({"input": x}, args.input)
    safetensors_io.save({"output": y}, args.output)
    print(f"exported {args.model}: {len(model.state_dict())} tensors, input {list(x.shape)}, output {list(y.shape)}")
    return 0


def cmd_check(args):
    model, _ = build(args.model)
    weights, _, _ = safetensors_io.load(args.weights)
    reference = model.state_dict()
    # Nabla keeps integer buffers (num_batches_tracked) as int32; PyTorch as int64. Cast to the
    # module's dtype; names and shapes must still match exactly (strict load below).
    weights = {k: (v.to(reference[k].dtype) if k in reference else v) for k, v in weights.items()}
    try:
        model.load_state_dict(weights, strict=True)
    except RuntimeError as e:
        print(f"{args.weights}: does not fit the PyTorch {args.model}: {e}", file=sys.stderr)
        return 2
    model.eval()
    x = safetensors_io.load(args.input)[0]["input"].float()
    expected = safetensors_io.load(args.expected)[0]["output"].float()
    with torch.no_grad():
        y = model(x)
    if y.shape != expected.shape:
        print(f"output shape {list(expected.shape)} from Nabla, {list(y.shape)} from PyTorch", file=sys.stderr)
        return 1
    diff = (y - expected).abs()
    max_abs = diff.max().item() if diff.numel() else 0.0
    bound = args.atol + args.rtol * y.abs()
    ok = bool((diff <= bound).all())
    print(json.dumps({"model": args.model, "maxAbsError": max_abs, "atol": args.atol, "rtol": args.rtol, "pass": ok}))
    return 0 if ok else 1


def cmd_echo(args):
    tensors, metadata, _ = safetensors_io.load(args.input)
    safetensors_io.save(tensors, args.output, metadata)
    print(f"echoed {len(tensors)} tensors")
    return 0


def cmd_describe(args):
    model, input_shape = build(args.model)
    state = {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", "")} for k, v in model.state_dict().items()}
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"model": args.model, "parameters": params, "input": list(input_shape), "stateDict": state}))
    return 0


def main(argv=None):
    torch.set_num_threads(int(os.environ.get("NABLA_TORCH_THREADS", "1")))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("export")
    e.add_argument("--model", choices=MODELS, required=True)
    e.add_argument("--weights", required=True)
    e.add_argument("--input", required=True)
    e.add_argument("--output", required=True)
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--batch", type=int, default=2)
    c = sub.add_parser("check")
    c.add_argument("--model", choices=MODELS, required=True)
    c.add_argument("--weights", required=True)
    c.add_argument("--input", required=True)
    c.add_argument("--expected", required=True)
    c.add_argument("--atol", type=float, default=1e-4)
    c.add_argument("--rtol", type=float, default=1e-3)
    o = sub.add_parser("echo")
    o.add_argument("--input", required=True)
    o.add_argument("--output", required=True)
    d = sub.add_parser("describe")
    d.add_argument("--model", choices=MODELS, required=True)
    args = p.parse_args(argv)
    try:
        return {"export": cmd_export, "check": cmd_check, "echo": cmd_echo, "describe": cmd_describe}[args.command](args)
    except (safetensors_io.SafetensorsError, FileNotFoundError, KeyError) as e:
        print(f"roundtrip {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
