"""The backprop lab's maths: safe expressions, computational graphs, checks and gradient flow.

Pure: no web, no SQL, no clock. numpy is imported only by `gradient_flow`.
"""
