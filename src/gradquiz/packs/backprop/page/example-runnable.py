# The same neuron in runnable Python, with numbers (z = wx+b, a = σ(z), L = ½(y − a)²)
import math

w, x, b, y = 0.5, 1.5, -0.25, 1.0

# forward
z = w * x + b
a = 1 / (1 + math.exp(-z))  # sigmoid(z)
L = 0.5 * (y - a) ** 2

# backward (reverse mode): dL_da stands for dL/da, and so on
dL_da = a - y
da_dz = a * (1 - a)  # sigmoid derivative
dL_dz = dL_da * da_dz
dL_dw = dL_dz * x
dL_db = dL_dz

print(f"z = {z:.4f}   a = {a:.4f}   L = {L:.4f}")
print(f"dL/da = {dL_da:.4f}   dL/dz = {dL_dz:.4f}")
print(f"dL/dw = {dL_dw:.4f}   dL/db = {dL_db:.4f}")

# It prints:
# z = 0.5000   a = 0.6225   L = 0.0713
# dL/da = -0.3775   dL/dz = -0.0887
# dL/dw = -0.1331   dL/db = -0.0887
