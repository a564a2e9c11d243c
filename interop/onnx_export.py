"""The PyTorch side of @nabla/onnx's import test: builds a network with seeded random weights (and
random batch-norm statistics), exports it with PyTorch's own exporter (torch.onnx.export, offline),
and writes the input it was run on and PyTorch's output, for Nabla to import and compare.

  python3 interop/onnx_export.py --model lenet|mlp|alexnet-zoo|alexnet-torch --out DIR [--seed S]

writes DIR/model.onnx, DIR/input.f32, DIR/output.f32 (raw little-endian float32) and prints a JSON
line {"input_shape": [...], "output_shape": [...], "ops": [...], "opset": n}.

- lenet: interop/lenet.py's LeNet, flattened with x.view(x.size(0), -1) and a dynamic batch axis,
  so the exporter writes the Shape → Gather → Unsqueeze → Concat → Reshape chain; batch norm kept as
  BatchNormalization (TrainingMode.PRESERVE on an eval-mode model: no Conv+BN folding).
- mlp: Linear/ReLU/Linear/ReLU/Linear on 20 features (Gemm nodes).
- alexnet-zoo: the ONNX model zoo's bvlcalexnet structure and op set (Caffe's AlexNet: conv1 11×11/4,
  LRN, 3×3/2 max pooling, conv2/4/5 in 2 groups, fc6/fc7 with dropout, fc8, softmax 'prob'), its
  input 'data_0' of 1×3×227×227, and its op set exactly: Conv, Relu, LRN, MaxPool, Reshape, Gemm,
  Dropout, Softmax. PyTorch would decompose LocalResponseNorm and drop Dropout in evaluation, so
  those two are written through symbolic functions as the single ONNX LRN and Dropout nodes the zoo
  file has (the numbers PyTorch computes are F.local_response_norm's, which is what is compared).
- alexnet-torch: interop/alexnet.py exported as PyTorch does by default (LocalResponseNorm
  decomposed into Pow/Pad/AveragePool/…): what a Nabla import must refuse with the node list.
"""

import argparse
import json
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from alexnet import AlexNet  # noqa: E402
from lenet import lenet  # noqa: E402


class LRNOp(torch.autograd.Function):
    """F.local_response_norm, exported as ONNX LRN: y = x / (k + α/n Σ x²)^β — α over n in both."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return F.local_response_norm(x, size, alpha=alpha, beta=beta, k=k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)


class DropoutOp(torch.autograd.Function):
    """Dropout in evaluation (the identity), exported as the zoo's Dropout node (ratio as an input)."""

    @staticmethod
    def forward(ctx, x, p):
        return x.clone()

    @staticmethod
    def symbolic(g, x, p):
        ratio = g.op("Constant", value_t=torch.tensor(p, dtype=torch.float32))
        return g.op("Dropout", x, ratio)


class LRN(nn.Module):
    def __init__(self, size, alpha, beta, k):
        super().__init__()
        self.args = (size, alpha, beta, k)

    def forward(self, x):
        return LRNOp.apply(x, *self.args)


class ZooDropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        return DropoutOp.apply(x, self.p)


class ZooAlexNet(nn.Module):
    """bvlcalexnet: AlexNet's layers in the zoo file's order, its softmax output included."""

    def __init__(self, num_classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 11, stride=4),  # conv1
            nn.ReLU(),
            LRN(5, 1e-4, 0.75, 1.0),  # norm1 (the zoo file's bias is 1, Caffe's k)
            nn.MaxPool2d(3, 2),  # pool1
            nn.Conv2d(96, 256, 5, padding=2, groups=2),  # conv2
            nn.ReLU(),
            LRN(5, 1e-4, 0.75, 1.0),  # norm2
            nn.MaxPool2d(3, 2),  # pool2
            nn.Conv2d(256, 384, 3, padding=1),  # conv3
            nn.ReLU(),
            nn.Conv2d(384, 384, 3, padding=1, groups=2),  # conv4
            nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1, groups=2),  # conv5
            nn.ReLU(),
            nn.MaxPool2d(3, 2),  # pool5
        )
        self.classifier = nn.Sequential(
            nn.Linear(9216, 4096),  # fc6
            nn.ReLU(),
            ZooDropout(0.5),  # drop6
            nn.Linear(4096, 4096),  # fc7
            nn.ReLU(),
            ZooDropout(0.5),  # drop7
            nn.Linear(4096, num_classes),  # fc8
        )

    def scores(self, x):
        # The zoo's Reshape to [1, 9216] (a batch of one).
        return self.classifier(self.features(x).reshape(1, 9216))

    def forward(self, x):
        return torch.softmax(self.scores(x), dim=1)


class LeNetView(nn.Module):
    """interop/lenet.py's layers, flattened with view(size(0), -1) (PyTorch's common idiom)."""

    def __init__(self):
        super().__init__()
        layers = list(lenet().children())
        self.features = nn.Sequential(*layers[:11])
        self.classifier = nn.Sequential(*layers[12:])

    def forward(self, x):
        x = self.features(x)
        return self.classifier(x.view(x.size(0), -1))


def he_init(model, seed):
    """He-normal weights, small biases, conv1 scaled for 0 … 255 pixels: a stand-in for trained weights
    whose class probabilities are not all saturated (the zoo's real weights cannot be downloaded here)."""
    g = torch.Generator().manual_seed(seed)
    first = True
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5 / (255.0 if first else 1.0))
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.01)  # not zeros: equal initializers are merged
                first = False


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if not t.is_floating_point():
                continue
            if name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=g) * 1.5 + 0.5)
            else:
                t.copy_((torch.rand(t.shape, generator=g) - 0.5) * (0.2 if t.dim() > 1 else 1.0))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=["lenet", "mlp", "alexnet-zoo", "alexnet-torch"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--classes", type=int, default=1000)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(int(os.environ.get("NABLA_TORCH_THREADS", "1")))

    dynamic = None
    training = torch.onnx.TrainingMode.EVAL
    names = (["input"], ["output"])
    if args.model == "lenet":
        model, shape = LeNetView(), (3, 1, 28, 28)
        dynamic = {"input": {0: "N"}, "output": {0: "N"}}
        training = torch.onnx.TrainingMode.PRESERVE
    elif args.model == "mlp":
        model, shape = nn.Sequential(nn.Linear(20, 16), nn.ReLU(), nn.Linear(16, 12), nn.ReLU(), nn.Linear(12, 5)), (4, 20)
        dynamic = {"input": {0: "N"}, "output": {0: "N"}}
    elif args.model == "alexnet-zoo":
        model, shape = ZooAlexNet(args.classes), (1, 3, 227, 227)
        names = (["data_0"], ["prob_1"])
    else:
        model, shape = AlexNet(args.classes), (1, 3, 227, 227)
    if args.model == "alexnet-zoo":
        he_init(model, args.seed)
    else:
        randomize(model, args.seed)
    model.eval()
    g = torch.Generator().manual_seed(args.seed + 1)
    x = torch.rand(shape, generator=g) * (255.0 if args.model == "alexnet-zoo" else 1.0)
    with torch.no_grad():
        y = model(x)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(
        model,
        x,
        path,
        opset_version=13,
        input_names=names[0],
        output_names=names[1],
        dynamic_axes=dynamic,
        training=training,
        # Folding is for evaluation exports; PRESERVE keeps the graph as traced (the Shape chain too).
        do_constant_folding=training == torch.onnx.TrainingMode.EVAL,
    )
    x.numpy().astype("<f4").tofile(os.path.join(args.out, "input.f32"))
    if isinstance(model, ZooAlexNet):
        # The scores before the softmax too: random weights saturate the probabilities.
        with torch.no_grad():
            model.scores(x).numpy().astype("<f4").tofile(os.path.join(args.out, "scores.f32"))
    y.numpy().astype("<f4").tofile(os.path.join(args.out, "output.f32"))
    print(json.dumps({"input_shape": list(shape), "output_shape": list(y.shape), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
