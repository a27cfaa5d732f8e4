"""The backprop lab: graphs, gradients, your-turn and the charts it draws."""
