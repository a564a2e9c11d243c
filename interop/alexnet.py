"""The ORIGINAL AlexNet (Krizhevsky et al. 2012, as in Caffe and Matlab's `alexnet`), not torchvision's
variant: 96/256/384/384/256 filters, cross-channel normalization after conv1 and conv2, grouped conv2,
conv4 and conv5 (the two-GPU split), no adaptive pooling, dropout after fc6 and fc7.
Input N×3×227×227; spatial sizes 55, 27, 27, 13, 13, 13, 13, 6. 60,965,224 learnable parameters.

PyTorch's LocalResponseNorm divides alpha by the window size, b = a / (k + alpha/n · Σa²)^beta, as
Caffe and Matlab's crossChannelNormalizationLayer do, so alpha = 1e-4, beta = 0.75, k = 2, n = 5 here
are the same numbers as there."""

import torch
from torch import nn

PARAMETER_COUNT = 60_965_224
INPUT_SHAPE = (3, 227, 227)


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 11, stride=4),  # 0  conv1: 227 -> 55
            nn.ReLU(),  # 1
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0),  # 2  norm1
            nn.MaxPool2d(3, 2),  # 3  pool1: 55 -> 27
            nn.Conv2d(96, 256, 5, padding=2, groups=2),  # 4  conv2
            nn.ReLU(),  # 5
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0),  # 6  norm2
            nn.MaxPool2d(3, 2),  # 7  pool2: 27 -> 13
            nn.Conv2d(256, 384, 3, padding=1),  # 8  conv3
            nn.ReLU(),  # 9
            nn.Conv2d(384, 384, 3, padding=1, groups=2),  # 10 conv4
            nn.ReLU(),  # 11
            nn.Conv2d(384, 256, 3, padding=1, groups=2),  # 12 conv5
            nn.ReLU(),  # 13
            nn.MaxPool2d(3, 2),  # 14 pool5: 13 -> 6
        )
        self.classifier = nn.Sequential(
            nn.Linear(256 * 6 * 6, 4096),  # 0 fc6
            nn.ReLU(),  # 1
            nn.Dropout(0.5),  # 2
            nn.Linear(4096, 4096),  # 3 fc7
            nn.ReLU(),  # 4
            nn.Dropout(0.5),  # 5
            nn.Linear(4096, num_classes),  # 6 fc8
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def alexnet(num_classes=1000):
    return AlexNet(num_classes)


if __name__ == "__main__":
    count = sum(p.numel() for p in alexnet().parameters())
    print(count)
    assert count == PARAMETER_COUNT, f"AlexNet has {count} parameters, expected {PARAMETER_COUNT}"
