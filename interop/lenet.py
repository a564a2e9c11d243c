"""The course's LeNet in PyTorch, layer for layer as Nabla builds it, so state_dict names match:
0.weight, 0.bias, 1.weight, 1.bias, 1.running_mean, 1.running_var, 1.num_batches_tracked, …,
12.weight (Linear 3136 -> 50), 14.weight (Linear 50 -> 10). Input: N×1×28×28 (MNIST)."""

from torch import nn


def lenet(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),  # 0
        nn.BatchNorm2d(16),  # 1
        nn.ReLU(),  # 2
        nn.MaxPool2d(2, 2),  # 3: 28 -> 14
        nn.Conv2d(16, 32, 3, padding=1),  # 4
        nn.BatchNorm2d(32),  # 5
        nn.ReLU(),  # 6
        nn.MaxPool2d(2, 2),  # 7: 14 -> 7
        nn.Conv2d(32, 64, 3, padding=1),  # 8
        nn.BatchNorm2d(64),  # 9
        nn.ReLU(),  # 10
        nn.Flatten(),  # 11: 64·7·7 = 3136, channel-major as NCHW flattens
        nn.Linear(3136, 50),  # 12
        nn.ReLU(),  # 13
        nn.Linear(50, num_classes),  # 14
    )


INPUT_SHAPE = (1, 28, 28)
